"""Session records: what a delivered session records per option family, and the safety rules
(esketamine's label and REMS, TMS motor threshold, IV ketamine vitals) as pure functions."""
