"""Run the attacks of issue 14 from outside against a real server (`trdnav serve`) on PostgreSQL.

    .venv/bin/python scripts/attack_server.py postgresql://postgres@127.0.0.1:5432/test

Creates a fresh database next to the given one, starts `trdnav serve` on a free port (plain
HTTP on loopback, an aiosmtpd mail server in this process), signs staff in over HTTP exactly as a
browser would, attacks, and prints one line per attack: PASS when the defence held. Exits 1 if
any attack succeeded. The database is dropped at the end.
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pyotp
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

BIN = Path(sys.executable).parent
PASSWORD = "correct horse battery staple"
PHI = ("Zelda", "Quarry", "zq-secret.example", "5550199", "sleepless")
results: list[tuple[bool, str]] = []


def check(ok: bool, what: str) -> None:
    results.append((ok, what))
    print(("PASS " if ok else "FAIL ") + what, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"


def body_of(message: Message) -> str:
    """The decoded text of a mail (quoted-printable would split a long link)."""
    payload = message.get_payload(decode=True)
    return payload.decode() if isinstance(payload, bytes) else str(message.get_payload())


def cli(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "trdnav"), *args], env=env, input=stdin, capture_output=True, text=True
    )


class Browser:
    """A cookie jar speaking to the server; `ip` is sent as X-Forwarded-For (trusted loopback)."""

    def __init__(self, base: str, ip: str = "203.0.113.1") -> None:
        self.http = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
        self.ip = ip

    def get(self, url: str) -> httpx.Response:
        return self.http.get(url, headers={"X-Forwarded-For": self.ip})

    def post(self, url: str, data: dict[str, str], token: str | None = None) -> httpx.Response:
        if "trdnav_csrf" not in self.http.cookies:
            self.get("/workspace/login")
        token = token if token is not None else self.http.cookies["trdnav_csrf"]
        return self.http.post(
            url, data={**data, "csrf_token": token}, headers={"X-Forwarded-For": self.ip}
        )


def enroll(base: str, email: str) -> tuple[Browser, str]:
    """Sign in for the first time and enrol two-factor, as a person would; (browser, secret)."""
    b = Browser(base)
    b.get("/workspace/login")
    assert b.post("/workspace/login", {"email": email, "password": PASSWORD}).status_code == 303
    page = b.get("/workspace/enroll").text
    found = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page)
    assert found, "no secret on the enrolment page"
    secret = found.group(1).replace(" ", "")
    done = b.post("/workspace/enroll", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.status_code
    return b, secret


def wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit("trdnav serve exited")
        try:
            httpx.get(base + "/healthz", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("trdnav serve did not start")


def main(admin_url: str) -> int:
    admin_url = make_url(admin_url).set(drivername="postgresql+psycopg").render_as_string(False)
    name = f"trdnav_attack_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(False)
    work = Path(tempfile.mkdtemp(prefix="trdnav-attack-"))
    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRDNAV_")}
    env |= {
        "TRDNAV_ENVIRONMENT": "development",
        "TRDNAV_DATABASE_URL": url,
        "TRDNAV_SECRET_KEY": "attack-run-secret-" + uuid.uuid4().hex,
        "TRDNAV_BASE_URL": base,
        "TRDNAV_PLAIN_HTTP": "1",
        "TRDNAV_SMTP_HOST": "127.0.0.1",
        "TRDNAV_SMTP_PORT": str(smtp_port),
        "TRDNAV_AUDIT_CHECKPOINT_FILE": str(work / "checkpoints.jsonl"),
    }
    log = open(work / "server.log", "wb")  # noqa: SIM115 - closed at the end
    proc = subprocess.Popen(
        [str(BIN / "trdnav"), "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=log,
        cwd=work,
    )
    try:
        wait_up(base, proc)
        for user, role in (("alice", "admin"), ("ted", "technician"), ("tia", "technician")):
            made = cli(
                env,
                "users",
                "create",
                f"{user}@demo.example",
                "--role",
                role,
                stdin=PASSWORD + "\n",
            )
            assert made.returncode == 0, made.stderr
        alice, alice_secret = enroll(base, "alice@demo.example")
        _, ted_secret = enroll(base, "ted@demo.example")
        attacks(base, env, work, alice, (alice_secret, ted_secret), inbox)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        controller.stop()
        server_log = (work / "server.log").read_text(errors="replace")
        leaked = [p for p in PHI if p in server_log]
        check(not leaked, f"server log ({len(server_log)} bytes) holds none of the PHI {leaked}")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    exposed_install(work)
    failed = [w for ok, w in results if not ok]
    print(f"\n{len(results) - len(failed)} of {len(results)} defences held")
    return 1 if failed else 0


def exposed_install(work: Path) -> None:
    """An unconfigured install served on all interfaces (SQLite, no secret, no plain HTTP)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRDNAV_")}
    env["TRDNAV_DATABASE_URL"] = f"sqlite:///{work / 'exposed' / 'trdnav.db'}"
    proc = subprocess.Popen(
        [str(BIN / "trdnav"), "serve", "--host", "0.0.0.0", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=work,
    )
    try:
        wait_up(f"http://127.0.0.1:{port}", proc)
        r = httpx.get(f"http://127.0.0.1:{port}/workspace/login")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    check(b"no secret key is configured" in err, "serving 0.0.0.0 without a secret: loud warning")
    secret = work / "exposed" / "trdnav.secret"
    mode = oct(secret.stat().st_mode & 0o777) if secret.exists() else None
    check(mode == "0o600", f"a random per-install secret beside the database, mode {mode}")
    cookies = r.headers.get_list("set-cookie")
    check(
        bool(cookies)
        and all(c.startswith("__Host-") and "Secure" in c for c in cookies)
        and r.headers.get("strict-transport-security", "").startswith("max-age="),
        f"cookies {[c.split('=')[0] for c in cookies]} Secure, and HSTS, unless plain HTTP",
    )


def attacks(
    base: str,
    env: dict[str, str],
    work: Path,
    alice: Browser,
    secrets: tuple[str, str],
    inbox: Inbox,
) -> None:
    alice_secret, ted_secret = secrets
    db_url = env["TRDNAV_DATABASE_URL"]
    # 1. NUL and control characters.
    body = {
        "name": "Zelda\u0000 Quarry",
        "email": "zelda@zq-secret.example",
        "phone": "+1 907 5550199",
        "message": "sleepless\u0000",
        "consent_to_contact": True,
    }
    r = httpx.post(base + "/api/v1/consultation-requests", json=body)
    fields = [e["field"] for e in r.json().get("errors", [])] if r.status_code == 422 else []
    check(
        r.status_code == 422 and {"name", "message"} <= set(fields),
        f"NUL in the consultation API: {r.status_code} naming {fields}",
    )
    good = {**body, "name": "Zelda Quarry", "message": "sleepless nights"}
    check(
        httpx.post(base + "/api/v1/consultation-requests", json=good).status_code == 201,
        "the same request without the NUL is stored (201)",
    )
    r = alice.post("/workspace/patients", {"q": "Quarry\u0000"})
    check(r.status_code == 422 and "q" in r.text, f"NUL in patient search: {r.status_code}")
    r = alice.get("/workspace/audit?action=auth%00")
    check(r.status_code == 422, f"NUL in a query string: {r.status_code}")

    # 2. The audit chain.
    pg = create_engine(
        db_url.replace("postgresql://", "postgresql+psycopg://", 1)
        if db_url.startswith("postgresql://")
        else db_url
    )
    checkpoint = cli(env, "audit", "checkpoint")
    check(checkpoint.returncode == 0, "trdnav audit checkpoint signs the head")
    try:
        with pg.begin() as conn:
            conn.execute(text("TRUNCATE ws_audit_events"))
        check(False, "TRUNCATE ws_audit_events was accepted")
    except Exception as exc:
        check("append-only" in str(exc), "TRUNCATE ws_audit_events refused by the trigger")
    with pg.begin() as conn:
        last_id, last_hash = conn.execute(
            text("SELECT last_id, last_hash FROM ws_audit_head")
        ).one()
        conn.execute(text("ALTER TABLE ws_audit_events DISABLE TRIGGER USER"))
        forged = "f" * 64
        conn.execute(
            text(
                "INSERT INTO ws_audit_events (id, at, action, outcome, detail, prev_hash, hash)"
                " VALUES (:i, now(), 'patient.view', 'ok', '{}', :p, :h)"
            ),
            {"i": last_id + 1, "p": last_hash, "h": forged},
        )
        conn.execute(
            text("UPDATE ws_audit_head SET last_id = :i, last_hash = :h"),
            {"i": last_id + 1, "h": forged},
        )
        conn.execute(text("ALTER TABLE ws_audit_events ENABLE TRIGGER USER"))
    v = cli(env, "audit", "verify")
    check(
        v.returncode == 1 and "BROKEN" in v.stderr,
        f"forged entry + moved head: verify says {v.stderr.strip()[:90]!r}",
    )
    with pg.begin() as conn:
        conn.execute(text("ALTER TABLE ws_audit_events DISABLE TRIGGER USER"))
        conn.execute(text("DELETE FROM ws_audit_events WHERE id > :i"), {"i": last_id - 3})
        prev = conn.execute(
            text("SELECT hash FROM ws_audit_events WHERE id = :i"), {"i": last_id - 3}
        ).scalar_one()
        conn.execute(
            text("UPDATE ws_audit_head SET last_id = :i, last_hash = :h"),
            {"i": last_id - 3, "h": prev},
        )
        conn.execute(text("ALTER TABLE ws_audit_events ENABLE TRIGGER USER"))
    plain = cli(env, "audit", "verify")
    anchored = cli(env, "audit", "verify", "--checkpoint", str(work / "checkpoints.jsonl"))
    check(
        anchored.returncode == 1 and "deleted" in anchored.stderr,
        f"newest entries cut off: chain alone exit {plain.returncode}, with the checkpoint "
        f"exit {anchored.returncode} ({anchored.stderr.strip()[:80]!r})",
    )
    pg.dispose()

    # 3. Two-factor guessing from rotating addresses, a correct password every round.
    refused_right_code = False
    for rnd in range(3):
        b = Browser(base, ip=f"198.51.100.{rnd + 1}")
        b.post("/workspace/login", {"email": "ted@demo.example", "password": PASSWORD})
        for _ in range(4):
            b.post("/workspace/login/second-factor", {"code": "000000"})
    b = Browser(base, ip="198.51.100.77")
    b.post("/workspace/login", {"email": "ted@demo.example", "password": PASSWORD})
    r = b.post("/workspace/login/second-factor", {"code": pyotp.TOTP(ted_secret).now()})
    refused_right_code = r.status_code != 303 and "paused" in r.text
    check(refused_right_code, "12 wrong codes around correct passwords: second factor paused")
    cli(env, "users", "unlock", "ted@demo.example")

    # 4. Single-use credentials fired at once (8 browsers, each with its own pending login).
    time.sleep(max(0.0, 30 - time.time() % 30) + 1)  # a fresh 30 s step: enrolment used one
    code = pyotp.TOTP(ted_secret).now()
    browsers = [Browser(base, ip=f"192.0.2.{i + 10}") for i in range(8)]
    for b in browsers:
        b.post("/workspace/login", {"email": "ted@demo.example", "password": PASSWORD})
    tokens = [b.http.cookies["trdnav_csrf"] for b in browsers]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = list(
            pool.map(
                lambda i: (
                    browsers[i]
                    .post("/workspace/login/second-factor", {"code": code}, token=tokens[i])
                    .status_code
                ),
                range(8),
            )
        )
    check(
        codes.count(303) == 1,
        f"one TOTP code from 8 browsers at once: {codes.count(303)} login(s) ({sorted(codes)})",
    )
    Browser(base).post("/workspace/reset", {"email": "tia@demo.example"})
    time.sleep(1.5)
    link = re.search(r"(/workspace/reset/[\w-]+)", body_of(inbox.messages[-1]))
    assert link
    racers = [Browser(base, ip=f"192.0.2.{i + 40}") for i in range(8)]
    for b in racers:
        b.get(link.group(1))
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        resets = list(
            pool.map(
                lambda i: (
                    racers[i]
                    .post(link.group(1), {"new_password": f"{PASSWORD} reset {i}"})
                    .status_code
                ),
                range(8),
            )
        )
    check(
        resets.count(303) == 1,
        f"one reset link from 8 browsers at once: {resets.count(303)} reset(s) ({sorted(resets)})",
    )

    # 5. Lockout as denial of service; reset unlocks; reset mails throttled.
    m = Browser(base, ip="198.51.100.200")
    for i in range(10):
        m = Browser(base, ip=f"198.51.100.{200 + i}")
        m.post("/workspace/login", {"email": "alice@demo.example", "password": "wrong guess!"})
    r = Browser(base, ip="203.0.113.50").post(
        "/workspace/login", {"email": "alice@demo.example", "password": PASSWORD}
    )
    paused = re.search(r"paused for (\d+) minute", r.text)
    check(
        r.status_code == 429 and paused is not None and paused.group(1) == "1",
        f"10 wrong passwords pause alice for {paused.group(1) if paused else '?'} minute(s), "
        "not for good",
    )
    before = len(inbox.messages)
    for _ in range(5):
        Browser(base, ip="203.0.113.60").post("/workspace/reset", {"email": "alice@demo.example"})
    time.sleep(1.5)
    sent = len(inbox.messages) - before
    check(sent == 3, f"5 reset requests for one account: {sent} emails")
    link = re.search(r"(/workspace/reset/[\w-]+)", body_of(inbox.messages[-1]))
    assert link
    first = re.search(r"(/workspace/reset/[\w-]+)", body_of(inbox.messages[before]))
    assert first
    r = Browser(base).post(link.group(1), {"new_password": "orchid lantern over the quiet harbour"})
    check(r.status_code == 303, "the newest reset link works")
    r = Browser(base).post(first.group(1), {"new_password": "mallory wants this one"})
    check(r.status_code == 410, f"an older link of the same account is spent: {r.status_code}")
    r = Browser(base, ip="203.0.113.51").post(
        "/workspace/login",
        {"email": "alice@demo.example", "password": "orchid lantern over the quiet harbour"},
    )
    check(r.status_code == 303, "after the reset alice signs in at once (unlocked)")

    # 6. Audit contents: a password typed into the email box; formulas in the CSV.
    Browser(base, ip="203.0.113.70").post(
        "/workspace/login", {"email": "=HYPERLINK(hunter2-secret)", "password": "x"}
    )
    export = cli(env, "audit", "export")
    check("hunter2-secret" not in export.stdout, "a password typed as the email is not stored")
    cells = [c for line in export.stdout.splitlines() for c in line.split(",")]
    check(
        not any(c.startswith(("=", "+", "-", "@")) for c in cells), "no CSV cell starts a formula"
    )

    # 7. CSRF bound to the sign-in.
    b = Browser(base, ip="203.0.113.80")
    b.get("/workspace/login")
    before_token = b.http.cookies["trdnav_csrf"]
    b.post("/workspace/login", {"email": "ted@demo.example", "password": PASSWORD})
    time.sleep(max(0.0, 30 - time.time() % 30) + 1)
    b.post("/workspace/login/second-factor", {"code": pyotp.TOTP(ted_secret).now()})
    after_token = b.http.cookies["trdnav_csrf"]
    b.http.cookies.delete("trdnav_csrf")
    b.http.cookies.set("trdnav_csrf", before_token, domain="127.0.0.1", path="/")
    r = b.post("/workspace/logout", {}, token=before_token)
    check(
        after_token != before_token and r.status_code == 403,
        f"a pre-sign-in CSRF token after sign-in: {r.status_code}",
    )

    # 8. 500s and caching.
    a = Browser(base, ip="203.0.113.90")
    a.post(
        "/workspace/login",
        {"email": "alice@demo.example", "password": "orchid lantern over the quiet harbour"},
    )
    time.sleep(max(0.0, 30 - time.time() % 30) + 1)
    a.post("/workspace/login/second-factor", {"code": pyotp.TOTP(alice_secret).now()})
    r = a.get("/workspace/audit?until=9999-12-31").status_code
    check(r == 422, f"audit filter until=9999-12-31: {r}")
    c = Browser(base)
    c.get("/aid/consultation")
    r = c.post(
        "/aid/consultation",
        {"name": "Zelda Quarry", "email": "bad", "message": "x", "consent_to_contact": "yes"},
    )
    check(
        r.status_code == 422 and r.headers.get("cache-control") == "no-store",
        f"consultation form 422: Cache-Control {r.headers.get('cache-control')!r}",
    )


if __name__ == "__main__":
    sys.exit(
        main(sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/test")
    )
