"""ninja_viewsets._ninja._json (the seam's JSON half): Ninja's response wrapper and Schema
internals, and the pydantic-core schema rewritten to write the JSON Ninja writes. Each helper
is checked against what Ninja itself does with the same schema.

(tests/test_ninja_seam.py checks that the internals used still exist; tests/test_renderers_corpus.py
compares whole responses.)
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
from ninja import Schema
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from pydantic import field_serializer, field_validator, model_validator

from ninja_viewsets._ninja._json import (
    RESPONSE_PREFIX,
    is_default_json,
    json_serializer,
    ninja_validators_only,
    response_annotation,
    response_wrapper,
    same_float_text,
    schema_resolvers,
    uncarried_decorators,
)


class Leaf(Schema):
    id: int
    at: datetime
    wait: timedelta
    when: time
    price: Decimal
    ratio: float


class Mood(Enum):
    HAPPY = "happy"


class Moody(Schema):
    mood: Mood


class Resolved(Schema):
    id: int
    double: int

    @staticmethod
    def resolve_double(obj: Any) -> int:
        return obj["id"] * 2


class Checked(Schema):
    id: int

    @field_validator("id")
    @classmethod
    def positive(cls, value: int) -> int:
        return value

    @model_validator(mode="after")
    def whole(self) -> Checked:
        return self


class Serialized(Schema):
    id: int

    @field_serializer("id")
    def as_text(self, value: int) -> str:
        return str(value)


def ninja_json(value: Any) -> str:
    """What Ninja's JSONRenderer writes for a validated response."""
    return json.dumps(value, cls=NinjaJSONEncoder)


def test_the_wrapper_is_ninjas_shape():
    wrapper = response_wrapper(list[Leaf])
    assert response_annotation(wrapper) == list[Leaf]
    serializer = json_serializer(response_wrapper(int))
    assert serializer is not None
    assert serializer.to_json(response_wrapper(int)(response=5)).startswith(RESPONSE_PREFIX)


def test_the_rewritten_serializer_writes_ninjas_json():
    wrapper = response_wrapper(Leaf)
    value = wrapper(
        response={
            "id": 1,
            "at": datetime(2026, 12, 5, 1, 2, 3, 456789, tzinfo=UTC),
            "wait": timedelta(days=1, seconds=5),
            "when": time(1, 2, 3),
            "price": Decimal("9.50"),
            "ratio": 0.25,
        }
    )
    serializer = json_serializer(wrapper)
    assert serializer is not None
    ours = json.loads(serializer.to_json(value))
    assert ours == json.loads(ninja_json(value.model_dump()))
    assert ours["response"]["at"] == "2026-12-05T01:02:03.456Z"  # Django's format, not pydantic's


def test_a_schema_whose_json_may_differ_keeps_ninjas_renderer():
    assert json_serializer(response_wrapper(Moody)) is None  # a plain Enum
    assert json_serializer(response_wrapper(Serialized)) is None  # a custom serializer
    assert json_serializer(response_wrapper(Any)) is None


@pytest.mark.parametrize(
    ("value", "same"),
    [(0.0, True), (0.25, True), (1e-4, True), (1e-5, False), (1e16, False), (float("nan"), True)],
)
def test_same_float_text_knows_where_the_two_writers_differ(value, same):
    assert same_float_text(value) is same


def test_ninjas_schema_internals_read_as_the_seam_says():
    assert schema_resolvers(Resolved).keys() == {"double"}
    assert schema_resolvers(Leaf) == {}
    assert ninja_validators_only(Leaf)
    assert not ninja_validators_only(Checked)
    assert uncarried_decorators(Checked) == ["@model_validator 'whole'"]
    assert uncarried_decorators(Leaf) == []


def test_only_the_stock_json_renderer_is_default():
    class Indented(JSONRenderer):
        json_dumps_params = {"indent": 2}

    assert is_default_json(JSONRenderer())
    assert not is_default_json(Indented())
