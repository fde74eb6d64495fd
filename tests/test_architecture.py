"""The dependency rule: web, cli -> services -> domain; storage -> domain; domain is pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "trdnav"
PURE_ALLOWED = {"pydantic", "pydantic_core", "annotated_types", "typing_extensions"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("domain"), ids=lambda p: str(p.relative_to(SRC)))
def test_domain_is_pure(path: Path) -> None:
    """Standard library and pydantic only; no project package outside domain."""
    import sys

    for name in _imports(path):
        top = name.split(".")[0]
        if top == "trdnav":
            assert name.startswith("trdnav.domain"), f"{path.name} imports {name}"
        else:
            assert top in sys.stdlib_module_names or top in PURE_ALLOWED, (
                f"{path.name} imports {name}"
            )


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("features", ("trdnav.cli", "trdnav.app", "trdnav.bench")),
        ("platform", ("trdnav.features", "trdnav.cli", "trdnav.app", "trdnav.bench")),
        ("storage", ("trdnav.features", "trdnav.platform", "trdnav.cli", "trdnav.app")),
    ],
)
def test_layers_do_not_reach_upwards(package: str, forbidden: tuple[str, ...]) -> None:
    bad = [
        f"{p.relative_to(SRC)} imports {name}"
        for p in _modules(package)
        for name in _imports(p)
        if name.startswith(forbidden)
    ]
    assert bad == []


def test_domain_has_no_clock_or_randomness() -> None:
    """Deterministic engine: no reading the clock, no random numbers in domain code."""
    offenders = []
    for path in _modules("domain"):
        text = path.read_text()
        for needle in ("datetime.now", "date.today", "time.time(", "import random", "uuid4"):
            if needle in text:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []
