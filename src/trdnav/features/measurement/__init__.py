"""Measurement-based care: administrations (staff, API, patient links), change from baseline,
the suicide-risk item's alert, self-report links and their schedule, trajectories, outcomes."""
