"""Numbers typed into forms, paths and queries: `str.isdigit()` accepts "¹" (which `int()`
refuses) and any length (which no integer column holds). Such input is refused or matches
nothing; it is never a server error."""

from __future__ import annotations

import pytest

from tests.cast import Member, make_request
from trdnav.domain.text import whole_number
from trdnav.platform.runtime import Runtime

ODD = ["¹", "٣", "9" * 30, "-1", "1.5", ""]


@pytest.mark.parametrize(
    ("raw", "default", "expected"),
    [
        ("0", None, 0),
        ("42", None, 42),
        ("123456789", None, 123456789),
        ("1234567890", None, None),  # past 9 digits: not an id of ours
        ("¹", None, None),
        ("٣", None, None),  # an Arabic-Indic digit: isdigit() says yes
        ("-1", None, None),
        (" 7", None, None),
        ("", -1, -1),
        (None, 0, 0),
    ],
)
def test_whole_number(raw: object, default: int | None, expected: int | None) -> None:
    assert whole_number(raw, default) == expected


@pytest.mark.parametrize("odd", ODD)
def test_odd_numbers_never_break_a_page(
    cast: dict[str, Member], runtime: Runtime, odd: str
) -> None:
    alice, cora = cast["alice"], cast["cora"]
    assert alice.get(f"/workspace/audit?before={odd}").status_code == 200
    rid = make_request(runtime)
    answer = cora.post(f"/workspace/consultations/{rid}/assign", {"assigned_user_id": odd})
    assert answer.status_code < 500
    assert alice.post("/workspace/tokens", {"name": "x", "days": odd}).status_code < 500
