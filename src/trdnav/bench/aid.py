"""Benchmark of the patient results page: server time to render it, measured in-process.

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


def bench_results_page(quick: bool) -> dict[str, float]:
    """Server time p50/p95 (ms) of rendering /aid/results for a complete set of answers."""
    from trdnav.app import create_app
    from trdnav.features.aid import drafts
    from trdnav.features.aid.example import EXAMPLE_ANSWERS
    from trdnav.platform.runtime import build_runtime
    from trdnav.platform.settings import Settings

    n = 40 if quick else 300
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(  # type: ignore[call-arg]
            environment="test", database_url=f"sqlite:///{Path(tmp) / 'bench.db'}", _env_file=None
        )
        runtime = build_runtime(settings)
        try:
            app = create_app(settings, runtime)
            app.state.runtime = runtime  # the lifespan is not run: hand the runtime over directly
            token = drafts.new_token()
            with runtime.db() as db:
                for step, raw in EXAMPLE_ANSWERS.items():
                    drafts.save_step(db, token, step, raw, datetime.now(UTC))
            cookie = f"{cookie_name(settings, drafts.AID_COOKIE)}={token}"

            async def run() -> tuple[list[float], int]:
                times: list[float] = []
                size = 0
                for i in range(n + 5):
                    start = time.perf_counter()
                    status, size = await _get(app, "/aid/results", cookie)
                    elapsed = time.perf_counter() - start
                    if status != 200:
                        raise RuntimeError(f"/aid/results answered {status}")
                    if i >= 5:  # the first requests warm caches (templates, middleware stack)
                        times.append(elapsed * 1000)
                return times, size

            times, size = asyncio.run(run())
        finally:
            runtime.close()
    times.sort()
    return {
        "results_page_requests": float(n),
        "results_page_p50_ms": statistics.median(times),
        "results_page_p95_ms": times[int(len(times) * 0.95) - 1],
        "results_page_bytes": float(size),
    }


def run(quick: bool) -> dict[str, Any]:
    """The decision aid's benchmarks: server time of the results page."""
    return {"results_page": bench_results_page(quick)}


def summary(report: dict[str, Any]) -> list[str]:
    """Readable lines for the aid's benchmarks."""
    r = report["results_page"]
    return [
        "results page: "
        + ", ".join(f"{k} {v:,.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in r.items())
    ]


if __name__ == "__main__":  # pragma: no cover
    print(summary(run(quick=False)))
