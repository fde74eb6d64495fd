"""Fair numbers and source balance (issue 12 items 6 and 10): the loader's rules as a spec table.

Every comparator arm is a proportion 0..1, every source has a type from the fixed list, a harm
has exactly one denominator, and no benefit claim rests only on a clinic's marketing.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any, get_args

import pytest

from trdnav.domain.evidence.loader import DATA_DIR, EvidenceError, load_evidence
from trdnav.domain.evidence.schema import SourceType

RTMS_TTB = 'text = "Gradual, over weeks. The sham-controlled trial'
TMS_SHAM_RESPONSE = "control = { low = 0.12, high = 0.12 }"
ESK_DISSOCIATION = "per_100_people = { low = 0.61, high = 0.75 }"


def case(what: str, file: str, old: str, new: str, message: str) -> Any:
    """`old` replaced by `new` in `file` must stop loading with `message` (a regex)."""
    return pytest.param(file, old, new, message, id=what)


DEFECTS = [
    case(
        "a benefit claim citing only clinic marketing",
        "options/rtms.toml",
        'source_ids = ["O-REARDON-2007", "CLINIC-2025"]\n\n[durability]',
        'source_ids = ["CLINIC-2025"]\n\n[durability]',
        r"options/rtms\.toml: time_to_benefit\.source_ids: a benefit claim rests only on "
        r"clinic marketing \(CLINIC-2025\)",
    ),
    case(
        "a comparison citing only clinic pages",
        "options/rtms.toml",
        'design = "randomized, sham-controlled trial"\nsource_ids = ["O-REARDON-2007"]',
        'design = "randomized, sham-controlled trial"\nsource_ids = ["CLINIC-PAGES-2026"]',
        r"options/rtms\.toml: comparisons\[0\]\.source_ids: a benefit claim rests only on "
        r"clinic marketing",
    ),
    case(
        "a lasting-results rating citing only clinic marketing",
        "options/ect.toml",
        'why = "Relapse within a year is common without continuation treatment."\n'
        'source_ids = ["KETECT-2022"]',
        'why = "Relapse within a year is common without continuation treatment."\n'
        'source_ids = ["CLINIC-2025"]',
        r"options/ect\.toml: ratings\.lasting_results\.source_ids: a benefit claim",
    ),
    case(
        "an unknown source type",
        "sources.toml",
        'clinic article, Mar 2025"\ntype = "clinic_marketing"',
        'clinic article, Mar 2025"\ntype = "blog"',
        r"sources\.toml: CLINIC-2025: type: Input should be 'trial', ",
    ),
    case(
        "a source without a type",
        "sources.toml",
        '[THREE-D]\ncitation = "Blumberger et al., Lancet 2018"\ntype = "trial"\n',
        '[THREE-D]\ncitation = "Blumberger et al., Lancet 2018"\n',
        r"sources\.toml: THREE-D: type: Field required",
    ),
    case(
        "a control arm above 1",
        "options/rtms.toml",
        TMS_SHAM_RESPONSE,
        "control = { low = 12, high = 12 }",
        r"options/rtms\.toml: comparisons\.0\.outcomes\.0\.control\.low: .*less than or equal to 1",
    ),
    case(
        "a treated arm below 0",
        "options/esketamine.toml",
        "treated = { low = 0.693, high = 0.693 }",
        "treated = { low = -0.693, high = 0.693 }",
        r"options/esketamine\.toml: comparisons\.0\.outcomes\.0\.treated\.low: .*greater than "
        r"or equal to 0",
    ),
    case(
        "an arm's range upside down",
        "options/deep_tms.toml",
        "control = { low = 0.146, high = 0.15 }",
        "control = { low = 0.16, high = 0.15 }",
        r"options/deep_tms\.toml: comparisons\.0\.outcomes\.1\.control: .*low \(0\.16\) is above",
    ),
    case(
        "an outcome that is not response, remission or relapse",
        "options/deep_tms.toml",
        '{ kind = "response", treated = { low = 0.384',
        '{ kind = "survival", treated = { low = 0.384',
        r"options/deep_tms\.toml: comparisons\.0\.outcomes\.0\.kind: Input should be "
        r"'response', 'remission' or 'relapse'",
    ),
    case(
        "a comparison without a time point",
        "options/iv_ketamine.toml",
        'timepoint = "at 24 hours"\n',
        "",
        r"options/iv_ketamine\.toml: comparisons\.0\.timepoint: Field required",
    ),
    case(
        "a harm with two denominators",
        "options/esketamine.toml",
        ESK_DISSOCIATION,
        ESK_DISSOCIATION + '\nother_denominator = "per session"',
        r"options/esketamine\.toml: harms\.0: .*exactly one of `per_100_people` or "
        r"`other_denominator`",
    ),
    case(
        "a harm per 100 people above 100",
        "options/esketamine.toml",
        ESK_DISSOCIATION,
        "per_100_people = { low = 61, high = 75 }",
        r"options/esketamine\.toml: harms\.0\.per_100_people\.low: .*less than or equal to 1",
    ),
    case(
        "a comparison citing an unknown source",
        "options/ect.toml",
        'design = "randomized, open-label trial"\nsource_ids = ["ELEKT-D"]',
        'design = "randomized, open-label trial"\nsource_ids = ["ELEKT-E"]',
        r"options/ect\.toml: comparisons\[0\]\.source_ids: unknown source id 'ELEKT-E'",
    ),
    case(
        "an outcome without its kind of study",
        "options/ect.toml",
        'design = "The Scottish ECT registry',
        'not_design = "The Scottish ECT registry',
        r"options/ect\.toml: outcomes\.design: Field required",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), DEFECTS)
def test_defects_stop_loading_naming_file_and_key(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    text = (data / file).read_text()
    assert text.count(old) == 1, f"{old!r} is not once in {file}"
    (data / file).write_text(text.replace(old, new))
    with pytest.raises(EvidenceError, match=message):
        load_evidence(data)


def test_every_source_has_a_known_type() -> None:
    raw = (DATA_DIR / "sources.toml").read_text()
    entries = re.findall(r"^\[([^\]]+)\]$", raw, re.M)
    types = re.findall(r'^type = "([a-z_]+)"$', raw, re.M)
    assert len(types) == len(entries) == len(load_evidence().sources)
    assert set(types) <= set(get_args(SourceType))


def test_conflicts_are_the_ones_the_evidence_file_shows() -> None:
    """The clinic's article, clinic pages, and the makers' documents carry a conflict note."""
    sources = load_evidence().sources
    noted = {sid for sid, s in sources.items() if s.conflict}
    assert {"CLINIC-2025", "CLINIC-PAGES-2026", "JNJ-MEDINFO-2026", "BRAINCLOUD-TMS"} <= noted
    assert {sid for sid in sources if sid.startswith("NEUROSTAR-")} - noted == {
        "NEUROSTAR-2008",  # FDA clearances are the regulator's documents
        "NEUROSTAR-2024",
    }
    # Every marketing or maker source says who wrote it.
    for sid, s in sources.items():
        if s.type in ("clinic_marketing", "manufacturer"):
            assert s.conflict, sid


def test_every_option_is_next_to_a_control_group_or_says_why_not() -> None:
    for oid, option in load_evidence().options.items():
        assert option.comparisons, oid
        assert option.outcomes.design, oid
        for c in option.comparisons:
            assert c.treated != c.control and c.timepoint and c.design, oid
    ect = load_evidence().options["ect"]
    assert ect.comparison_note is not None
    assert "sham" in ect.comparison_note.text
    assert {c.control for c in ect.comparisons} == {"IV ketamine"}


def test_unconfirmed_arms_are_those_the_evidence_file_marks() -> None:
    options = load_evidence().options
    flagged = {
        (oid, c.source_ids[0], o.kind)
        for oid, opt in options.items()
        for c in opt.comparisons
        for o in c.outcomes
        if o.unconfirmed
    }
    assert flagged == {
        ("rtms", "O-REARDON-2007", "response"),
        ("rtms", "O-REARDON-2007", "remission"),
        ("rtms", "GEORGE-2010", "remission"),
        ("deep_tms", "LEVKOVITZ-2015", "remission"),
    }


def test_harms_per_person_and_per_session_keep_their_denominators() -> None:
    options = load_evidence().options
    esk = {h.name: h.per_100_people for h in options["esketamine"].harms}
    assert esk["Dissociation"] is not None and esk["Dissociation"].low == 0.61
    rtms = {h.name: h for h in options["rtms"].harms}
    assert rtms["Seizure"].per_100_people is None
    assert "per 10,000 sessions" in (rtms["Seizure"].other_denominator or "")
    ket = options["iv_ketamine"].harms[0]
    assert ket.per_100_people is None and "of infusions" in (ket.other_denominator or "")
