"""Email through a real SMTP conversation. Messages must never carry health data: link instead."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from trdnav.platform.settings import Settings


class MailError(RuntimeError):
    """The SMTP server could not be reached or refused the message."""


def send_mail(settings: Settings, to: str, subject: str, body: str) -> str:
    """Send one plain-text message; returns its Message-ID. Blocking: call off the event loop."""
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="trdnav.local")
    msg.set_content(body)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username and settings.smtp_password:
                smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        where = f"{settings.smtp_host}:{settings.smtp_port}"
        raise MailError(f"could not send mail via {where}") from exc
    return str(msg["Message-ID"])
