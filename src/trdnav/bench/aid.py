"""Benchmarks of the patient results page and take-away PDF: server time, measured in-process.

The ASGI app is called directly (no HTTP client, no socket), so the numbers are the server's
own time: cookie -> draft row -> engine -> Jinja -> bytes, on a real SQLite database.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trdnav.platform.web.cookies import cookie_name


async def _get(app: Any, path: str, cookie: str) -> tuple[int, int]:
    """One GET through the ASGI app; returns (status, body bytes)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"cookie", cookie.encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    sent = False
    status, size = 0, 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, size
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            size += len(message.get("body", b""))

    await app(scope, receive, send)
    return status, size


_DRUGS = ("sertraline", "escitalopram", "fluoxetine", "venlafaxine", "duloxetine", "mirtazapine")


def _person(i: int) -> dict[str, dict[str, Any]]:
    """The example person, varied by i: every request renders a different document, so no
    cache (Jinja's, the engine's or Typst's) can serve one person's result to the next."""
    from trdnav.features.aid.example import EXAMPLE_ANSWERS

    answers = {step: dict(fields) for step, fields in EXAMPLE_ANSWERS.items()}
    answers["about"]["age"] = str(22 + i % 50)
    answers["tried"]["trial_1_name"] = _DRUGS[i % len(_DRUGS)]
    answers["values"]["pref_fast_relief"] = str(i % 4)
    answers["values"]["pref_low_cost"] = str((i // 4) % 4)
    answers["insurance"]["deductible_remaining"] = str(100 * (i % 30))
    return answers


def _serve(paths: dict[str, int]) -> dict[str, tuple[list[float], int]]:
    """Server times (ms, warm-up dropped) and body bytes of GETs, n per path, one person each."""
    from trdnav.app import create_app
    from trdnav.features.aid import drafts
    from trdnav.platform.runtime import build_runtime
    from trdnav.platform.settings import Settings

    warm = 3  # the first requests warm caches (templates, fonts)
    out: dict[str, tuple[list[float], int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(  # type: ignore[call-arg]
            environment="test", database_url=f"sqlite:///{Path(tmp) / 'bench.db'}", _env_file=None
        )
        runtime = build_runtime(settings)
        try:
            app = create_app(settings, runtime)
            app.state.runtime = runtime  # the lifespan is not run: hand the runtime over directly
            cookies = []
            with runtime.db() as db:
                for i in range(max(paths.values()) + warm):
                    token = drafts.new_token()
                    for step, raw in _person(i).items():
                        drafts.save_step(db, token, step, raw, datetime.now(UTC))
                    cookies.append(f"{cookie_name(settings, drafts.AID_COOKIE)}={token}")

            async def run(path: str, n: int) -> tuple[list[float], int]:
                times: list[float] = []
                size = 0
                for i in range(n + warm):
                    start = time.perf_counter()
                    status, size = await _get(app, path, cookies[i])
                    elapsed = time.perf_counter() - start
                    if status != 200:
                        raise RuntimeError(f"{path} answered {status}")
                    if i >= warm:
                        times.append(elapsed * 1000)
                return sorted(times), size

            for path, n in paths.items():
                out[path] = asyncio.run(run(path, n))
        finally:
            runtime.close()
    return out


def _stats(prefix: str, times: list[float], size: int) -> dict[str, float]:
    return {
        f"{prefix}_requests": float(len(times)),
        f"{prefix}_p50_ms": statistics.median(times),
        f"{prefix}_p95_ms": times[max(0, int(len(times) * 0.95) - 1)],
        f"{prefix}_max_ms": times[-1],
        f"{prefix}_bytes": float(size),
    }


PDF_TARGET_MS = 500.0  # issue 12 item 14: the take-away PDF in under 500 ms


def bench_results_page(quick: bool) -> dict[str, float]:
    """Server time p50/p95 (ms) of rendering /aid/results for a complete set of answers."""
    times, size = _serve({"/aid/results": 40 if quick else 300})["/aid/results"]
    return _stats("results_page", times, size)


def bench_takeaway_pdf(quick: bool) -> dict[str, float]:
    """Server time p50/p95 (ms) of the tagged (PDF/UA-1) take-away PDF, against 500 ms."""
    times, size = _serve({"/aid/takeaway.pdf": 20 if quick else 100})["/aid/takeaway.pdf"]
    stats = _stats("takeaway_pdf", times, size)
    stats["takeaway_pdf_target_ms"] = PDF_TARGET_MS
    return stats


def run(quick: bool) -> dict[str, Any]:
    """The decision aid's benchmarks: server time of the results page and of the PDF."""
    return {"results_page": bench_results_page(quick), "takeaway_pdf": bench_takeaway_pdf(quick)}


def summary(report: dict[str, Any]) -> list[str]:
    """Readable lines for the aid's benchmarks."""
    lines = []
    for name in ("results_page", "takeaway_pdf"):
        r = report.get(name, {})
        shown = ", ".join(f"{k} {v:,.1f}" for k, v in r.items())
        lines.append(f"{name.replace('_', ' ')}: {shown}")
    pdf = report.get("takeaway_pdf", {})
    if pdf:
        ok = pdf["takeaway_pdf_p95_ms"] < PDF_TARGET_MS
        lines.append(f"take-away PDF p95 under {PDF_TARGET_MS:.0f} ms: {'yes' if ok else 'NO'}")
    return lines


if __name__ == "__main__":  # pragma: no cover
    print(summary(run(quick=False)))
