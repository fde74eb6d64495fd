"""Load and check the coverage data: payer policies, drug classes and billing codes.

Policies are discovered: every data/policies/*.toml is one policy and its file name is its id
(a new payer is a new file, registered exactly like the built-in ones). Any defect stops
start-up naming the file and the key: an unknown source id, option, instrument, ICD-10-CM code,
answer or answer value.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from trdnav.domain.codes import icd10
from trdnav.domain.coverage.schema import (
    CodesFile,
    DiagnosisCriterion,
    DrugFile,
    ExclusionCriterion,
    Policy,
    SeverityCriterion,
)
from trdnav.domain.evidence.fields import UNKNOWN_VALUES, FieldPathError, resolve
from trdnav.domain.evidence.loader import Evidence, default_evidence
from trdnav.domain.measures import instruments
from trdnav.domain.record import ANSWER_KEYS

DATA_DIR = Path(__file__).parent / "data"
M = TypeVar("M", bound=BaseModel)


class CoverageDataError(ValueError):
    """A coverage data file is missing, malformed or refers to something that does not exist."""


@dataclass(frozen=True)
class Coverage:
    """The loaded coverage data: the policy registry (by id), drug classes and codes."""

    policies: dict[str, Policy]
    drugs: DrugFile
    codes: CodesFile


def _read(path: Path, where: str) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise CoverageDataError(f"{where}: file is missing") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CoverageDataError(f"{where}: not valid TOML: {exc}") from exc


def _parse(model: type[M], data: object, where: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise CoverageDataError(f"{where}: {key}: {first['msg']}") from exc


def _sources(node: object, path: str = "") -> Iterator[tuple[str, str]]:
    """(key, source id) for every `source_ids` list anywhere in a parsed model."""
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            value = getattr(node, name)
            here = f"{path}.{name}" if path else name
            if name == "source_ids":
                yield from ((here, sid) for sid in value)
            else:
                yield from _sources(value, here)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _sources(value, f"{path}.{key}")
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            yield from _sources(value, f"{path}[{i}]")


def _check_codes(codes: Iterable[str], key: str, where: str) -> None:
    for i, code in enumerate(codes):
        found = icd10.lookup(code)
        if found is None or found.code != code:
            raise CoverageDataError(
                f"{where}: {key}[{i}]: {code!r} is not an accepted ICD-10-CM code"
            )


def _check_exclusion(criterion: ExclusionCriterion, key: str, where: str) -> None:
    if not criterion.answers and not criterion.diagnosis_codes:
        raise CoverageDataError(f"{where}: {key}: an exclusion needs answers or diagnosis codes")
    for path, values in criterion.answers.items():
        if path not in ANSWER_KEYS:
            raise CoverageDataError(
                f"{where}: {key}.answers: {path!r} is not an answer of the record"
            )
        try:
            answer = resolve(path)
        except FieldPathError as exc:  # pragma: no cover - ANSWER_KEYS are request paths
            raise CoverageDataError(f"{where}: {key}.answers: {exc}") from exc
        for i, value in enumerate(values):
            if value in UNKNOWN_VALUES or not answer.accepts(value):
                raise CoverageDataError(
                    f"{where}: {key}.answers.{path}[{i}]: {value!r} is not a valid value "
                    f"({answer.describe()})"
                )
    _check_codes(criterion.diagnosis_codes, f"{key}.diagnosis_codes", where)


def check_policy(policy: Policy, where: str, evidence: Evidence) -> None:
    """Every reference of a policy resolves; raises CoverageDataError naming file and key."""
    for key, sid in _sources(policy):
        if sid not in evidence.sources:
            raise CoverageDataError(f"{where}: {key}: unknown source id {sid!r}")
    listed = [*policy.options, *(n.option for n in policy.not_covered if n.option)]
    for option in listed:
        if option not in evidence.options:
            raise CoverageDataError(f"{where}: options: no option {option!r} in the evidence")
    seen: set[str] = set()
    for i, criterion in enumerate(policy.criteria):
        key = f"criteria[{i}]"
        if criterion.id in seen:
            raise CoverageDataError(f"{where}: {key}.id: {criterion.id!r} is used twice")
        seen.add(criterion.id)
        if isinstance(criterion, DiagnosisCriterion):
            _check_codes(criterion.codes, f"{key}.codes", where)
        elif isinstance(criterion, SeverityCriterion):
            _check_instrument(criterion.instrument, f"{key}.instrument", where)
        elif isinstance(criterion, ExclusionCriterion):
            _check_exclusion(criterion, key, where)
    if policy.continuation is not None:
        _check_instrument(policy.continuation.measured_with, "continuation.measured_with", where)


def _check_instrument(code: str, key: str, where: str) -> None:
    try:
        instruments.get(code)
    except KeyError as exc:
        raise CoverageDataError(f"{where}: {key}: no instrument {code!r}") from exc


def _check_drugs(drugs: DrugFile, where: str) -> None:
    names: set[str] = set()
    for name, entry in drugs.drugs.items():
        if entry.drug_class not in drugs.classes:
            raise CoverageDataError(f"{where}: drugs.{name}.class: no class {entry.drug_class!r}")
        for alias in [name, *entry.aliases]:
            if alias != alias.lower().strip() or alias in names:
                raise CoverageDataError(f"{where}: drugs.{name}: name {alias!r} is not unique")
            names.add(alias)


def _check_codes_file(codes: CodesFile, where: str, evidence: Evidence) -> None:
    for key, sid in _sources(codes):
        if sid not in evidence.sources:
            raise CoverageDataError(f"{where}: {key}: unknown source id {sid!r}")
    for code, entry in codes.procedures.items():
        for option in entry.options:
            if option not in evidence.options:
                raise CoverageDataError(f"{where}: procedures.{code}.options: no option {option!r}")
    _check_codes(codes.trd_diagnoses.codes, "trd_diagnoses.codes", where)
    _check_codes(codes.unspecified_severity, "unspecified_severity", where)


def load_coverage(data_dir: Path = DATA_DIR, evidence: Evidence | None = None) -> Coverage:
    """Read and check every coverage data file under `data_dir`."""
    evidence = evidence or default_evidence()
    policies: dict[str, Policy] = {}
    for path in sorted((data_dir / "policies").glob("*.toml")):
        where = f"policies/{path.name}"
        policy = _parse(Policy, _read(path, where), where)
        if policy.id != path.stem:
            raise CoverageDataError(f"{where}: id: says {policy.id!r}, expected {path.stem!r}")
        check_policy(policy, where, evidence)
        policies[policy.id] = policy
    if not policies:
        raise CoverageDataError("policies/: no policy files")
    drugs = _parse(DrugFile, _read(data_dir / "drugs.toml", "drugs.toml"), "drugs.toml")
    _check_drugs(drugs, "drugs.toml")
    codes = _parse(CodesFile, _read(data_dir / "codes.toml", "codes.toml"), "codes.toml")
    _check_codes_file(codes, "codes.toml", evidence)
    return Coverage(policies, drugs, codes)


@cache
def default_coverage() -> Coverage:
    """The coverage data shipped with the package, loaded once per process."""
    return load_coverage()
