"""A person asks the clinic to contact them, in a real chromium against a real `trdnav serve`.

The cast: Ana (keyboard only, JavaScript on, phone-sized screen) and Bo (JavaScript off, makes
mistakes first). The clinic's inbox is the aiosmtpd server of the `live_server` fixture.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from tests.browser.conftest import (
    LiveServer,
    _recording_page,
    assert_accessible,
    assert_only_local,
)
from trdnav.features.aid import drafts
from trdnav.storage.db import make_engine, session_factory
from trdnav.storage.models import ConsultationRequest

pytestmark = pytest.mark.browser

LINK = re.compile(r"/workspace/consultations/([0-9a-f-]{36})")


def _stored(live_server: LiveServer, request_id: str) -> ConsultationRequest:
    engine = make_engine(live_server.database_url)
    try:
        with session_factory(engine)() as db:
            row = db.scalars(
                select(ConsultationRequest).where(ConsultationRequest.id == request_id)
            ).one()
            db.expunge(row)
            return row
    finally:
        engine.dispose()


def _new_mail(live_server: LiveServer, before: int) -> str:
    messages = live_server.wait_for_mail(before + 1)
    assert len(messages) == before + 1, "the clinic's email arrived"
    mail = messages[-1]
    assert mail["Subject"] == "New consultation request"
    payload = mail.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def _give_answers(live_server: LiveServer, context: BrowserContext) -> None:
    """Ana already answered the questionnaire's first steps on this device (aid session)."""
    token = drafts.new_token()
    now = datetime.now(UTC)
    feelings = {f"phq9_{i}": "2" for i in range(1, 10)} | {"phq9_9": "0"}
    feelings["suicidal_thoughts"] = "none"
    engine = make_engine(live_server.database_url)
    try:
        with session_factory(engine)() as db:
            drafts.save_step(db, token, "about", {"age": "38", "pregnancy": "no"}, now)
            drafts.save_step(
                db, token, "diagnosis", {"conditions": ["major_depressive_disorder"]}, now
            )
            drafts.save_step(db, token, "feelings", feelings, now)
    finally:
        engine.dispose()
    context.add_cookies(
        [{"name": drafts.AID_COOKIE, "value": token, "url": live_server.url("/aid")}]
    )


def test_ana_sends_a_request_by_keyboard_and_the_clinic_gets_a_link(
    live_server: LiveServer, context: BrowserContext, page: Page
) -> None:
    _give_answers(live_server, context)
    before = len(live_server.smtp_messages)
    page.goto(live_server.url("/aid/consultation"))
    assert_accessible(page)
    expect(page.get_by_label("Send my questionnaire answers with this request")).to_be_checked()

    page.locator("#name").focus()
    page.keyboard.type("Ana Diaz")
    page.keyboard.press("Tab")
    page.keyboard.type("ana@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("907 555 0100")
    page.keyboard.press("Tab")  # into the radio group, on the checked "No preference"
    page.keyboard.press("ArrowDown")  # arrows select; from the last choice to the first
    expect(page.locator("#contact-email")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("Mornings are best.")
    page.keyboard.press("Tab")  # the answers checkbox (already ticked)
    page.keyboard.press("Tab")  # the consent checkbox
    page.keyboard.press("Space")
    expect(page.locator("#consent")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url("/aid/consultation/sent"))
    expect(page.get_by_role("heading", name="Your request was sent")).to_be_visible()
    expect(page.get_by_text("This is not an emergency service")).to_be_visible()
    assert_accessible(page)
    assert_only_local(page)
    for url in page.requested_urls:  # type: ignore[attr-defined]
        assert "Ana" not in url and "example.org" not in url and "?" not in url

    body = _new_mail(live_server, before)
    found = LINK.search(body)
    assert found and found.group(0) in body
    assert body.count(live_server.base_url + "/workspace/consultations/") == 1
    without_id = body.replace(found.group(1), "<id>")  # a random id may contain "555"
    for secret in ("Ana", "Diaz", "example.org", "555", "Mornings", "major_depressive"):
        assert secret not in without_id
    row = _stored(live_server, found.group(1))
    assert (row.name, row.email, row.phone, row.preferred_contact) == (
        "Ana Diaz",
        "ana@example.org",
        "+19075550100",
        "email",
    )
    assert row.assessment is not None and row.assessment["age"] == 38


def test_bo_without_javascript_fixes_his_mistakes_and_sends(
    live_server: LiveServer, nojs_page: Page
) -> None:
    page = nojs_page
    before = len(live_server.smtp_messages)
    page.goto(live_server.url("/aid/consultation"))
    page.fill("#name", "Bo Chen")
    page.fill("#phone", "12")
    page.get_by_text("Text message", exact=True).click()
    page.get_by_role("button", name="Send my request").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # keyboard and screen-reader users land on the problems
    expect(
        summary.get_by_role("link", name=re.compile("phone number with its area code"))
    ).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile("Tick the box"))).to_be_visible()
    expect(page.locator("#name")).to_have_value("Bo Chen")  # nothing typed is lost
    expect(page.locator("#contact-text")).to_be_checked()
    summary.get_by_role("link", name=re.compile("phone number")).click()
    expect(page).to_have_url(re.compile("#phone$"))

    page.fill("#phone", "(907) 555-0142")
    page.locator("#consent").check()
    page.get_by_role("button", name="Send my request").click()

    expect(page.get_by_role("heading", name="Your request was sent")).to_be_visible()
    assert_only_local(page)
    body = _new_mail(live_server, before)
    found = LINK.search(body)
    assert found
    row = _stored(live_server, found.group(1))
    assert (row.phone, row.preferred_contact, row.assessment) == ("+19075550142", "text", None)


@pytest.fixture
def desktop_page(browser: Browser) -> Iterator[Page]:
    """A desktop-sized page that records every request URL."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield _recording_page(ctx)
    finally:
        ctx.close()


def test_an_empty_form_on_a_desktop_explains_what_is_missing(
    live_server: LiveServer, desktop_page: Page
) -> None:
    desktop_page.goto(live_server.url("/aid/consultation"))
    desktop_page.fill("#email", "ana@@example")
    desktop_page.keyboard.press("Tab")  # htmx checks the field as soon as it changes
    expect(desktop_page.locator("#email-error")).to_contain_text("Enter an email address")
    desktop_page.fill("#email", "")
    desktop_page.keyboard.press("Tab")
    expect(desktop_page.locator("#email-error")).to_have_count(0)
    desktop_page.get_by_role("button", name="Send my request").click()

    summary = desktop_page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(3)  # name, a way to reach you, consent
    assert_accessible(desktop_page)
    assert_only_local(desktop_page)
