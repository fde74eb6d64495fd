"""Keep secrets out of the server's access log: single-use tokens in paths are redacted."""

from __future__ import annotations

import logging
import re

# Paths that carry a credential (the emailed password-reset link, a patient's self-report link
# /m/). Health data never goes into URLs at all; this covers the places a secret must.
_SECRET_PATHS = re.compile(r"(/workspace/reset/|/m/)[^/?\s]+")


class RedactSecrets(logging.Filter):
    """Rewrite uvicorn access-log records so that path tokens read `[redacted]`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _SECRET_PATHS.sub(r"\1[redacted]", a) if isinstance(a, str) else a
                for a in record.args
            )
        return True


def install() -> None:
    """Attach the filter to uvicorn's access logger once per process."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())
