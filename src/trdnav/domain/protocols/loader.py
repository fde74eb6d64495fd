"""Load the course templates (one TOML per option) and check every cited source at load."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from trdnav.domain.evidence.loader import default_evidence
from trdnav.domain.protocols.schema import CourseTemplate

DATA_DIR = Path(__file__).parent / "data"


class ProtocolError(ValueError):
    """A template file is malformed or cites a source that does not exist."""


def _cited(template: CourseTemplate) -> list[tuple[str, str]]:
    refs = [("source_ids", s) for s in template.source_ids]
    refs += [("first_visit.source_ids", s) for s in template.first_visit.source_ids]
    refs += [("visit.source_ids", s) for s in template.visit.source_ids]
    for i, phase in enumerate(template.phases):
        refs += [(f"phases.{i}.source_ids", s) for s in phase.source_ids]
    return refs


def parse_template(data: Any, where: str, known_sources: set[str]) -> CourseTemplate:
    """One template from parsed TOML; ProtocolError naming file and key on any defect."""
    try:
        template = CourseTemplate.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ProtocolError(f"{where}: {key}: {first['msg']}") from exc
    for key, sid in _cited(template):
        if sid not in known_sources:
            raise ProtocolError(f"{where}: {key}: unknown source id {sid!r}")
    return template


def load_templates(data_dir: Path = DATA_DIR) -> dict[str, CourseTemplate]:
    """Every template file in `data_dir`, keyed by template id (the file name)."""
    sources = set(default_evidence().sources)
    out: dict[str, CourseTemplate] = {}
    for path in sorted(data_dir.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ProtocolError(f"{path.name}: not valid TOML: {exc}") from exc
        template = parse_template(data, path.name, sources)
        if template.id != path.stem:
            raise ProtocolError(f"{path.name}: id: says {template.id!r}, expected {path.stem!r}")
        out[template.id] = template
    return out


@cache
def default_templates() -> dict[str, CourseTemplate]:
    """The templates shipped with the package, loaded once per process."""
    return load_templates()
