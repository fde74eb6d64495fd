"""Registries from data: a third instrument is a data file, not code edits.

The fixture instrument is a made-up two-item scale (tests/domain/fixtures/instruments/).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trdnav.domain.measures import instruments

FIXTURES = Path(__file__).parent / "fixtures"


def test_built_in_instruments_are_discovered_from_their_files() -> None:
    files = sorted(p.stem for p in instruments.DATA_DIR.glob("*.toml"))
    assert sorted(instruments.registry().codes()) == files
    assert {"phq9", "gad7"} <= set(files)


def test_an_added_instrument_file_registers_and_scores(tmp_path: Path) -> None:
    data = tmp_path / "measures"
    shutil.copytree(instruments.DATA_DIR, data)
    shutil.copy(FIXTURES / "instruments" / "two_item.toml", data)
    registry = instruments.Registry()
    registry.discover(data)
    assert registry.codes() == ("gad7", "phq9", "two_item")
    two = registry.get("two_item")
    assert (two.max_total, two.total([1, 3]), two.band(4), two.band(2)) == (6, 4, "high", "low")
    assert two.is_response(6, 3) and two.is_remission(1) and not two.is_remission(2)
    with pytest.raises(ValueError, match="TWO-1 has 2 items"):
        two.total([1, 1, 1])
    assert registry.get("phq9") == instruments.get("phq9")  # built-ins register the same way


def test_an_instrument_file_must_carry_its_own_code(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "instruments" / "two_item.toml", tmp_path / "three_item.toml")
    with pytest.raises(ValueError, match=r"three_item\.toml: code: says 'two_item'"):
        instruments.Registry().discover(tmp_path)


def test_an_instrument_code_registers_once() -> None:
    registry = instruments.Registry()
    registry.discover(FIXTURES / "instruments")
    with pytest.raises(ValueError, match="'two_item' is already registered"):
        registry.discover(FIXTURES / "instruments")
    with pytest.raises(KeyError, match="no instrument 'phq9'"):
        registry.get("phq9")
