"""The coverage data: every policy the issue names, typed and sourced; defects stop loading
naming the file and key; drug names resolve to classes; a clinic lists known policies only."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from trdnav.domain.clinic import ClinicConfig
from trdnav.domain.coverage.drugs import Drugs
from trdnav.domain.coverage.loader import (
    DATA_DIR,
    CoverageDataError,
    default_coverage,
    load_coverage,
)
from trdnav.domain.evidence.loader import default_evidence

REQUIRED = {
    "LCD-L34522": "rtms",
    "LCD-L37086": "rtms",
    "AETNA-CPB0469": "rtms",
    "UHC-TMS": "rtms",
    "CENTENE-TMS": "rtms",
    "CIGNA-SPRAVATO": "esketamine",
    "QUALCHOICE-SPRAVATO": "esketamine",
}


def test_every_policy_the_issue_names_is_there_with_registered_sources() -> None:
    policies = default_coverage().policies
    sources = default_evidence().sources
    for pid, option in REQUIRED.items():
        policy = policies[pid]
        assert option in policy.options
        for c in policy.criteria:
            assert c.source_ids and set(c.source_ids) <= set(sources), (pid, c.id)


def test_the_evidence_numbers_are_in_the_data() -> None:
    p = default_coverage().policies
    lcd = p["LCD-L34522"]
    assert lcd.session_limit and (lcd.session_limit.sessions, lcd.session_limit.taper_sessions) == (
        20,
        5,
    )
    assert lcd.continuation and (lcd.continuation.sessions, lcd.continuation.taper_sessions) == (
        10,
        6,
    )
    assert lcd.continuation.min_improvement_pct == 25
    aetna = p["AETNA-CPB0469"]
    assert aetna.session_limit and aetna.session_limit.total == 36
    assert p["CENTENE-TMS"].session_limit and p["CENTENE-TMS"].session_limit.total == 36
    assert p["CIGNA-SPRAVATO"].approval and p["CIGNA-SPRAVATO"].approval.months == 6
    assert p["QUALCHOICE-SPRAVATO"].approval and p["QUALCHOICE-SPRAVATO"].approval.months == 3
    codes = default_coverage().codes
    assert codes.trd_diagnoses.codes == ["F32.1", "F32.2", "F33.1", "F33.2"]
    assert {"90867", "90868", "90869", "G2082", "G2083", "J0013"} <= set(codes.procedures)


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'source_ids = ["UHC-TMS"]\n\n[[criteria]]',
            'source_ids = ["UHC-XX"]\n\n[[criteria]]',
            "policies/UHC-TMS.toml: criteria[0].source_ids: unknown source id 'UHC-XX'",
        ),
        (
            'options = ["rtms", "deep_tms"]',
            'options = ["rtms", "laser"]',
            "policies/UHC-TMS.toml: options: no option 'laser'",
        ),
        (
            'id = "psychotherapy"',
            'id = "failed-classes"',
            "criteria[1].id: 'failed-classes' is used twice",
        ),
        (
            "min_trials = 2\nmin_classes = 2",
            'min_trials = "two"\nmin_classes = 2',
            "policies/UHC-TMS.toml: criteria.0.failed_trials.min_trials",
        ),
        ('id = "UHC-TMS"', 'id = "UHC-TMS2"', "id: says 'UHC-TMS2', expected 'UHC-TMS'"),
        ('kind = "psychotherapy"', 'kind = "vibes"', "policies/UHC-TMS.toml: criteria.1"),
    ],
)
def test_a_defect_names_the_file_and_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    data = _copy(tmp_path)
    path = data / "policies" / "UHC-TMS.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(CoverageDataError) as caught:
        load_coverage(data)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            '"medical_history.seizure_history" = [true]',
            '"medical_history.seizures" = [true]',
            "'medical_history.seizures' is not an answer of the record",
        ),
        (
            '"medical_history.seizure_history" = [true]',
            '"medical_history.seizure_history" = ["yes"]',
            "'yes' is not a valid value (bool)",
        ),
        (
            '"medical_history.psychosis" = ["current"]',
            '"medical_history.psychosis" = ["now"]',
            "'now' is not a valid value (one of 'none', 'past', 'current')",
        ),
        (
            'codes = ["F32.2", "F32.3", "F33.2", "F33.3"]',
            'codes = ["F32.2", "F99.9"]',
            "criteria[0].codes[1]: 'F99.9' is not an accepted ICD-10-CM code",
        ),
        (
            'measured_with = "phq9"',
            'measured_with = "madrs"',
            "continuation.measured_with: no instrument 'madrs'",
        ),
    ],
)
def test_answers_codes_and_instruments_are_checked_at_load(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    data = _copy(tmp_path)
    path = data / "policies" / "LCD-L34522.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(CoverageDataError) as caught:
        load_coverage(data)
    assert message in str(caught.value)


def test_drug_file_defects_are_named(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    path = data / "drugs.toml"
    path.write_text(
        path.read_text().replace(
            '[drugs.sertraline]\nclass = "ssri"', '[drugs.sertraline]\nclass = "ssrix"'
        )
    )
    with pytest.raises(
        CoverageDataError, match=re.escape("drugs.toml: drugs.sertraline.class: no class 'ssrix'")
    ):
        load_coverage(data)


@pytest.mark.parametrize(
    ("name", "generic", "drug_class", "role"),
    [
        ("sertraline", "sertraline", "ssri", "antidepressant"),
        ("Zoloft 100 mg", "sertraline", "ssri", "antidepressant"),
        ("Wellbutrin XL 300mg", "bupropion", "ndri", "antidepressant"),
        ("  Effexor   XR ", "venlafaxine", "snri", "antidepressant"),
        ("Trintellix", "vortioxetine", "multimodal", "antidepressant"),
        ("lithium carbonate", "lithium", "lithium", "augmentation"),
        ("T3", "liothyronine", "thyroid", "augmentation"),
        ("Abilify", "aripiprazole", "antipsychotic", "augmentation"),
        (
            "dextromethorphan/bupropion",
            "dextromethorphan-bupropion",
            "nmda_combination",
            "antidepressant",
        ),
    ],
)
def test_drug_names_resolve_to_classes(name: str, generic: str, drug_class: str, role: str) -> None:
    drug = Drugs(default_coverage().drugs).lookup(name)
    assert drug is not None and (drug.name, drug.class_id, drug.role) == (generic, drug_class, role)


@pytest.mark.parametrize("name", ["zuranolone", "herbal tea", "", "mg"])
def test_an_unlisted_name_has_no_class(name: str) -> None:
    assert Drugs(default_coverage().drugs).lookup(name) is None


def test_a_clinic_may_only_list_known_policies() -> None:
    base = dict(
        slug="x-clinic",
        name="X",
        time_zone="UTC",
        contact={"phone": "1", "email": "a@b.c"},
        offered=["rtms"],
        conflict_of_interest="c",
        funding="f",
    )
    assert ClinicConfig.model_validate(
        {**base, "coverage_policies": ["UHC-TMS"]}
    ).coverage_policies == ["UHC-TMS"]
    with pytest.raises(ValueError, match="no payer policy 'UHC-TSM'"):
        ClinicConfig.model_validate({**base, "coverage_policies": ["UHC-TSM"]})
