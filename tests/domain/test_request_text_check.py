"""The control-character check runs on every request field that may hold text, and only there."""

from __future__ import annotations

import typing
from typing import Any

import trdnav.app  # noqa: F401  (imports every feature, so every request model exists)
from trdnav.domain.requests import AssessmentRequest, MedicalHistory
from trdnav.domain.text import RequestModel
from trdnav.features.assessments.service import parse_request
from trdnav.platform.errors import InvalidRequest


def _all(cls: type) -> list[type]:
    return [c for sub in cls.__subclasses__() for c in (sub, *_all(sub))]


def _mentions_str(annotation: Any) -> bool:
    if annotation is str:
        return True
    if typing.get_origin(annotation) is typing.Literal:
        return False
    return any(_mentions_str(a) for a in typing.get_args(annotation))


def test_every_field_that_may_hold_a_string_is_checked() -> None:
    models = _all(RequestModel)
    assert AssessmentRequest in models and MedicalHistory in models
    for model in models:
        check = model.__pydantic_decorators__.field_validators["_no_control_characters"]
        fields = check.info.fields
        for name, field in model.model_fields.items():
            if _mentions_str(field.annotation):
                assert fields == ("*",) or name in fields, (model, name)


def test_a_control_character_in_a_nested_trial_name_is_still_refused() -> None:
    body = (
        '{"age": 40, "conditions": ["major_depressive_disorder"],'
        ' "antidepressant_trials": [{"name": "sert\\u0007raline"}]}'
    )
    try:
        parse_request(body)
    except InvalidRequest as exc:
        assert exc.errors == [
            {
                "field": "antidepressant_trials.0.name",
                "message": "contains a control character (U+0007)",
            }
        ]
    else:
        raise AssertionError("accepted")
