"""Rule fields resolved against the assessment request, and `when` values checked against them.

Run when the evidence loads: a misspelt field used to load and then crash the first request,
and a value of the wrong type (`"true"` for `true`) silently never matched, so a
contraindication read as "eligible". Now either stops start-up, naming file and key.
"""

from __future__ import annotations

import operator
import types
from collections.abc import Iterator
from dataclasses import dataclass
from functools import reduce
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from trdnav.domain.evidence.schema import Rule
from trdnav.domain.requests import AssessmentRequest

CONDITIONS = "conditions"
# Screening reads these answers as "not answered": a rule's `unknown` finding, never a match.
UNKNOWN_VALUES: tuple[object, ...] = (None, "unknown")


class FieldPathError(ValueError):
    """A rule's `field` does not name one answer of the assessment request."""


@dataclass(frozen=True)
class Answer:
    """One answer of the request that a rule compares with its `when` values."""

    path: str
    type: Any  # the answer's type without None, its constraints kept
    optional: bool  # may be left unanswered
    adapter: TypeAdapter[Any]

    def accepts(self, value: object) -> bool:
        """True when `value` is exactly of this answer's type (strict: no "true" for true)."""
        try:
            self.adapter.validate_python(value, strict=True)
        except ValidationError:
            return False
        return True

    def describe(self) -> str:
        """The answer's type as a reviewer reads it: `bool`, `int, 0..1440`, `one of 'a', 'b'`."""
        return describe(self.type)


def _without_none(annotation: Any) -> tuple[Any, bool]:
    """The annotation with None taken out of a union, and whether None was there."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = get_args(annotation)
        rest = tuple(a for a in args if a is not type(None))
        if len(rest) < len(args):
            return reduce(operator.or_, rest), True
    return annotation, False


def _bare(annotation: Any) -> Any:
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


def _model(annotation: Any) -> type[BaseModel] | None:
    bare = _bare(annotation)
    return bare if isinstance(bare, type) and issubclass(bare, BaseModel) else None


def resolve(path: str, root: type[BaseModel] = AssessmentRequest) -> Answer:
    """The answer at a dotted path of the request (walking nested models), or FieldPathError."""
    missing = FieldPathError(f"no field {path!r} in the assessment request")
    model, parts = root, path.split(".")
    for depth, name in enumerate(parts, start=1):
        info = model.model_fields.get(name)
        if info is None:
            raise missing
        annotation, optional = _without_none(info.annotation)
        if info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        inner = _model(annotation)
        if depth < len(parts):
            if inner is None:
                raise missing
            model = inner
            continue
        if inner is not None:
            first = next(iter(inner.model_fields))
            raise FieldPathError(
                f"{path!r} is a group of answers; name one of them, such as '{path}.{first}'"
            )
        if get_origin(_bare(annotation)) is list:
            if path != CONDITIONS:
                raise FieldPathError(
                    f"{path!r} is a list; only {CONDITIONS!r} can be matched by membership"
                )
            # A "conditions" rule matches when any of its values is listed: check each element.
            annotation = get_args(_bare(annotation))[0]
        return Answer(path, annotation, optional, TypeAdapter(annotation))
    raise missing  # an empty path


def describe(annotation: Any) -> str:
    """A type as a reviewer reads it: `bool`, `int, 0..1440`, `one of 'none', 'past'`."""
    base, low, high = annotation, None, None
    if get_origin(annotation) is Annotated:
        base, *extras = get_args(annotation)
        for extra in extras:
            for item in extra.metadata if isinstance(extra, FieldInfo) else [extra]:
                low = getattr(item, "ge", low)
                high = getattr(item, "le", high)
    if get_origin(base) is Literal:
        return "one of " + ", ".join(repr(v) for v in get_args(base))
    name = getattr(base, "__name__", str(base))
    if low is not None and high is not None:
        return f"{name}, {low}..{high}"
    if low is not None:
        return f"{name}, at least {low}"
    if high is not None:
        return f"{name}, at most {high}"
    return str(name)


def rule_defects(rule: Rule) -> Iterator[tuple[str, str]]:
    """(key, problem) for every way this rule cannot work against the request."""
    if rule.field is None:
        if rule.when:
            yield "when", "values to match need a field to compare them with"
        if rule.unknown is not None:
            yield "unknown", "only a rule with a field can ask to confirm an unknown answer"
        return
    if rule.min_age is not None:
        yield "field", "a rule with min_age matches on age alone; it cannot also have a field"
        return
    try:
        answer = resolve(rule.field)
    except FieldPathError as exc:
        yield "field", str(exc)
        return
    if not rule.when:
        yield "when", "a rule with a field needs at least one value to match"
    for i, value in enumerate(rule.when):
        if isinstance(value, str) and value in UNKNOWN_VALUES:
            yield (
                f"when[{i}]",
                f"{value!r} never matches: an unknown answer gives the rule's `unknown` "
                "finding instead",
            )
        elif not answer.accepts(value):
            yield (
                f"when[{i}]",
                f"{value!r} is not a valid value for {answer.path} ({answer.describe()})",
            )
    if rule.unknown is not None and not answer.optional:
        yield "unknown", f"{rule.field!r} is always answered, so this message would never show"
