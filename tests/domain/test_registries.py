"""Registries from data: a seventh option or a third instrument is a data file, not code edits.

The fixture option is rTMS under another id and name; the fixture instrument is a made-up
two-item scale (tests/domain/fixtures/instruments/).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.domain.helpers import option, request
from trdnav.domain.assessment import Engine
from trdnav.domain.clinic import ClinicConfig, ClinicOptionError
from trdnav.domain.evidence.loader import (
    DATA_DIR,
    Evidence,
    EvidenceError,
    load_evidence,
)
from trdnav.domain.measures import instruments
from trdnav.domain.results import CONTRACT_OPTION_IDS, AssessmentResult
from trdnav.platform.clinics import load_clinic

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_OPTION = "fixture_option"


def _add_option(data_dir: Path, option_id: str, file_id: str | None = None) -> None:
    """Add options/<file_id or option_id>.toml: rTMS's file with another id and name."""
    rtms = (data_dir / "options" / "rtms.toml").read_text()
    assert 'id = "rtms"\nname = "Repetitive TMS (standard course)"' in rtms
    text = rtms.replace(
        'id = "rtms"\nname = "Repetitive TMS (standard course)"',
        f'id = "{option_id}"\nname = "Fixture option (a copy of rTMS)"',
        1,
    )
    (data_dir / "options" / f"{file_id or option_id}.toml").write_text(text)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture
def seven(data_copy: Path) -> Evidence:
    """The shipped evidence plus the fixture option."""
    _add_option(data_copy, FIXTURE_OPTION)
    return load_evidence(data_copy)


def test_an_added_option_file_is_discovered_after_the_contract_options(seven: Evidence) -> None:
    assert tuple(seven.options) == (*CONTRACT_OPTION_IDS, FIXTURE_OPTION)
    assert seven.options[FIXTURE_OPTION].name == "Fixture option (a copy of rTMS)"


def test_the_engine_assesses_and_ranks_an_added_option(seven: Evidence) -> None:
    result = Engine(seven, load_clinic()).assess(request())
    assert [o.id for o in result.options] == [*CONTRACT_OPTION_IDS, FIXTURE_OPTION]
    added, rtms = option(result, FIXTURE_OPTION), option(result, "rtms")
    assert (added.candidacy, added.offered, added.fit) == ("eligible", False, rtms.fit)
    # Same fit and evidence strength as rTMS: the tie breaks by id, so it ranks just before.
    assert result.ranking.index(FIXTURE_OPTION) == result.ranking.index("rtms") - 1
    AssessmentResult.model_validate(result.model_dump())  # the result still meets its model


def test_an_added_option_is_screened_by_its_rules(seven: Evidence) -> None:
    result = Engine(seven, load_clinic()).assess(request(medical_history={"metal_in_head": True}))
    added = option(result, FIXTURE_OPTION)
    assert added.candidacy == "contraindicated"
    assert ("contraindication", "metal_in_head") in {(f.level, f.code) for f in added.findings}
    assert FIXTURE_OPTION not in result.ranking


def test_a_clinic_can_offer_and_price_an_added_option(seven: Evidence) -> None:
    demo = load_clinic()
    clinic = ClinicConfig.model_validate(
        {
            **demo.model_dump(),
            "offered": [*demo.offered, FIXTURE_OPTION],
            "prices": {FIXTURE_OPTION: {"course": {"low": 5000, "high": 5000}}},
        }
    )
    added = option(Engine(seven, clinic).assess(request()), FIXTURE_OPTION)
    assert added.offered is True
    assert added.cost.course_list_price is not None
    assert added.cost.course_list_price.high == 5000


@pytest.mark.parametrize("key", ["offered", "prices"])
def test_a_clinic_naming_an_option_the_evidence_lacks_is_refused(seven: Evidence, key: str) -> None:
    demo = load_clinic()
    value = {
        "offered": [*demo.offered, "rtsm"],
        "prices": {"rtsm": {"course": {"low": 1, "high": 1}}},
    }[key]
    clinic = ClinicConfig.model_validate({**demo.model_dump(), key: value})
    with pytest.raises(ClinicOptionError, match=rf"clinic 'demo': {key}: no option 'rtsm'"):
        Engine(seven, clinic)


@pytest.mark.parametrize("bad", ["Fixture Option", "7th", "tms-2"])
def test_an_option_id_must_be_a_plain_lowercase_name(bad: str) -> None:
    demo = load_clinic()
    with pytest.raises(ValueError, match=r"offered\.\d"):
        ClinicConfig.model_validate({**demo.model_dump(), "offered": [bad]})


def test_an_option_file_must_carry_its_own_id(data_copy: Path) -> None:
    _add_option(data_copy, "rtms_copy", file_id=FIXTURE_OPTION)
    with pytest.raises(
        EvidenceError, match=rf"options/{FIXTURE_OPTION}.toml: id: says 'rtms_copy'"
    ):
        load_evidence(data_copy)


@pytest.mark.parametrize("option_id", CONTRACT_OPTION_IDS)
def test_every_contract_option_must_be_there(data_copy: Path, option_id: str) -> None:
    _add_option(data_copy, FIXTURE_OPTION)  # another option does not stand in for it
    (data_copy / "options" / f"{option_id}.toml").unlink()
    with pytest.raises(EvidenceError, match=rf"options/{option_id}.toml: file is missing"):
        load_evidence(data_copy)


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
