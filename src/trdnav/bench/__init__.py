"""`make bench` (`trdnav bench`): every benchmark, one report in var/bench.json.

Each area contributes a `run(quick) -> dict` and a `summary(dict) -> list[str]`; adding one is
a line in BENCHMARKS. Timing targets live here, never in unit tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trdnav.bench import aid, assessment, outcomes, scheduling

Benchmark = tuple[str, Callable[[bool], dict[str, Any]], Callable[[dict[str, Any]], list[str]]]
BENCHMARKS: list[Benchmark] = [
    ("assessment", assessment.run, assessment.summary),
    ("aid", aid.run, aid.summary),
    ("scheduling", scheduling.run, scheduling.summary),
    ("outcomes", outcomes.run, outcomes.summary),
]


def run_all(quick: bool = False, only: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmarks (all, or those named), print a summary, write var/bench.json."""
    report: dict[str, Any] = {}
    for name, run, summary in BENCHMARKS:
        if only and name not in only:
            continue
        report[name] = run(quick)
        for line in summary(report[name]):
            print(line, flush=True)
    out = Path("var") / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"written to {out}")
    return report
