"""The sources page grouped by kind of source, with conflicts of interest (issue 12 item 10)."""

from __future__ import annotations

from typing import get_args

from trdnav.domain.evidence.schema import SourceEntry, SourceType
from trdnav.features.aid.steps import N_

# Headings in the order shown: research first, then rules and labels, then interested parties.
TYPE_LABELS: dict[str, str] = {
    "trial": N_("Clinical trials"),
    "meta_analysis": N_("Systematic reviews, meta-analyses and pooled analyses"),
    "registry": N_("Registries and observational studies (no control group)"),
    "study": N_("Other research articles"),
    "guideline": N_("Professional guidelines and consensus statements"),
    "regulatory": N_("Drug labels, REMS and device clearances"),
    "payer": N_("Insurer policies and billing rules"),
    "standard": N_("Data and coding standards"),
    "manufacturer": N_("Documents from the makers of a treatment"),
    "clinic_marketing": N_("Clinic marketing"),
    "secondary": N_("News and secondary reports"),
    "software_issue": N_("Reports from users of scheduling software"),
}
assert set(TYPE_LABELS) == set(get_args(SourceType)), "every source type needs a heading"


def grouped(
    sources: dict[str, SourceEntry],
) -> list[tuple[str, str, list[tuple[str, SourceEntry]]]]:
    """(type, heading, sources by id) for every type that has sources, in heading order."""
    out = []
    for kind, label in TYPE_LABELS.items():
        rows = sorted((sid, s) for sid, s in sources.items() if s.type == kind)
        if rows:
            out.append((kind, label, rows))
    return out
