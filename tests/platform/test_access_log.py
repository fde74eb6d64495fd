"""The access log never carries the password-reset token."""

from __future__ import annotations

import logging

from trdnav.app import create_app
from trdnav.platform.web import access_log


def test_reset_token_is_redacted_from_uvicorn_access_records() -> None:
    create_app()  # installs the filter on uvicorn's access logger
    logger = logging.getLogger("uvicorn.access")
    record = logger.makeRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/workspace/reset/s3cr3t-t0ken?x=1", "1.1", 200),
        None,
    )
    assert all(f.filter(record) for f in logger.filters)
    message = record.getMessage()
    assert "s3cr3t-t0ken" not in message
    assert "/workspace/reset/[redacted]?x=1" in message
    assert sum(isinstance(f, access_log.RedactSecrets) for f in logger.filters) == 1
    create_app()  # a second app in the same process does not stack filters
    assert sum(isinstance(f, access_log.RedactSecrets) for f in logger.filters) == 1
