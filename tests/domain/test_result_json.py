"""The engine's JSON writer: byte-equal to pydantic's `model_dump_json()`, whatever the result."""

from __future__ import annotations

from typing import Annotated, Literal

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field, PlainSerializer

from tests.domain.helpers import engine
from tests.domain.test_properties import requests
from trdnav.domain.requests import AssessmentRequest
from trdnav.domain.result_json import JsonWriter
from trdnav.domain.results import AssessmentResult, Finding, SourcedText


@settings(max_examples=300, deadline=None)
@given(requests)
def test_engine_json_is_byte_equal_to_model_dump_json(req: AssessmentRequest) -> None:
    e = engine()
    result = e.assess(req)
    assert e.to_json(result) == result.model_dump_json().encode()


# Any text (quotes, backslashes, control characters, non-ASCII) in new and in shared objects.
texts = st.text(max_size=40)


@settings(max_examples=200, deadline=None)
@given(message=texts, code=texts, reason=texts, key=texts, fit=st.integers(0, 100))
def test_new_values_of_any_text_are_escaped_as_pydantic_does(
    message: str, code: str, reason: str, key: str, fit: int
) -> None:
    e = engine()
    result = e.assess(AssessmentRequest(age=40, conditions=["major_depressive_disorder"]))
    first = result.options[0]
    changed = first.model_copy(
        update={
            "findings": [
                *first.findings,
                Finding(level="info", code=code, message=message, source_ids=[key]),
            ],
            "coverage_note": SourcedText(text=message, source_ids=[]),
            "fit": fit,
            "fit_reasons": [reason, message],
        }
    )
    sources = {**result.sources, key: next(iter(result.sources.values()))}
    odd = result.model_copy(
        update={"options": [changed, *result.options[1:]], "sources": sources, "disclaimer": code}
    )
    assert e.to_json(odd) == odd.model_dump_json().encode()


class Inner(BaseModel):
    ratio: float
    label: Literal["a", "b"] | None


class Renamed(BaseModel):
    value: int = Field(serialization_alias="renamed")


class Shouted(BaseModel):
    text: Annotated[str, PlainSerializer(lambda s: s.upper())]


class Outer(BaseModel):
    name: Annotated[str, Field(pattern=r"^\w*$")]
    flag: bool
    inner: Inner | None
    inners: list[Inner]
    by_key: dict[str, Inner]
    renamed: Renamed
    shouted: Shouted
    numbers: list[int]


@settings(max_examples=200, deadline=None)
@given(
    ratio=st.floats(allow_nan=True, allow_infinity=True),
    label=st.sampled_from(["a", "b", None]),
    text=texts,
    number=st.integers(-(2**70), 2**70),
    flag=st.booleans(),
)
def test_any_plain_model_is_written_as_pydantic_writes_it(
    ratio: float, label: Literal["a", "b"] | None, text: str, number: int, flag: bool
) -> None:
    """Floats, big integers, aliases and custom serializers are left to pydantic itself."""
    shared = Inner(ratio=0.5, label="a")
    inner = Inner(ratio=ratio, label=label)
    outer = Outer(
        name="x",
        flag=flag,
        inner=inner,
        inners=[shared, inner],
        by_key={text: inner, "s": shared},
        renamed=Renamed(value=number),
        shouted=Shouted(text=text),
        numbers=[number, 0],
    )
    writer = JsonWriter(Outer, shared=[shared, {"more": [shared]}])
    assert writer._models[Outer].__name__ == "encode"  # planned field by field
    assert writer(outer) == outer.model_dump_json().encode()
    assert writer(outer) == outer.model_dump_json().encode()  # the second time, from caches


def test_results_built_from_scratch_and_validated_are_written_the_same() -> None:
    """Objects the engine did not build (no shared bytes) give the same JSON."""
    e = engine()
    result = e.assess(AssessmentRequest(age=70, conditions=["major_depressive_disorder"]))
    copy = AssessmentResult.model_validate_json(result.model_dump_json())
    assert e.to_json(copy) == e.to_json(result) == result.model_dump_json().encode()


def test_model_construct_fast_path_builds_what_pydantic_builds() -> None:
    """Results' model_construct skips pydantic's loop only when every field is given."""
    e = engine()
    result = e.assess(AssessmentRequest(age=40, conditions=["major_depressive_disorder"]))
    option = result.options[0]
    values = {name: getattr(option, name) for name in type(option).model_fields}
    fast = type(option).model_construct(**values)
    assert fast == option == BaseModel.model_construct.__func__(type(option), **values)  # type: ignore[attr-defined]
    assert fast.model_fields_set == set(values)
    assert fast.model_dump_json() == option.model_dump_json()
    cost = option.cost
    partial = {k: v for k, v in cost.__dict__.items() if k != "currency"}
    rebuilt = type(cost).model_construct(**partial)  # a plain default left out: filled in
    by_pydantic = BaseModel.model_construct.__func__(type(cost), **partial)  # type: ignore[attr-defined]
    assert rebuilt == by_pydantic and rebuilt.currency == "USD"
    assert rebuilt.model_fields_set == by_pydantic.model_fields_set == set(partial)
    assert list(rebuilt.__dict__) == list(by_pydantic.__dict__)  # fields in order
    named = type(cost).model_construct({"basis"}, **cost.__dict__)
    assert named.model_fields_set == {"basis"}
