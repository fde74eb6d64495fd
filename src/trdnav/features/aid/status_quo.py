"""The status-quo column (IPDAS): staying with medicines and talking therapy, or waiting.

Its numbers are the control arms of the trials in the evidence file (section J), each with its
source: people who started a new antidepressant with a placebo spray (TRANSFORM-2), and people
who added quetiapine (ESCAPE-TRD). Everything else is said in words, without numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from trdnav.features.aid.steps import N_


@dataclass(frozen=True)
class Cell:
    """One row's text for the status-quo column, with its sources (none for plain words)."""

    text: str
    source_ids: tuple[str, ...] = ()


TITLE = N_("Stay with medicines and talking therapy, or wait")
# One cell per row of the comparison, by the row's key (aid/_result_macros.html `rows`).
CELLS: dict[str, Cell] = {
    "for_you": Cell(
        N_(
            "Always an option: stay on your medicine, change or add one, start or keep up "
            "talking therapy, or wait and review with your prescriber."
        )
    ),
    "given": Cell(N_("Pills at home; visits with your prescriber or therapist.")),
    "time_to_benefit": Cell(
        N_("A new medicine is usually judged after several weeks at a full dose.")
    ),
    "lasts": Cell(N_("Not given in our evidence base.")),
    "response": Cell(
        N_(
            "About 52 out of 100 people improved by at least half by day 28 after starting a "
            "new antidepressant (with a placebo spray, in a trial)."
        ),
        ("TRANSFORM-2",),
    ),
    "remission": Cell(
        N_(
            "About 31 out of 100 by day 28 with a new antidepressant (same trial); about 18 "
            "out of 100 by week 8 when quetiapine was added."
        ),
        ("TRANSFORM-2", "ESCAPE-TRD"),
    ),
    "trials": Cell(
        N_(
            "The chances shown for this choice come from the control groups of the esketamine "
            "trials: a placebo spray with a new antidepressant, and quetiapine."
        ),
        ("TRANSFORM-2", "ESCAPE-TRD"),
    ),
    "common_effects": Cell(N_("Depend on the medicine; ask your prescriber.")),
    "serious_effects": Cell(N_("Depend on the medicine; ask your prescriber.")),
    "harms": Cell(N_("Depend on the medicine; ask your prescriber.")),
    "visits": Cell(N_("Your usual visits.")),
    "driving": Cell(N_("No limits from the visits themselves.")),
    "cost": Cell(N_("Your usual medicine and visit costs; not estimated here.")),
    "evidence": Cell(
        N_("From the comparison groups of randomized trials."),
        ("TRANSFORM-2", "ESCAPE-TRD"),
    ),
    "ask": Cell(
        N_("Ask: what would we change if I stay with medicines, and when would we review it?")
    ),
}
