"""The evidence base: it loads, every number has a source, and defects stop start-up."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from tests.domain import helpers
from trdnav.domain.assessment import Engine
from trdnav.domain.evidence.loader import DATA_DIR, EvidenceError, load_evidence
from trdnav.domain.results import CONTRACT_OPTION_IDS
from trdnav.platform.clinics import load_clinic

DIGIT = re.compile(r"\d")


def test_evidence_loads_with_every_option() -> None:
    evidence = load_evidence()
    assert tuple(evidence.options) == CONTRACT_OPTION_IDS
    assert len(evidence.sources) >= 40


DIGEST = Path(__file__).parents[3] / "shared" / "evidence" / "EVIDENCE.md"


@pytest.mark.skipif(
    not DIGEST.exists() and not os.environ.get("TRDNAV_REQUIRE_SHARED"),
    reason=f"no evidence digest at {DIGEST} (a clone without ../shared); CI runs this check",
)
def test_sources_match_the_evidence_digest() -> None:
    """Every source id of shared/evidence/EVIDENCE.md is in the registry, and nothing else."""
    digest = DIGEST
    section = digest.read_text().split("## Sources", 1)[1]
    ids = {line.split()[0] for line in section.splitlines() if line.strip()}
    assert set(load_evidence().sources) == ids


def _unsourced(node: object, path: str, sourced: bool) -> list[str]:
    """Paths of numbers (and texts with digits) that no enclosing model cites a source for."""
    if isinstance(node, BaseModel):
        here = sourced or bool(getattr(node, "source_ids", None))
        out = []
        for name in type(node).model_fields:
            if name != "source_ids":
                out += _unsourced(getattr(node, name), f"{path}.{name}", here)
        return out
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _unsourced(v, f"{path}.{k}", sourced)]
    if isinstance(node, list | tuple):
        return [p for i, v in enumerate(node) for p in _unsourced(v, f"{path}[{i}]", sourced)]
    if isinstance(node, bool) or node is None:
        return []
    if isinstance(node, int | float) or (isinstance(node, str) and DIGIT.search(node)):
        return [] if sourced else [path]
    return []


def test_every_number_has_a_source() -> None:
    evidence = load_evidence()
    missing: list[str] = []
    for option_id, option in evidence.options.items():
        missing += _unsourced(option, option_id, sourced=False)
    for name, rule_set in evidence.rule_sets.items():
        missing += _unsourced(rule_set, name, sourced=False)
    # The option's own identity fields carry no numbers; everything else must be sourced.
    assert missing == []


def test_the_number_walk_reaches_comparisons_and_harms() -> None:
    """Comparator arms and harms are walked too: without their sources, each number is named."""
    opt = load_evidence().options["esketamine"]
    bare = opt.model_copy(
        update={
            "comparisons": [opt.comparisons[0].model_copy(update={"source_ids": []})],
            "harms": [opt.harms[0].model_copy(update={"source_ids": []})],
        }
    )
    missing = _unsourced(bare, "esketamine", sourced=False)
    assert "esketamine.comparisons[0].outcomes[0].treated.low" in missing
    assert "esketamine.comparisons[0].outcomes[1].control.high" in missing
    assert "esketamine.harms[0].per_100_people.high" in missing


def test_every_cited_source_exists() -> None:
    evidence = load_evidence()
    cited = set()
    for option in evidence.options.values():
        cited |= set(re.findall(r"'source_ids': \[([^\]]*)\]", str(option.model_dump())))
    ids = {s.strip(" '") for group in cited for s in group.split(",") if s.strip()}
    assert ids and ids <= set(evidence.sources)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "options/rtms.toml",
            'source_ids = ["CARPENTER-2012"]',
            'source_ids = ["NOPE-1999"]',
            r"options/rtms.toml: outcomes.source_ids: unknown source id 'NOPE-1999'",
        ),
        (
            "options/rtms.toml",
            "response = { low = 0.415, high = 0.58 }",
            "response = { low = 0.6, high = 0.58 }",
            r"options/rtms.toml: outcomes.response: .*low \(0.6\) is above high",
        ),
        (
            "options/esketamine.toml",
            "response = { low = 0.693, high = 0.693 }",
            "response = { low = 0.693, high = 6.93 }",
            r"options/esketamine.toml: outcomes.response.high: .*less than or equal to 1",
        ),
        (
            "options/iv_ketamine.toml",
            "[course]\n",
            "[not_course]\n",
            r"options/iv_ketamine.toml: course: Field required",
        ),
        (
            "rules.toml",
            'source_ids = ["NEUROSTAR-SAFETY"]',
            'source_ids = ["GHOST"]',
            r"rules.toml: tms_safety.rules\[0\].source_ids: unknown source id 'GHOST'",
        ),
        (
            "options/ect.toml",
            'source_ids = ["SCOTLAND-ECT-2024"]\n\n[time_to_benefit]',
            "source_ids = []\n\n[time_to_benefit]",
            r"options/ect.toml: delivery.source_ids: List should have at least 1 item",
        ),
        (
            "options/deep_tms.toml",
            'rule_sets = ["tms_safety", "tms_history"]',
            'rule_sets = ["tms_safty", "tms_history"]',
            r"options/deep_tms.toml: rule_sets: no rule set 'tms_safty'",
        ),
        (
            "sources.toml",
            '[THREE-D]\ncitation = "Blumberger et al., Lancet 2018"\n',
            "[THREE-D]\n",
            r"sources.toml: THREE-D: citation: Field required",
        ),
    ],
)
def test_defects_stop_loading_naming_file_and_key(
    data_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    _edit(data_copy / file, old, new)
    with pytest.raises(EvidenceError, match=message):
        load_evidence(data_copy)


def test_missing_option_file_is_named(data_copy: Path) -> None:
    (data_copy / "options" / "ect.toml").unlink()
    with pytest.raises(EvidenceError, match=r"ect.toml: file is missing"):
        load_evidence(data_copy)


# Every rule's `field` resolves to one answer of the request and every `when` value has that
# answer's type. A misspelt field used to crash the first request; a wrong-typed value used to
# never match, so a contraindication read as "eligible".
MH = "medical_history"
BOOL_RULE = 'field = "medical_history.seizure_history"\nwhen = [true]'
WEEKDAYS_RULE = 'field = "logistics.can_attend_weekdays"\nwhen = [false]'
RIDE_FIELD = 'field = "logistics.has_driver"'


def bad(what: str, file: str, old: str, new: str, key: str, message: str) -> Any:
    """One defect: `old` replaced by `new` in `file` must stop loading, naming file and key."""
    expected = re.escape(f"{file}: {key}: {message}")
    return pytest.param(file, old, new, expected, id=f"{file} | {what}")


RULE_DEFECTS = [
    bad(
        "misspelt field",
        "options/rtms.toml",
        f'field = "{MH}.seizure_history"',
        f'field = "{MH}.seizure_histroy"',
        "rules[0].field",
        f"no field '{MH}.seizure_histroy' in the assessment request",
    ),
    bad(
        "string for a bool",
        "options/rtms.toml",
        BOOL_RULE,
        BOOL_RULE.replace("[true]", '["true"]'),
        "rules[0].when[0]",
        f"'true' is not a valid value for {MH}.seizure_history (bool)",
    ),
    bad(
        "string for a bool in a shared rule set",
        "rules.toml",
        f'field = "{MH}.cardiac_device"\nwhen = [true]',
        f'field = "{MH}.cardiac_device"\nwhen = ["true"]',
        "tms_safety.rules[3].when[0]",
        f"'true' is not a valid value for {MH}.cardiac_device (bool)",
    ),
    bad(
        "number for a bool",
        "options/esketamine.toml",
        "when = [false]",
        "when = [0]",
        "rules[1].when[0]",
        "0 is not a valid value for logistics.has_driver (bool)",
    ),
    bad(
        "misspelt choice",
        "rules.toml",
        f'field = "{MH}.psychosis"\nwhen = ["current"]',
        f'field = "{MH}.psychosis"\nwhen = ["curent"]',
        "tms_safety.rules[5].when[0]",
        f"'curent' is not a valid value for {MH}.psychosis (one of 'none', 'past', 'current')",
    ),
    bad(
        "unknown condition",
        "rules.toml",
        'when = ["bipolar_depression"]',
        'when = ["bipolar"]',
        "tms_safety.rules[8].when[0]",
        "'bipolar' is not a valid value for conditions (one of 'major_depressive_disorder', ",
    ),
    bad(
        "misspelt pregnancy answer",
        "rules.toml",
        'when = ["yes", "planning", "breastfeeding"]',
        'when = ["yes", "planing", "breastfeeding"]',
        "ketamine_consensus.rules[9].when[1]",
        "'planing' is not a valid value for pregnancy (one of 'no', 'yes', ",
    ),
    bad(
        "number out of range",
        "options/rtms.toml",
        WEEKDAYS_RULE,
        'field = "logistics.travel_minutes"\nwhen = [2000]',
        "rules[1].when[0]",
        "2000 is not a valid value for logistics.travel_minutes (int, 0..1440)",
    ),
    bad(
        "field is a group of answers",
        "options/iv_ketamine.toml",
        RIDE_FIELD,
        'field = "logistics"',
        "rules[0].field",
        "'logistics' is a group of answers; name one of them, such as "
        "'logistics.can_attend_weekdays'",
    ),
    bad(
        "field inside a list",
        "options/iv_ketamine.toml",
        RIDE_FIELD,
        'field = "antidepressant_trials.adequate"',
        "rules[0].field",
        "no field 'antidepressant_trials.adequate' in the assessment request",
    ),
    bad(
        "field is a list",
        "options/iv_ketamine.toml",
        RIDE_FIELD,
        'field = "antidepressant_trials"',
        "rules[0].field",
        "'antidepressant_trials' is a list; only 'conditions' can be matched by membership",
    ),
    bad(
        "min_age and a field",
        "rules.toml",
        "min_age = 65\n",
        f'min_age = 65\nfield = "{MH}.cardiovascular_disease"\nwhen = [true]\n',
        "esketamine_label.rules[10].field",
        "a rule with min_age matches on age alone; it cannot also have a field",
    ),
    bad(
        "unknown without a field",
        "rules.toml",
        "min_age = 65\n",
        'min_age = 65\nunknown = "Age is not known."\n',
        "esketamine_label.rules[10].unknown",
        "only a rule with a field can ask to confirm an unknown answer",
    ),
    bad(
        "unknown on an answer that is always given",
        "rules.toml",
        'when = ["bipolar_depression"]\n',
        'when = ["bipolar_depression"]\nunknown = "Not known."\n',
        "tms_safety.rules[8].unknown",
        "'conditions' is always answered, so this message would never show",
    ),
    bad(
        "when 'unknown'",
        "rules.toml",
        'when = ["yes", "planning"]\n',
        'when = ["yes", "planning", "unknown"]\n',
        "esketamine_label.rules[3].when[2]",
        "'unknown' never matches: an unknown answer gives the rule's `unknown` finding instead",
    ),
    bad(
        "field without values",
        "options/rtms.toml",
        WEEKDAYS_RULE,
        WEEKDAYS_RULE.replace("[false]", "[]"),
        "rules[1].when",
        "a rule with a field needs at least one value to match",
    ),
    bad(
        "values without a field",
        "options/ect.toml",
        'code = "referral"\n',
        'code = "referral"\nwhen = [true]\n',
        "rules[6].when",
        "values to match need a field to compare them with",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), RULE_DEFECTS)
def test_rule_defects_stop_loading_naming_file_and_key(
    data_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    _edit(data_copy / file, old, new)
    with pytest.raises(EvidenceError, match=message):
        load_evidence(data_copy)


def test_a_rule_on_any_typed_answer_loads_and_matches(data_copy: Path) -> None:
    """A well-typed rule on a number answer loads and gives its finding (no 500, no silence)."""
    _edit(
        data_copy / "options/rtms.toml",
        WEEKDAYS_RULE,
        'field = "augmentation_trials"\nwhen = [0]',
    )
    evidence = load_evidence(data_copy)
    engine = Engine(evidence, load_clinic())

    def codes(augmentation_trials: int) -> set[str]:
        result = engine.assess(helpers.request(augmentation_trials=augmentation_trials))
        return {f.code for f in helpers.option(result, "rtms").findings}

    assert "weekday_visits" in codes(0)
    assert "weekday_visits" not in codes(1)


def test_a_coverage_exclusion_on_a_misspelt_answer_stops_loading(data_copy: Path) -> None:
    path = data_copy / "options" / "rtms.toml"
    head, tail = path.read_text().split("[[coverage.medicare.exclusions]]", 1)
    tail = tail.replace('"medical_history.seizure_history"', '"medical_history.seizures"', 1)
    path.write_text(head + "[[coverage.medicare.exclusions]]" + tail)
    with pytest.raises(EvidenceError, match=r"rtms.toml: coverage.medicare.exclusions\[0\].field"):
        load_evidence(data_copy)
