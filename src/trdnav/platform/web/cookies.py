"""Cookie names and attributes: `__Host-` names and Secure everywhere, except explicit plain
HTTP on a loopback address for development (TRDNAV_PLAIN_HTTP=1, as `make run` sets).

A `__Host-` cookie must be Secure, have Path=/ and no Domain: a browser then refuses any
attempt by a sibling subdomain or a plain-HTTP page to set or overwrite it.
"""

from __future__ import annotations

from trdnav.platform.settings import Settings

HOST_PREFIX = "__Host-"


def secure(settings: Settings) -> bool:
    """True unless plain HTTP was explicitly chosen for development."""
    return not settings.plain_http


def cookie_name(settings: Settings, base: str) -> str:
    """The cookie's name on the wire: `__Host-<base>` when Secure, `<base>` on plain HTTP."""
    return HOST_PREFIX + base if secure(settings) else base
