"""Private (the seam): Ninja's response wrapper and Schema internals; pydantic-core schemas
rewritten to write the JSON Ninja writes."""

from __future__ import annotations

import dataclasses
import inspect
import weakref
from collections.abc import Callable, Collection
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder
from ninja.renderers import BaseRenderer, JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.schema import Schema
from pydantic import BaseModel
from pydantic._internal._decorators import PydanticDescriptorProxy
from pydantic_core import PydanticSerializationError, SchemaSerializer, core_schema

__all__ = [
    "LEAF_SCHEMAS",
    "RESPONSE_PREFIX",
    "Unrepresentable",
    "before_schema",
    "carried_decorators",
    "is_default_json",
    "json_serializer",
    "list_schema",
    "ninja_validators_only",
    "nullable_schema",
    "plain_serializer",
    "record_schema",
    "response_annotation",
    "response_wrapper",
    "same_float_text",
    "schema_resolvers",
    "uncarried_decorators",
    "unwrap_getter",
]

# -- rendering: Ninja's response wrapper and Schema internals ----------------------------------

#: Ninja validates an operation's result through a wrapper model with one field, ``response``;
#: its JSON starts with this.
RESPONSE_PREFIX = b'{"response":'


def response_annotation(response_model: type[BaseModel]) -> Any:
    """The annotation an operation answers (the field of Ninja's response wrapper)."""
    return response_model.model_fields["response"].annotation


def response_wrapper(annotation: Any) -> type[BaseModel]:
    """A response wrapper for ``annotation``, as Ninja's ``_create_response_model`` builds it
    (a per-request representation: ``ninja_viewsets._sparse``)."""
    return type("NinjaResponseSchema", (Schema,), {"__annotations__": {"response": annotation}})


def is_default_json(renderer: BaseRenderer) -> bool:
    """Whether ``renderer`` writes JSON exactly as Ninja's stock ``JSONRenderer``."""
    return (
        type(renderer) is JSONRenderer
        and renderer.encoder_class is NinjaJSONEncoder
        and not renderer.json_dumps_params
    )


def schema_resolvers(cls: type[BaseModel]) -> dict[str, Any]:
    """The ``resolve_<field>`` methods of a Ninja ``Schema`` (empty for other models)."""
    return dict(getattr(cls, "_ninja_resolvers", None) or {})


def ninja_validators_only(cls: type[BaseModel]) -> bool:
    """Whether the only validator of ``cls`` is Ninja ``Schema``'s own (which wraps the input
    in a ``DjangoGetter``): no user validator, serializer or computed field."""
    decorators = cls.__pydantic_decorators__
    if (
        decorators.validators
        or decorators.field_validators
        or decorators.root_validators
        or decorators.field_serializers
        or decorators.model_serializers
        or decorators.computed_fields
    ):
        return False
    return all(name == "_run_root_validator" for name in decorators.model_validators)


def uncarried_decorators(cls: type[BaseModel]) -> list[str]:
    """What of ``cls`` a schema of some of its fields cannot carry over (``"@model_validator
    'check'"``...): model validators (but Ninja ``Schema``'s own), model serializers, v1
    ``@validator`` / ``@root_validator``: any of them may read any field."""
    decorators = cls.__pydantic_decorators__
    found = [
        f"@model_validator {name!r}"
        for name in decorators.model_validators
        if name != "_run_root_validator"
    ]
    found += [f"@model_serializer {name!r}" for name in decorators.model_serializers]
    found += [f"@validator {name!r}" for name in decorators.validators]
    found += [f"@root_validator {name!r}" for name in decorators.root_validators]
    return found


def carried_decorators(cls: type[BaseModel], kept: Collection[str]) -> dict[str, Any]:
    """The class namespace entries that carry ``cls``'s per-field decorators over to a schema
    holding the ``kept`` fields: each ``@field_validator`` / ``@field_serializer`` restricted
    to its kept fields (dropped when none is kept; ``"*"`` stays ``"*"``), and the
    ``@computed_field``s named in ``kept``."""
    decorators = cls.__pydantic_decorators__
    namespace: dict[str, Any] = {}
    for group in (decorators.field_validators, decorators.field_serializers):
        for name, dec in group.items():
            fields = tuple(f for f in dec.info.fields if f == "*" or f in kept)
            if not fields:
                continue
            info = dataclasses.replace(dec.info, fields=fields, check_fields=False)
            wrapped = inspect.getattr_static(cls, name)
            namespace[name] = PydanticDescriptorProxy(wrapped, info, dec.shim)
    for name, computed in decorators.computed_fields.items():
        if name in kept:
            wrapped = inspect.getattr_static(cls, name)
            namespace[name] = PydanticDescriptorProxy(wrapped, computed.info)
    return namespace


def unwrap_getter(data: Any) -> Any:
    """The object a Ninja ``Schema`` validator received, without its ``DjangoGetter``."""
    return getattr(data, "_obj", data)


# -- pydantic-core: the response wrapper's schema, rewritten to write Ninja's JSON ----------------

# Django's own text for these (what NinjaJSONEncoder writes), not pydantic's.
_django_format: Callable[[Any], Any] = DjangoJSONEncoder().default
_TEMPORAL = {
    kind: core_schema.plain_serializer_function_ser_schema(_django_format, when_used="json")
    for kind in ("datetime", "time", "timedelta")
}
# Leaf types whose pydantic JSON is what json.dumps(NinjaJSONEncoder) writes for them.
_SAME_JSON = {
    "str", "int", "bool", "none", "decimal", "date", "uuid", "literal", "url",
    "multi-host-url", "definition-ref",
}  # fmt: skip
# Nodes holding other schemas under these keys (validators, containers, defaults...).
_CONTAINERS = {
    "model", "model-fields", "model-field", "computed-field", "definitions", "list", "tuple",
    "set", "frozenset", "dict", "nullable", "default", "union", "tagged-union", "function-before",
    "function-after", "function-wrap", "lax-or-strict", "json-or-python", "chain",
    "custom-error",
}  # fmt: skip
# Keys holding values, not schemas (a default may be a dict with a "type" key).
_VERBATIM = {"metadata", "ref", "function", "default", "default_factory", "generic_origin"}


def same_float_text(value: float) -> bool:
    """Whether pydantic-core writes ``value`` as ``json.dumps`` does. Both write the shortest
    repr, but below 1e-4 pydantic-core has no exponent (``0.00001``, Python ``1e-05``) or a
    short one (``1e-9``, Python ``1e-09``), and some releases write ``1e16`` for ``1e+16``."""
    return value == 0 or 1e-4 <= abs(value) < 1e16 or value != value or abs(value) == _INF


_INF = float("inf")


def _float_json(value: float) -> float:
    if same_float_text(value):
        return value
    raise ValueError(f"{value!r} is written differently by json.dumps: Ninja renders it")


_FLOAT = core_schema.plain_serializer_function_ser_schema(
    _float_json, when_used="json", return_schema=core_schema.float_schema()
)
# NaN / Infinity, as json.dumps writes them
_INF_NAN: core_schema.CoreConfig = {"ser_json_inf_nan": "constants"}


class _Unsupported(Exception):
    """The schema has a node whose JSON may differ from Ninja's: keep Ninja's renderer."""


#: What ``to_json`` raises when a value cannot be written as Ninja writes it.
Unrepresentable = PydanticSerializationError


def json_serializer(response_model: type[BaseModel]) -> SchemaSerializer | None:
    """A serializer writing validated ``response_model`` instances as Ninja's JSON (Django's
    temporal formats, ``NaN`` as ``json.dumps``), or ``None`` when the schema has a node whose
    JSON may differ from Ninja's (a custom serializer, a plain ``Enum``, ``Any``...)."""
    try:
        return SchemaSerializer(_rewrite(response_model.__pydantic_core_schema__), _INF_NAN)
    except _Unsupported:
        return None


def _rewrite(node: Any) -> Any:
    """``node`` with Django's temporal formats; raises ``_Unsupported`` for unknown nodes."""
    if isinstance(node, list | tuple):
        return type(node)(_rewrite(item) for item in node)
    if not isinstance(node, dict):
        return node
    kind = node.get("type")
    if kind is None:  # a mapping of fields / choices / config: rewrite its values
        return {key: _rewrite(value) for key, value in node.items()}
    if "serialization" in node:  # the user's own serializer: Ninja calls it in python mode
        raise _Unsupported(kind)
    if kind in _TEMPORAL:
        return {**node, "serialization": _TEMPORAL[kind]}
    if kind == "float":  # a value json.dumps writes otherwise fails: Ninja renders
        return {**node, "serialization": _FLOAT}
    if kind == "enum":  # str/int enums are their value in both; a plain Enum is str(member)
        if node.get("sub_type") not in ("str", "int"):
            raise _Unsupported(kind)
        return node
    if kind in _SAME_JSON:
        return node
    if kind not in _CONTAINERS:
        raise _Unsupported(kind)
    if kind in ("union", "tagged-union") and _names_a_model(node):
        raise _Unsupported(kind)  # a union picks its model by class: see _stand_in()
    out = {}
    for key, value in node.items():
        if key in _VERBATIM:
            out[key] = value
        elif key == "cls" and kind == "model":
            out[key] = _stand_in(value)
        elif key == "config":
            out[key] = {**value, **_INF_NAN}
        else:
            out[key] = _rewrite(value)
    return out


def _stand_in(cls: type) -> type:
    """A plain class standing for model ``cls`` in the rewritten schema.

    pydantic-core reuses a complete model's own serializer for a ``model`` node naming its
    class (the rewritten fields would be ignored); a node naming another class is built from
    the schema. Outside unions the serializer does not check the value's class, so the
    validated instances of ``cls`` serialize through it unchanged.
    """
    return _stand_ins.setdefault(cls, type(cls.__name__, (), {"__module__": cls.__module__}))


# weak: a per-request schema (ninja_viewsets._sparse) is not kept alive by its stand-in
_stand_ins: weakref.WeakKeyDictionary[type, type] = weakref.WeakKeyDictionary()


def _names_a_model(node: Any) -> bool:
    if isinstance(node, dict):
        if node.get("type") in ("model", "definition-ref", "dataclass", "typed-dict"):
            return True
        return any(_names_a_model(v) for k, v in node.items() if k not in _VERBATIM)
    if isinstance(node, list | tuple):
        return any(_names_a_model(v) for v in node)
    return False


#: Serialization schemas of the leaf types the direct path writes (as Ninja's JSON).
LEAF_SCHEMAS: dict[Any, Any] = {
    int: core_schema.int_schema(),
    str: core_schema.str_schema(),
    bool: core_schema.bool_schema(),
    float: core_schema.float_schema(),
    Decimal: core_schema.decimal_schema(),
    date: core_schema.date_schema(),
    datetime: {"type": "datetime", "serialization": _TEMPORAL["datetime"]},
    time: {"type": "time", "serialization": _TEMPORAL["time"]},
    timedelta: {"type": "timedelta", "serialization": _TEMPORAL["timedelta"]},
    UUID: core_schema.uuid_schema(),
}


def before_schema(function: Callable[[Any], Any], schema: Any) -> Any:
    """``schema`` with ``function`` applied to the input first (a ``function-before`` node,
    which the rewritten serializer above supports)."""
    return core_schema.no_info_before_validator_function(function, schema)


def nullable_schema(schema: Any) -> Any:
    return core_schema.nullable_schema(schema)


def list_schema(schema: Any) -> Any:
    return core_schema.list_schema(schema)


def record_schema(fields: dict[str, Any]) -> Any:
    """A dict with these keys, each written by its schema (a plain schema's fields)."""
    return core_schema.typed_dict_schema(
        {name: core_schema.typed_dict_field(schema) for name, schema in fields.items()}
    )


def plain_serializer(schema: Any) -> SchemaSerializer:
    """A serializer of plain data built by the schemas above."""
    return SchemaSerializer(schema, _INF_NAN)
