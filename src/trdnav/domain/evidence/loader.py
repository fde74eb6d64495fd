"""Load and validate the evidence data files; any defect stops start-up naming file and key."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from trdnav.domain.evidence.fields import rule_defects
from trdnav.domain.evidence.schema import OptionData, Rule, RuleSet, Scales, SourceEntry
from trdnav.domain.results import CONTRACT_OPTION_IDS

DATA_DIR = Path(__file__).parent / "data"
EVIDENCE_VERSION = "2026.11"

M = TypeVar("M", bound=BaseModel)


class EvidenceError(ValueError):
    """A data file is missing, malformed, or cites a source that does not exist."""


@dataclass(frozen=True)
class Evidence:
    """The loaded knowledge base. `options` is the option registry: the contract's six first."""

    version: str
    sources: dict[str, SourceEntry]
    rule_sets: dict[str, RuleSet]
    options: dict[str, OptionData]
    scales: Scales


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise EvidenceError(f"{path.name}: file is missing") from exc
    except tomllib.TOMLDecodeError as exc:
        raise EvidenceError(f"{path.name}: not valid TOML: {exc}") from exc


def _parse(model: type[M], data: object, where: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise EvidenceError(f"{where}: {key}: {first['msg']}") from exc


def _source_refs(node: object, path: str) -> Iterator[tuple[str, str]]:
    """Yield (key path, source id) for every `source_ids` list anywhere in a parsed model."""
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            value = getattr(node, name)
            if name == "source_ids":
                for sid in value:
                    yield f"{path}.{name}", sid
            else:
                yield from _source_refs(value, f"{path}.{name}")
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _source_refs(value, f"{path}.{key}")
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            yield from _source_refs(value, f"{path}[{i}]")


def _check_rules(rules: list[Rule], where: str) -> None:
    """Every rule's field names one answer of the request and its values have that type."""
    for i, rule in enumerate(rules):
        for key, problem in rule_defects(rule):
            raise EvidenceError(f"{where}rules[{i}].{key}: {problem}")


# Benefit claims: a clinic's marketing may sit beside trial evidence, never stand alone (IPDAS).
MARKETING = "clinic_marketing"


def _benefit_claims(option: OptionData) -> Iterator[tuple[str, list[str]]]:
    """(key, source ids) of every benefit claim of an option."""
    yield "outcomes", option.outcomes.source_ids
    for i, comparison in enumerate(option.comparisons):
        yield f"comparisons[{i}]", comparison.source_ids
    yield "time_to_benefit", option.time_to_benefit.source_ids
    yield "durability", option.durability.source_ids
    yield "ratings.lasting_results", option.ratings.lasting_results.source_ids


def _check_benefit_sources(option: OptionData, sources: dict[str, SourceEntry], where: str) -> None:
    for key, ids in _benefit_claims(option):
        if all(sid in sources and sources[sid].type == MARKETING for sid in ids):
            raise EvidenceError(
                f"{where}: {key}.source_ids: a benefit claim rests only on clinic marketing "
                f"({', '.join(ids)}); cite the trial or study it comes from"
            )


def option_ids(data_dir: Path) -> list[str]:
    """The options of an evidence directory: one per options/*.toml, the file name is the id.

    The contract's ids come first in the contract's order (a missing one is a defect); any
    other option follows, by id.
    """
    found = {path.stem for path in (data_dir / "options").glob("*.toml")}
    for option_id in CONTRACT_OPTION_IDS:
        if option_id not in found:
            raise EvidenceError(
                f"options/{option_id}.toml: file is missing (contract assessment-v1 always "
                "lists this option)"
            )
    return [*CONTRACT_OPTION_IDS, *sorted(found - set(CONTRACT_OPTION_IDS))]


def load_evidence(data_dir: Path = DATA_DIR) -> Evidence:
    """Read every evidence file under `data_dir`, validate it, and check every cited source."""
    raw_sources = _read(data_dir / "sources.toml")
    sources = {
        sid: _parse(SourceEntry, entry, f"sources.toml: {sid}")
        for sid, entry in raw_sources.items()
    }
    rule_sets = {
        name: _parse(RuleSet, body, f"rules.toml: {name}")
        for name, body in _read(data_dir / "rules.toml").items()
    }
    for name, rule_set in rule_sets.items():
        _check_rules(rule_set.rules, f"rules.toml: {name}.")
    scales = _parse(Scales, _read(data_dir / "scales.toml"), "scales.toml")
    options: dict[str, OptionData] = {}
    for option_id in option_ids(data_dir):
        filename = f"options/{option_id}.toml"
        option = _parse(OptionData, _read(data_dir / filename), filename)
        if option.id != option_id:
            raise EvidenceError(f"{filename}: id: says {option.id!r}, expected {option_id!r}")
        for name in option.rule_sets:
            if name not in rule_sets:
                raise EvidenceError(f"{filename}: rule_sets: no rule set {name!r} in rules.toml")
        _check_rules(option.rules, f"{filename}: ")
        for plan, cover in option.coverage.items():
            for i, exclusion in enumerate(cover.exclusions):
                for key, problem in rule_defects(exclusion.as_rule()):
                    raise EvidenceError(
                        f"{filename}: coverage.{plan}.exclusions[{i}].{key}: {problem}"
                    )
        options[option_id] = option

    checked: list[tuple[str, object]] = [("rules.toml", rule_sets)]
    checked += [(f"options/{oid}.toml", opt) for oid, opt in options.items()]
    for where, node in checked:
        for key, sid in _source_refs(node, ""):
            if sid not in sources:
                raise EvidenceError(f"{where}: {key.lstrip('.')}: unknown source id {sid!r}")
    for oid, option in options.items():
        _check_benefit_sources(option, sources, f"options/{oid}.toml")
    return Evidence(EVIDENCE_VERSION, sources, rule_sets, options, scales)


@cache
def default_evidence() -> Evidence:
    """The evidence shipped with the package, loaded once per process."""
    return load_evidence()
