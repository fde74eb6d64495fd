"""The evidence base: it loads, every number has a source, and defects stop start-up."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from pydantic import BaseModel

from trdnav.domain.evidence.loader import DATA_DIR, EvidenceError, load_evidence
from trdnav.domain.results import OPTION_IDS

DIGIT = re.compile(r"\d")


def test_evidence_loads_with_every_option() -> None:
    evidence = load_evidence()
    assert tuple(evidence.options) == OPTION_IDS
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
            'rule_sets = ["tms_safety"]',
            'rule_sets = ["tms_safty"]',
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
