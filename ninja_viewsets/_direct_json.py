"""Private: the direct path of the one-pass JSON renderer (``ninja_viewsets.renderers``).

A plain response schema (no validators, resolvers, aliases or constraints) over typed values is
written straight to JSON without Ninja's second validation; anything it cannot vouch for raises
``_Fallback`` and goes through Ninja's own rendering. See docs/performance.md.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from contextvars import ContextVar
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated, Any
from weakref import WeakSet

from django.db.models import Manager, QuerySet
from django.db.models.fields.related_descriptors import ReverseManyToOneDescriptor
from ninja import Schema
from pydantic import BaseModel

from ninja_viewsets._fields import FileURL, file_url, is_file_url
from ninja_viewsets._ninja import (
    LEAF_SCHEMAS,
    list_schema,
    ninja_validators_only,
    nullable_schema,
    record_schema,
    same_float_text,
    schema_resolvers,
)
from ninja_viewsets._related_keys import related_key_type

if TYPE_CHECKING:
    from ninja_viewsets.renderers import _Plan


Convert = Callable[[Any], Any]  # a response body to plain data (the direct path)


# -- the direct path: plain schemas over typed values, no second validation ---------------------
#
# A schema whose fields are plain types (``int``, ``str``, ``Decimal``, ``datetime``...,
# optional, nested plain schemas, lists of them) validates a value of exactly its type to that
# very value: reading the ORM's already-typed attributes and checking each value's type gives
# what validation would, at a fraction of its cost. Any value of another type, or a schema with
# anything more (validators, resolvers, aliases, constraints, computed fields, custom config),
# takes the validated path above instead.

# model_config keys that change nothing for a value of exactly the field's type.
_INERT_CONFIG = {
    "from_attributes", "title", "json_schema_extra", "populate_by_name", "validate_by_name",
    "protected_namespaces", "defer_build", "arbitrary_types_allowed", "extra",
}  # fmt: skip


class _Fallback(Exception):
    """A value is not what the plain path can vouch for: validate it instead."""


def _optional(annotation: Any) -> tuple[Any, bool]:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return rest[0], True
    return annotation, False


def _plain(annotation: Any, seen: frozenset[Any] = frozenset()) -> tuple[Convert, Any] | None:
    """(converter to plain data, its serialization schema) for ``annotation``, or ``None``."""
    inner, optional = _optional(annotation)
    if is_file_url(inner):  # a stored file: its URL, absolute for the request rendered
        return _file_leaf(optional), nullable_schema(
            LEAF_SCHEMAS[str]
        ) if optional else LEAF_SCHEMAS[str]
    key_type = related_key_type(inner)
    if key_type is not None:  # a related object, written as its key
        if key_type not in LEAF_SCHEMAS or key_type is float or optional:
            return None
        found: tuple[Convert, Any] | None = (_key_leaf(key_type), LEAF_SCHEMAS[key_type])
    elif inner in LEAF_SCHEMAS:
        found = (_leaf(inner, optional), LEAF_SCHEMAS[inner])
    elif typing.get_origin(inner) is list and len(typing.get_args(inner)) == 1:
        item = _plain(typing.get_args(inner)[0], seen)
        found = None if item is None else _list_of(*item)
    elif isinstance(inner, type) and issubclass(inner, BaseModel) and inner not in seen:
        found = _schema(inner, seen | {inner})
    else:
        return None
    if found is None or not optional:
        return found
    convert, schema = found

    def nullable(value: Any) -> Any:
        return None if value is None else convert(value)

    return nullable, nullable_schema(schema)


def _leaf(kind: type, optional: bool) -> Convert:
    """The value itself, when it is exactly of type ``kind`` (or ``None`` when optional)."""
    allowed = (kind, type(None)) if optional else (kind,)
    if kind is float:

        def float_leaf(value: Any) -> Any:
            if type(value) in allowed and (value is None or same_float_text(value)):
                return value
            raise _Fallback  # another type, or a float json.dumps writes otherwise (1e-05)

        return float_leaf

    def leaf(value: Any) -> Any:
        if type(value) in allowed:
            return value
        raise _Fallback

    return leaf


# the request the direct path renders for (a FileURL's absolute URL)
_rendering: ContextVar[Any] = ContextVar("ninja_viewsets_rendering", default=None)


def _file_leaf(optional: bool) -> Convert:
    """``FileURL``'s validator, without the validation: the same URL for the same request."""

    def file_leaf(value: Any) -> Any:
        url = file_url(value, _rendering.get())
        if url is None and not optional:  # validation refuses it: Ninja says how
            raise _Fallback
        return url

    return file_leaf


def _key_leaf(kind: type) -> Convert:
    def key(value: Any) -> Any:
        value = getattr(value, "pk", value)
        if type(value) is kind:
            return value
        raise _Fallback

    return key


def _list_of(convert: Convert, schema: Any) -> tuple[Convert, Any]:
    def items(value: Any) -> Any:
        if isinstance(value, Manager):  # a to-many relation: its prefetched rows
            value = value.all()
        if isinstance(value, list | tuple | QuerySet):
            return [convert(v) for v in value]
        raise _Fallback

    _LISTS.add(items)
    return items, list_schema(schema)


# the converters of lists (their attribute may be a to-many relation); kept while their schema is
_LISTS: WeakSet[Convert] = WeakSet()


def _prefetched_or(key: str) -> Callable[[Any], Any]:
    """``obj.<key>``; for a to-many relation ``prefetch_related()`` loaded, its prefetched rows
    without the related manager Django's descriptor builds on every access (its ``all()``
    returns those very rows). The prefetch cache holds a relation under its query name, which
    is ``key`` for a forward many-to-many and most reverse relations; for the others the
    descriptor runs, as before."""
    get = attrgetter(key)

    def prefetched(obj: Any) -> Any:
        cache = getattr(obj, "_prefetched_objects_cache", None)
        if cache is not None:
            rows = cache.get(key)
            if rows is not None and isinstance(
                getattr(type(obj), key, None), ReverseManyToOneDescriptor
            ):  # the relation's own descriptor (many-to-many: a subclass), not a property
                return rows
        return get(obj)

    return prefetched


def _schema(cls: type[BaseModel], seen: frozenset[Any]) -> tuple[Convert, Any] | None:
    if (
        not (issubclass(cls, Schema) or cls.model_config.get("from_attributes"))
        or schema_resolvers(cls)
        or not set(cls.model_config) <= _INERT_CONFIG
        or cls.model_config.get("extra", "ignore") != "ignore"  # "forbid" refuses a dict's extras
        or cls.__pydantic_root_model__
        or not ninja_validators_only(cls)
    ):
        return None
    fields: list[tuple[str, str, Convert]] = []
    schemas: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        source = info.validation_alias  # read from another attribute, written as `name`
        if source is not None and (not isinstance(source, str) or "." in source):
            return None
        annotation = info.annotation
        if info.metadata and is_file_url(Annotated[(annotation, *info.metadata)]):
            annotation = FileURL  # `cover: FileURL`: pydantic splits the Annotated
        elif info.metadata:
            return None
        if (
            info.alias is not None
            or info.serialization_alias is not None
            or info.discriminator is not None
            or info.exclude
        ):
            return None
        found = _plain(annotation, seen)
        if found is None:
            return None
        fields.append((name, source or name, found[0]))
        schemas[name] = found[1]
    getters = [
        (name, key, _prefetched_or(key) if conv in _LISTS else attrgetter(key), conv)
        for name, key, conv in fields
    ]

    def convert(value: Any) -> Any:
        if isinstance(value, dict):  # a paginator's page, or a dict an action built
            try:
                return {name: conv(value[key]) for name, key, _, conv in getters}
            except KeyError:
                raise _Fallback from None
        try:
            return {name: conv(get(value)) for name, _, get, conv in getters}
        except AttributeError:
            raise _Fallback from None

    return convert, record_schema(schemas)


def _direct_json(operation: Any, plan: _Plan, body: Any, request: Any = None) -> bytes | None:
    """``body`` as JSON by the plain path, or ``None`` (then it is validated)."""
    if plan.direct is None or (
        operation.by_alias
        or operation.exclude_unset
        or operation.exclude_defaults
        or operation.exclude_none
    ):
        return None
    convert, serializer = plan.direct
    token = _rendering.set(request)
    try:
        plain = convert(body)
    except Exception:  # _Fallback, or e.g. a relation not loaded: validation reports it as Ninja
        return None
    finally:
        _rendering.reset(token)
    return serializer.to_json(plain)
