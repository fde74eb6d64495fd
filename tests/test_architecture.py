"""The shape of the code, enforced: layers, a pure domain, no SQL in routes, no blocking on
the event loop.

Layers (an import may only point down or sideways as listed):
    cli, bench, app, asgi   composition roots: may import anything
    features                -> features, platform, storage, domain
    platform                -> platform, storage, domain
    storage                 -> storage, domain
    domain                  -> domain only, and only the standard library and pydantic
"""

from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant

from tests.support import api_routes
from trdnav.app import create_app
from trdnav.platform.settings import Settings
from trdnav.platform.web.deps import unit_of_work

SRC = Path(__file__).parents[1] / "src" / "trdnav"
# OR-Tools is pure computation (no I/O, no clock; seeded): the planner's CP-SAT solver.
PURE_ALLOWED = {"pydantic", "pydantic_core", "annotated_types", "typing_extensions", "ortools"}
ALLOWED = {
    "domain": {"domain"},
    "storage": {"storage", "domain"},
    "platform": {"platform", "storage", "domain"},
    "features": {"features", "platform", "storage", "domain"},
}
# Route modules: parse, authorize, call a service, render. The unit of work may be committed or
# rolled back here; reading or writing rows is the service's job.
ROUTE_MODULES = sorted(
    [
        *SRC.glob("features/*/routes.py"),
        *SRC.glob("features/*/routes/*.py"),
        SRC / "features" / "accounts" / "guard.py",
        *SRC.glob("platform/web/*.py"),
    ]
)
DB_CALLS = {"execute", "scalar", "scalars", "query", "add", "add_all", "delete", "flush", "get"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _layer(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def _modules(package: str = "") -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("domain"), ids=lambda p: str(p.relative_to(SRC)))
def test_domain_is_pure(path: Path) -> None:
    """Standard library and pydantic only; no project package outside domain."""
    for name in _imports(path):
        top = name.split(".")[0]
        if top == "trdnav":
            assert name.startswith("trdnav.domain"), f"{path.name} imports {name}"
        else:
            assert top in sys.stdlib_module_names or top in PURE_ALLOWED, (
                f"{path.name} imports {name}"
            )


def test_every_layer_imports_only_what_it_may() -> None:
    bad = []
    for path in _modules():
        layer = _layer(path)
        if layer not in ALLOWED:
            continue  # composition roots
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "trdnav" or len(parts) == 1 or parts[1] == "__version__":
                continue
            if parts[1] not in ALLOWED[layer]:
                bad.append(f"{path.relative_to(SRC)} ({layer}) imports {name}")
    assert bad == []


@pytest.mark.parametrize("path", ROUTE_MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_sql_in_routes(path: Path) -> None:
    """Routes hold no queries: no SQLAlchemy constructs, no reading or writing through `db`."""
    sqlalchemy = [n for n in _imports(path) if n.startswith("sqlalchemy")]
    assert set(sqlalchemy) <= {"sqlalchemy.orm", "sqlalchemy.orm.Session"}, sqlalchemy
    offenders = [
        f"line {node.lineno}: db.{node.func.attr}(...)"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "db"
        and node.func.attr in DB_CALLS
    ]
    assert offenders == []


def test_domain_has_no_clock_or_randomness() -> None:
    """Deterministic engine: no reading the clock, no random numbers in domain code."""
    offenders = []
    for path in _modules("domain"):
        text = path.read_text()
        for needle in ("datetime.now", "date.today", "time.time(", "import random", "uuid4"):
            if needle in text:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_app(Settings(environment="test", _env_file=None))  # type: ignore[call-arg]


def _depends_on(dependant: Dependant, call: object) -> bool:
    return any(d.call is call or _depends_on(d, call) for d in dependant.dependencies)


def test_async_endpoints_never_touch_the_database_on_the_event_loop(app: FastAPI) -> None:
    """An `async def` route runs on the event loop: it may not take a unit of work, nor open
    one itself; blocking work goes to a sync route (FastAPI's thread pool) or run_in_threadpool."""
    offenders = []
    for route in api_routes(app):
        if not inspect.iscoroutinefunction(route.endpoint):
            continue
        source = inspect.getsource(route.endpoint)
        if _depends_on(route.dependant, unit_of_work) or ".db(" in source or ".db.begin(" in source:
            offenders.append(f"{sorted(route.methods)} {route.path}")
    assert offenders == []


def test_every_feature_is_a_slice() -> None:
    """Each feature package has its own service or routes, and nothing stays in the old homes."""
    for feature in (SRC / "features").iterdir():
        if feature.is_dir() and not feature.name.startswith("_"):
            assert (feature / "routes.py").exists() or (feature / "routes").is_dir(), feature.name
    assert not (SRC / "services").exists() and not (SRC / "web").exists()
