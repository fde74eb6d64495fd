"""A named cast for the decision aid's tests: complete answers per step, as a browser posts them.

Dana: 42, depression, two failed adequate antidepressant trials, no safety findings, insured.
Variants change one thing: a cochlear implant (Colin) or thoughts of self-harm (Riley).
"""

from __future__ import annotations

from typing import Any

from trdnav.features.aid.example import EXAMPLE_ANSWERS

DANA = EXAMPLE_ANSWERS


def variant(**changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Dana's answers with some steps' fields changed."""
    out = {step: dict(fields) for step, fields in DANA.items()}
    for step, fields in changes.items():
        out[step].update(fields)
    return out


COLIN = variant(health={"cochlear_implant": "yes"})
RILEY = variant(feelings={"phq9_9": "2", "suicidal_thoughts": "passive"})
