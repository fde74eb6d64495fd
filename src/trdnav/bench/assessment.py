"""`make bench`: assessment throughput in-process and over HTTP, and server memory.

The HTTP load comes from a small keep-alive HTTP/1.1 client on asyncio in this process (32
connections, loopback only, bounded in count and time): wrk is not on a fresh machine, and a
general-purpose Python client (httpx) would cost more CPU than the server it measures.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trdnav.domain.assessment import Engine
from trdnav.domain.evidence.loader import default_evidence
from trdnav.domain.requests import AssessmentRequest
from trdnav.features.assessments.service import parse_request
from trdnav.platform.clinics import load_clinic

EXAMPLE: dict[str, Any] = {
    "age": 42,
    "pregnancy": "no",
    "conditions": ["major_depressive_disorder"],
    "phq9_items": [2, 3, 2, 2, 1, 2, 2, 1, 0],
    "suicidal_thoughts": "none",
    "antidepressant_trials": [
        {"name": "sertraline", "adequate": True, "outcome": "no_response"},
        {"name": "bupropion", "adequate": True, "outcome": "partial_response"},
    ],
    "augmentation_trials": 0,
    "psychotherapy_trial": True,
    "medical_history": {"metal_in_head": False, "seizure_history": False, "hypertension": "none"},
    "preferences": {"fast_relief": 2, "lasting_results": 3, "low_cost": 3},
    "insurance": {
        "plan": "commercial",
        "deductible_remaining": 1200,
        "coinsurance": 0.2,
        "out_of_pocket_max_remaining": 4000,
    },
}
CONCURRENCY = 32


def bench_in_process(n: int) -> dict[str, float]:
    """Assessments per second on one core, for a typical, a minimal and a high-risk request."""
    engine = Engine(default_evidence(), load_clinic())
    requests = [
        AssessmentRequest.model_validate(EXAMPLE),
        AssessmentRequest(age=30, conditions=["major_depressive_disorder"]),
        AssessmentRequest.model_validate(
            {
                **EXAMPLE,
                "suicidal_thoughts": "active_with_plan",
                "medical_history": {"cochlear_implant": True, "aneurysm_or_avm": True},
            }
        ),
    ]
    for req in requests:  # warm up
        engine.assess(req)
    start = time.perf_counter()
    for i in range(n):
        engine.assess(requests[i % 3])
    elapsed = time.perf_counter() - start
    results = [engine.assess(req) for req in requests]
    raw = json.dumps(EXAMPLE).encode()
    return {
        "assessments_per_s": n / elapsed,
        "mean_us": elapsed / n * 1e6,
        # CPU time, best of five: the rest of the machine disturbs these less.
        "parse_us": _cpu_us(lambda i: parse_request(raw), n // 4),
        "to_json_us": _cpu_us(lambda i: engine.to_json(results[i % 3]), n // 4),
        "model_dump_json_us": _cpu_us(lambda i: results[i % 3].model_dump_json(), n // 4),
    }


def _cpu_us(step: Callable[[int], object], n: int) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for i in range(n):
            step(i)
        best = min(best, time.process_time() - start)
    return best / n * 1e6


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def _connection(
    port: int, payload: bytes, deadline: float, limit: int, latencies: list[float]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline and len(latencies) < limit:
            t0 = time.perf_counter()
            writer.write(payload)
            head = await reader.readuntil(b"\r\n\r\n")
            status = head[9:12]
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            if status != b"200":
                raise RuntimeError(f"HTTP {status.decode()} from the server")
            latencies.append(time.perf_counter() - t0)
    finally:
        writer.close()


async def _load(port: int, payload: bytes, seconds: float, limit: int) -> dict[str, float]:
    latencies: list[float] = []
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(
        *(_connection(port, payload, deadline, limit, latencies) for _ in range(CONCURRENCY))
    )
    elapsed = time.perf_counter() - start
    q = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": q[49] * 1e3,
        "p99_ms": q[98] * 1e3,
    }


def _request(method: str, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


def _wait_ready(port: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def bench_http(seconds: float, memory_requests: int) -> dict[str, Any]:
    """One server, same run: healthz vs assessments under 32 connections, then memory."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "TRDNAV_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "TRDNAV_LOG_LEVEL": "warning",
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "trdnav.cli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_ready(port, proc)
            health = _request("GET", "/healthz")
            assess = _request("POST", "/api/v1/assessments", json.dumps(EXAMPLE).encode())
            asyncio.run(_load(port, health, 1.0, 2_000))  # warm up both paths
            asyncio.run(_load(port, assess, 1.0, 2_000))
            healthz = asyncio.run(_load(port, health, seconds, 10**9))
            assessments = asyncio.run(_load(port, assess, seconds, 10**9))
            rss_before = _rss_kib(proc.pid)
            asyncio.run(_load(port, assess, 120.0, memory_requests))
            rss_after = _rss_kib(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    return {
        "healthz": healthz,
        "assessments": assessments,
        "assessments_vs_healthz": assessments["rps"] / healthz["rps"],
        "memory": {
            "requests": memory_requests,
            "rss_before_kib": rss_before,
            "rss_after_kib": rss_after,
            "growth_kib": rss_after - rss_before,
        },
    }


def run(quick: bool) -> dict[str, Any]:
    """The assessment benchmarks: in-process throughput, HTTP vs healthz, server memory."""
    return {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "in_process": bench_in_process(2_000 if quick else 20_000),
        "http": bench_http(2.0 if quick else 8.0, 1_000 if quick else 10_000),
    }


def summary(report: dict[str, Any]) -> list[str]:
    """Readable lines for the assessment benchmarks."""
    ip, http = report["in_process"], report["http"]
    lines = [
        f"in-process assessments: {ip['assessments_per_s']:,.0f}/s ({ip['mean_us']:.0f} µs each)",
        f"in-process CPU per request: parse {ip['parse_us']:.0f} µs, JSON {ip['to_json_us']:.0f} µs"
        f" (pydantic model_dump_json {ip['model_dump_json_us']:.0f} µs)",
    ]
    for name in ("healthz", "assessments"):
        r = http[name]
        lines.append(
            f"HTTP {name:<12} {r['rps']:,.0f} req/s  p50 {r['p50_ms']:.1f} ms  "
            f"p99 {r['p99_ms']:.1f} ms  ({r['requests']:,} requests, {CONCURRENCY} connections)"
        )
    lines.append(f"assessments / healthz: {http['assessments_vs_healthz']:.0%}")
    m = http["memory"]
    lines.append(
        f"server RSS before/after {m['requests']:,} assessments: {m['rss_before_kib']:,} / "
        f"{m['rss_after_kib']:,} KiB (growth {m['growth_kib']:,} KiB)"
    )
    return lines
