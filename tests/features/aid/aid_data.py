"""A named cast for the decision aid's tests: complete answers per step, as a browser posts them.

Dana: 42, depression, two failed adequate antidepressant trials, no safety findings, insured.
Variants change one thing: a cochlear implant (Colin) or thoughts of self-harm (Riley).
"""

from __future__ import annotations

import re
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


def card_heads(html: str) -> str:
    """Every option card's heading (name and state) on a results page, one per line."""
    return "\n".join(re.findall(r'<h3 class="card-title"[^>]*>(.*?)</h3>', html, re.S))


def cards(html: str) -> dict[str, str]:
    """Each card's HTML by its id (`card-<option id>`, `card-status-quo`)."""
    card = r'<section class="option-card[^"]*" aria-labelledby="([^"]+)">(.*?)</section>'
    return dict(re.findall(card, html, re.S))


def row_cells(html: str, label: str) -> list[str]:
    """One row of the comparison: each option card's cell under `label` (status quo left out)."""
    cells = []
    for card_id, card in cards(html).items():
        if card_id == "card-status-quo":
            continue
        match = re.search(rf"<dt>{re.escape(label)}</dt><dd>(.*?)</dd>", card, re.S)
        assert match, f"{card_id} has a row {label!r}"
        cells.append(match.group(1))
    return cells
