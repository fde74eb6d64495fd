"""Spec tables: Medicare LCD L34522 / L34998 and L37086 (TMS), with billing article A57598."""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.coverage_rows import checked, criterion, rec, row, summary_row
from trdnav.domain.coverage.check import Facts

FULL = dict(dx="F33.2", trials=["sertraline 8w no"], safe=True)

# A row: criterion, the record in words, the record, met (True) / not met (False) / unknown (None).
# fmt: off
L34522 = [
    row("severe-mdd",                     "F33.2 severe recurrent",              rec(dx="F33.2"),                                  True),
    row("severe-mdd",                     "F32.3 severe with psychosis",         rec(dx="F32.3"),                                  True),
    row("severe-mdd",                     "F33.1 moderate",                      rec(dx="F33.1"),                                  False),
    row("severe-mdd",                     "F41.1 only (no MDD)",                 rec(dx="F41.1"),                                  False),
    row("severe-mdd",                     "F32.A unspecified severity",          rec(dx="F32.A"),                                  None),
    row("severe-mdd",                     "F33.1 and F33.9",                     rec(dx=("F33.1", "F33.9")),                       None),
    row("severe-mdd",                     "patient-reported F33.2 only",         rec(rdx="F33.2"),                                 None),
    row("severe-mdd",                     "no diagnosis",                        rec(),                                            None),
    row("failed-trial",                   "one adequate, no response",           rec(trials=["sertraline 8w no"]),                 True),
    row("failed-trial",                   "one adequate, partial response",      rec(trials=["sertraline 8w partial"]),            True),
    row("failed-trial",                   "intolerance after 2 weeks",           rec(trials=["sertraline 2w intol"]),              True),
    row("failed-trial",                   "4 weeks only (inadequate)",           rec(trials=["sertraline 4w no"]),                 False),
    row("failed-trial",                   "responded",                           rec(trials=["sertraline 8w resp"]),               False),
    row("failed-trial",                   "adequacy unknown",                    rec(trials=["sertraline ? no"]),                  None),
    row("failed-trial",                   "outcome unknown",                     rec(trials=["sertraline 8w"]),                    None),
    row("failed-trial",                   "none tried this episode",             rec(trials=[]),                                   False),
    row("failed-trial",                   "nobody asked",                        rec(),                                            None),
    row("failed-trial",                   "aripiprazole only (augmentation)",    rec(trials=["aripiprazole 8w no"]),               False),
    row("psychiatrist-orders",            "psychiatrist on the request",         rec(),                                            True,  Facts(ordering_psychiatrist=True)),
    row("psychiatrist-orders",            "not a psychiatrist",                  rec(),                                            False, Facts(ordering_psychiatrist=False)),
    row("psychiatrist-orders",            "not recorded",                        rec(),                                            None),
    row("no-implant-near-coil",           "all three answered no",               rec(safe=True),                                   True),
    row("no-implant-near-coil",           "cochlear implant",                    rec(safe=True, cochlear_implant=True),            False),
    row("no-implant-near-coil",           "metal yes, rest unknown",             rec(metal_in_head=True),                          False),
    row("no-implant-near-coil",           "neurostimulator unknown",             rec(metal_in_head=False, cochlear_implant=False), None),
    row("no-seizure-or-neurological-disease", "seizure history",                 rec(safe=True, seizure_history=True),             False),
    row("no-seizure-or-neurological-disease", "both answered no",                rec(safe=True),                                   True),
    row("no-active-psychosis",            "psychosis in the past",               rec(psychosis="past"),                            True),
    row("no-active-psychosis",            "current psychosis",                   rec(psychosis="current"),                         False),
    row("no-active-psychosis",            "answered none but F33.3 on record",   rec(dx="F33.3", psychosis="none"),                False),
    row("no-active-psychosis",            "not asked",                           rec(),                                            None),
    row("units-within-limit",             "25 asked (20 + 5 taper)",             rec(),                                            True,  Facts(requested_units=25)),
    row("units-within-limit",             "30 asked",                            rec(),                                            False, Facts(requested_units=30)),
    row("units-within-limit",             "16 more asked (10 + 6 taper)",        rec(),                                            True,  Facts(requested_units=16, continuation=True)),
    row("units-within-limit",             "20 more asked",                       rec(),                                            False, Facts(requested_units=20, continuation=True)),
]
L37086 = [
    row("failed-classes",                 "SSRI and SNRI failed",                rec(trials=["sertraline 8w no", "venlafaxine 8w partial"]), True),
    row("failed-classes",                 "two SSRIs failed",                    rec(trials=["sertraline 8w no", "fluoxetine 8w no"]),       False),
    row("failed-classes",                 "one failed",                          rec(trials=["sertraline 8w no"]),                           False),
    row("failed-classes",                 "SSRI and an unlisted drug",           rec(trials=["sertraline 8w no", "zuranolone 8w no"]),       None),
    row("psychotherapy",                  "psychotherapy tried",                 rec(psy=True),                                              True),
    row("psychotherapy",                  "none",                                rec(psy=False),                                             False),
    row("psychotherapy",                  "not asked",                           rec(),                                                      None),
]
SUMMARY = [
    summary_row("everything on record, psychiatrist orders", rec(**FULL), "met", Facts(ordering_psychiatrist=True)),
    summary_row("everything but who orders",                  rec(**FULL), "incomplete"),
    summary_row("all else met, seizure history",              rec(**FULL, seizure_history=True), "not_met", Facts(ordering_psychiatrist=True)),
]
# fmt: on


@pytest.mark.parametrize(("criterion_id", "record", "facts", "met"), L34522)
def test_l34522(criterion_id: str, record: Any, facts: Facts | None, met: bool | None) -> None:
    assert criterion("LCD-L34522", criterion_id, record, facts).met is met


@pytest.mark.parametrize(("criterion_id", "record", "facts", "met"), L37086)
def test_l37086(criterion_id: str, record: Any, facts: Facts | None, met: bool | None) -> None:
    assert criterion("LCD-L37086", criterion_id, record, facts).met is met


@pytest.mark.parametrize(("record", "facts", "summary"), SUMMARY)
def test_l34522_summary(record: Any, facts: Facts | None, summary: str) -> None:
    assert checked("LCD-L34522", record, facts).summary == summary


def test_the_evidence_names_what_decides_and_what_is_missing() -> None:
    record = rec(trials=["sertraline 8w no", "bupropion ? no"], phq9=[(19, "2026-10-02")])
    found = criterion("LCD-L37086", "failed-classes", record)
    assert found.met is None
    assert "sertraline (SSRI): 8 weeks, no response" in found.evidence
    assert found.missing == [
        "bupropion: whether it was adequate (therapeutic dose for at least 6 weeks)"
    ]
    unknown = criterion("LCD-L34522", "no-implant-near-coil", rec(metal_in_head=False))
    assert unknown.missing == [
        "an answer about cochlear implant",
        "an answer about implanted neurostimulator",
    ]


def test_terms_carry_the_billing_article() -> None:
    terms = {t.kind: t for t in checked("LCD-L34522", rec()).terms}
    assert "CMS-A57598" in terms["session_limit"].source_ids
    assert "25% improvement" in terms["continuation"].text
    assert terms["not_covered"].text == "Maintenance TMS is not covered"
