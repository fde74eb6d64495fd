"""Validation problems as {field, message} pairs, the same for HTTP, CLI and forms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

_MESSAGES = {
    "extra_forbidden": "is not a field of this request",
    "missing": "is required",
    "json_invalid": "is not valid JSON",
}


class InvalidRequest(ValueError):
    """The input is invalid; `errors` lists one {field, message} per problem."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


class FieldConflict(Exception):
    """A change that the current state refuses (a booked slot, a cancelled session); `field`
    names what conflicts. Answered as 409 by the API and on the page by forms."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message, self.field = message, field


def field_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Pydantic error dicts as [{field, message}]; field is a dotted path ("phq9_items.8")."""
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        if loc and loc[0] == "body":  # FastAPI prefixes body fields
            loc = loc[1:]
        message = _MESSAGES.get(err.get("type", ""), str(err.get("msg", "is invalid")))
        message = message.removeprefix("Value error, ")
        out.append({"field": ".".join(loc) or "body", "message": message})
    return out
