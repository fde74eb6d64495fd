"""Spec table for billing lines (codes.toml: NEUROSTAR-CODING, CGS-G2082, J0013-2026): one row =
the day's delivered sessions -> the lines (code, modifiers, units, session)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from trdnav.domain.sessions.billing import Delivered, lines

DAY = date(2027, 1, 12)


def tms(sid: str, **kw: Any) -> Delivered:
    return Delivered(sid, kw.pop("patient", "p1"), "c1", kw.pop("day", DAY), "tms", **kw)


def esk(sid: str, dose: float, medicare: bool = False) -> Delivered:
    return Delivered(sid, "p1", "c2", DAY, "esketamine", dose, medicare=medicare)


# fmt: off
ROWS = [
    ("first TMS session of a course",   [tms("a", first_of_course=True)],                  [("90867", "", 1, "a")]),
    ("later session",                   [tms("a")],                                        [("90868", "", 1, "a")]),
    ("motor threshold measured again",  [tms("a", mt_measured=True)],                      [("90869", "", 1, "a")]),
    ("two sessions a day: one code",    [tms("a"), tms("b")],                              [("90868", "", 1, "a")]),
    ("one 90869 a day",                 [tms("a", mt_measured=True), tms("b", mt_measured=True)], [("90869", "", 1, "a")]),
    ("the day's 90869 wins over 90868", [tms("a"), tms("b", mt_measured=True)],            [("90869", "", 1, "b")]),
    ("first session wins the day",      [tms("a", first_of_course=True, mt_measured=True)], [("90867", "", 1, "a")]),
    ("two patients, two lines",         [tms("a"), tms("b", patient="p2")],                [("90868", "", 1, "a"), ("90868", "", 1, "b")]),
    ("two days, two lines",             [tms("a"), tms("b", day=date(2027, 1, 13))],       [("90868", "", 1, "a"), ("90868", "", 1, "b")]),
    ("esketamine 28 mg",                [esk("e", 28)],                                    [("G2082", "", 1, "e"), ("J0013", "", 28, "e")]),
    ("esketamine 56 mg",                [esk("e", 56)],                                    [("G2082", "", 1, "e"), ("J0013", "", 56, "e")]),
    ("esketamine 84 mg",                [esk("e", 84)],                                    [("G2083", "", 1, "e"), ("J0013", "", 84, "e")]),
    ("esketamine for Medicare: KX",     [esk("e", 56, medicare=True)],                     [("G2082", "KX", 1, "e"), ("J0013", "", 56, "e")]),
    ("IV ketamine: no code in the file", [Delivered("k", "p1", "c3", DAY, "iv_ketamine", 35.0)], []),
]
# fmt: on


@pytest.mark.parametrize(
    ("delivered", "expected"), [pytest.param(d, e, id=name) for name, d, e in ROWS]
)
def test_billing_lines(
    delivered: list[Delivered], expected: list[tuple[str, str, int, str]]
) -> None:
    got = lines(delivered)
    assert sorted((x.code, x.modifiers, x.units, x.session_id) for x in got) == sorted(expected)
    assert all(x.source_ids and x.description for x in got)
