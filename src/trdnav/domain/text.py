"""Text that may enter the system: no NUL and no other control characters.

A NUL breaks PostgreSQL text columns (and used to turn a request into a 500 that logged it);
other control characters (escape sequences, DEL, C1) have no place in names, searches or notes.
Multi-line text (a message, a note) may hold tab, line feed and carriage return; single-line
text may not. `RequestModel` is the one base of every request model: its validator checks every
string of every field, however deeply nested, and names the field.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

_T = TypeVar("_T")
_SINGLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MULTI = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why this text is refused (it holds a control character), or None when it is fine."""
    found = (_MULTI if multiline else _SINGLE).search(value)
    if found is None:
        return None
    allowed = " (only tab and line breaks are allowed here)" if multiline else ""
    return f"contains a control character (U+{ord(found.group()):04X}){allowed}"


def find_control(value: Any, *, multiline: bool = False, path: str = "") -> tuple[str, str] | None:
    """The first (sub-path, problem) of any string inside `value` (lists, dicts), or None."""
    if isinstance(value, str):
        problem = control_problem(value, multiline=multiline)
        return (path, problem) if problem else None
    if isinstance(value, BaseModel):
        return None  # a nested request model checks its own fields
    if isinstance(value, Mapping):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            found = find_control(key, path=sub) or find_control(item, multiline=multiline, path=sub)
            if found:
                return found
        return None
    if isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            sub = f"{path}.{index}" if path else str(index)
            found = find_control(item, multiline=multiline, path=sub)
            if found:
                return found
    return None


# The same rules as JSON Schema patterns, so the published schema says what is accepted.
_SINGLE_CHAR = "[^\\x00-\\x1f\\x7f-\\x9f]"
_MULTI_CHAR = "[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]"
# White space as pydantic strips it (Unicode White_Space), and a character that is neither that
# nor a control character: stripped text must hold one, and may have white space at its ends.
_UNICODE_SPACE = "\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
_WHITE = f"\\t\\n\\x0b\\x0c\\r\\x20\\x85\\xa0{_UNICODE_SPACE}"
_VISIBLE_CHAR = f"[^\\x00-\\x20\\x7f-\\xa0{_UNICODE_SPACE}]"
SINGLE_LINE_PATTERN = f"^{_SINGLE_CHAR}*$"
MULTILINE_PATTERN = f"^{_MULTI_CHAR}*$"
_NOT_BLANK = {
    p: f"^[{_WHITE}]*{c}*{_VISIBLE_CHAR}{c}*[{_WHITE}]*$"
    for p, c in ((SINGLE_LINE_PATTERN, _SINGLE_CHAR), (MULTILINE_PATTERN, _MULTI_CHAR))
}
_CONSTRAINED = {"pattern", "format", "enum", "const"}
# Marks (in a field's JSON Schema) text that is stripped and then must not be empty, so that
# its pattern also asks for one visible character: the schema then refuses "  " as the app does.
NOT_BLANK_TEXT = Field(json_schema_extra={"x-not-blank": True})


def no_control_pattern(schema: dict[str, Any], pattern: str = SINGLE_LINE_PATTERN) -> None:
    """Give a free-text string schema (or the strings of its anyOf and items) the pattern."""
    for sub in (schema, *schema.get("anyOf", ()), schema.get("items") or {}):
        not_blank = sub.pop("x-not-blank", False)
        if sub.get("type") == "string" and not _CONSTRAINED & sub.keys():
            sub["pattern"] = _NOT_BLANK[pattern] if not_blank else pattern


def _schema_without_controls(schema: dict[str, Any], cls: type) -> None:
    multiline: frozenset[str] = getattr(cls, "multiline", frozenset())
    for name, prop in schema.get("properties", {}).items():
        no_control_pattern(prop, MULTILINE_PATTERN if name in multiline else SINGLE_LINE_PATTERN)


class RequestModel(BaseModel):
    """Base of every request model: no field may hold a control character.

    Fields listed in `multiline` may hold tab, line feed and carriage return. The JSON Schema
    of every free-text field says so with a pattern.
    """

    model_config = ConfigDict(json_schema_extra=_schema_without_controls)
    multiline: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        found = find_control(value, multiline=info.field_name in cls.multiline)
        if found is not None:
            sub, problem = found
            raise ValueError(f"{problem} at {sub}" if sub else problem)
        return value

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Run the check only on fields that may hold text: a number, a yes/no, one of fixed
        words or a nested request model (which checks itself) cannot hold a control character,
        and skipping them halves the cost of parsing a request."""
        super().__pydantic_init_subclass__(**kwargs)
        validators = cls.__pydantic_decorators__.field_validators
        check = validators.get("_no_control_characters")
        if check is None or check.info.fields != ("*",):
            return
        textual = tuple(n for n, f in cls.model_fields.items() if _may_hold_text(f.annotation))
        if len(textual) == len(cls.model_fields):
            return
        validators["_no_control_characters"] = replace(
            check, info=replace(check.info, fields=textual)
        )
        cls.model_rebuild(force=True)


_NO_TEXT = (int, float, bool, type(None))


def _may_hold_text(annotation: Any) -> bool:
    """False only for types built from numbers, booleans, None, fixed words and request
    models; anything else (str, unknown types) may hold text."""
    if annotation in _NO_TEXT:
        return False
    if isinstance(annotation, type) and issubclass(annotation, RequestModel):
        return False
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return not all(
            type(a) in _NO_TEXT or (type(a) is str and not _SINGLE.search(a)) for a in args
        )
    if origin is typing.Annotated:
        return _may_hold_text(args[0])
    if origin in (typing.Union, types.UnionType, list, tuple, frozenset, set):
        return any(_may_hold_text(a) for a in args if a is not Ellipsis) or not args
    return True


def whole_number(raw: object, default: _T, *, digits: int = 9) -> int | _T:
    """A form, path or query value as a non-negative integer, else `default`.

    ASCII digits only: `str.isdigit()` also accepts "¹" and other digits that `int()` refuses
    (a 500). At most `digits` long, so an id always fits a 32-bit column.
    """
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= digits:
        return int(raw)
    return default
