"""Query plans derived from an output schema, so serialization never touches the database.

Ninja validates the response on the event loop; a lazy relation read there raises
``SynchronousOnlyOperation``. From the response schema we know what it reads, so we load it up
front, in a constant number of queries whatever the number of rows:

- ``select_related`` for forward FK / one-to-one chains (one JOIN, no extra query);
- ``Prefetch`` for reverse FK and many-to-many lists, its queryset shaped the same way
  (recursively), one query per prefetched relation;
- ``only()`` for the columns the schema reads, where every field maps to a column (a schema
  with resolvers, properties or dotted aliases keeps all columns). Columns are narrowed only
  where nothing but serialization reads the rows: lists and the re-fetch after a write.

Plans are computed once per (model, schema) pair at registration and cached; they are put to
work (on a queryset, on instances already built) by ``ninja_viewsets._loading``.
"""

from __future__ import annotations

import types
import typing
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import Model, Prefetch, QuerySet
from pydantic import BaseModel

from ninja_viewsets._ninja import schema_resolvers
from ninja_viewsets._object_queries import PlannedPrefetch
from ninja_viewsets._related_keys import related_key_type

__all__ = [
    "EMPTY_PLAN",
    "QueryPlan",
    "get_plan",
    "unwrap",
]


@dataclass(frozen=True)
class QueryPlan:
    """What serializing one schema needs: joins, prefetches, columns (``None``: all)."""

    select: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()  # relation paths, for instances an action built itself
    prefetch_objects: tuple[Prefetch, ...] = field(default=(), compare=False)
    only: tuple[str, ...] | None = None
    lookups: tuple[str, ...] = ()
    # serializing runs user code (a resolver, a property) that may read the database: render
    # where the sync ORM is allowed (one thread hop), never on the event loop
    sync: bool = False

    def __bool__(self) -> bool:
        return bool(self.select or self.prefetch)


EMPTY_PLAN = QueryPlan()


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """``Optional[list[X]]`` -> ``(X, True)``; returns the inner type and whether it is a list."""
    many = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation, many
            annotation = args[0]
        elif origin in (list, set, tuple, frozenset, typing.Sequence, Iterable) or (
            isinstance(origin, type) and issubclass(origin, list | set | tuple)
        ):
            item_args = typing.get_args(annotation)
            if not item_args:
                return annotation, True
            annotation, many = item_args[0], True
        else:
            return annotation, many


unwrap = _unwrap


@dataclass
class _Node:
    """The plan of one (model, schema) level."""

    model: type[Model]
    columns: set[str] = field(default_factory=set)
    exact: bool = True  # every schema field maps to a column or a planned relation
    joins: dict[str, _Node] = field(default_factory=dict)  # forward FK / one-to-one
    many: dict[str, _Node | None] = field(default_factory=dict)  # reverse FK / M2M
    paths: list[tuple[str, bool]] = field(default_factory=list)  # dotted reads (no shaping)
    user_code: bool = False  # resolvers or attributes that are not fields (properties...)


def _is_schema(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _has_resolvers(schema: type[BaseModel]) -> bool:
    return bool(schema_resolvers(schema)) or any(
        name.startswith("resolve_") for name in dir(schema)
    )


def _build(model: type[Model], schema: Any, depth: int = 0) -> _Node:
    node = _Node(model)
    if depth > 8 or not _is_schema(schema):
        node.exact = False
        return node
    if _has_resolvers(schema):
        node.exact, node.user_code = False, True
    for name, info in schema.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else None
        source = alias or info.alias or name
        if "." in source:  # Field(alias="author.name"): a dotted read through relations
            node.exact = False
            node.paths.extend(_dotted_path(model, source.split(".")[:-1]))
            continue
        fld = _get_field(model, source) or _get_field(model, name)
        if fld is None:  # a property, method or annotation: keep every column
            node.exact, node.user_code = False, True
            continue
        if not fld.is_relation or (source == getattr(fld, "attname", None) and source != fld.name):
            node.columns.add(fld.attname if source == getattr(fld, "attname", None) else fld.name)
            continue
        inner, _ = _unwrap(info.annotation)
        related = fld.related_model
        if not isinstance(related, type):
            node.exact = False
            continue
        if fld.many_to_many or fld.one_to_many:
            if inner in (int, str, uuid.UUID):
                raise ImproperlyConfigured(
                    f"{schema.__name__}.{name} reads {model.__name__}.{fld.name} (a many "
                    f"relation) as a list of {inner.__name__}, but the related objects are "
                    f"validated, not their keys. Declare a nested schema (`{name}: "
                    f"list[{related.__name__}Out]`) or use a ModelSchema listing '{fld.name}' "
                    f"in Meta.fields (a pk list)."
                )
            if related_key_type(inner) is not None:  # the related keys: one column
                node.many[fld.name] = _Node(related)
            else:
                node.many[fld.name] = (
                    _build(related, inner, depth + 1) if _is_schema(inner) else None
                )
        else:
            node.columns.add(fld.name)  # the FK column itself, to join through it
            if _is_schema(inner):
                node.joins[fld.name] = _build(related, inner, depth + 1)
            else:
                node.joins[fld.name] = _Node(related, exact=False)
    return node


def _get_field(model: type[Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return next((f for f in model._meta.concrete_fields if f.attname == name), None)


def _dotted_path(model: type[Model], parts: list[str]) -> list[tuple[str, bool]]:
    paths: list[tuple[str, bool]] = []
    current, many, prefix = model, False, ""
    for part in parts:
        fld = _get_field(current, part)
        if fld is None or not fld.is_relation or not isinstance(fld.related_model, type):
            break
        many = many or bool(fld.many_to_many or fld.one_to_many)
        prefix = f"{prefix}__{part}" if prefix else part
        paths.append((prefix, many))
        current = fld.related_model
    return paths


def _selects(node: _Node, prefix: str = "") -> list[str]:
    chains = []
    for name, child in node.joins.items():
        path = f"{prefix}{name}"
        deeper = _selects(child, f"{path}__")
        chains.extend(deeper or [path])
    return chains


def _covers_all(node: _Node) -> bool:
    """The schema reads every column of ``node`` and of its joins: ``only()`` would gain
    nothing (and cost query building per request)."""
    pk = node.model._meta.pk
    have = {*node.columns, pk.name if pk is not None else "pk"}
    return all(
        f.name in have or f.attname in have for f in node.model._meta.concrete_fields
    ) and all(_covers_all(child) for child in node.joins.values())


def _columns(node: _Node, prefix: str = "") -> list[str] | None:
    """``only()`` arguments for ``node`` and its joins, or ``None`` when not exact."""
    if not node.exact:
        return None
    pk = node.model._meta.pk
    assert pk is not None
    cols = {f"{prefix}{pk.name}", *(f"{prefix}{c}" for c in node.columns)}
    for name, child in node.joins.items():
        sub = _columns(child, f"{prefix}{name}__")
        if sub is None:
            return None
        cols.update(sub)
    return sorted(cols)


def _prefetches(node: _Node, prefix: str = "") -> list[Prefetch]:
    """``Prefetch`` objects for every many relation under ``node`` (and under its joins)."""
    result: list[Prefetch] = []
    for name, child in node.joins.items():
        result.extend(_prefetches(child, f"{prefix}{name}__"))
    for name, many_child in node.many.items():
        fld = node.model._meta.get_field(name)
        related: Any = fld.related_model
        queryset = related._default_manager.all()
        if many_child is not None:
            queryset = _shape(queryset, many_child, back=fld)
        result.append(PlannedPrefetch(f"{prefix}{name}", queryset=queryset))
    return result


def _shape(queryset: QuerySet[Any], node: _Node, back: Any = None) -> QuerySet[Any]:
    selects = _selects(node)
    if selects:
        queryset = queryset.select_related(*selects)
    prefetches = _prefetches(node)
    if prefetches:
        queryset = queryset.prefetch_related(*prefetches)
    columns = _columns(node)
    if columns is not None:
        if back is not None and back.one_to_many:  # the child's FK back to the parent
            columns.append(back.field.name)
        queryset = queryset.only(*columns)
    return queryset


def _many_paths(node: _Node, prefix: str = "", under_many: bool = False) -> list[tuple[str, bool]]:
    paths: list[tuple[str, bool]] = []
    for name, child in node.joins.items():
        path = f"{prefix}{name}"
        paths.append((path, under_many))
        paths.extend(_many_paths(child, f"{path}__", under_many))
    for name, mchild in node.many.items():
        path = f"{prefix}{name}"
        paths.append((path, True))
        if mchild is not None:
            paths.extend(_many_paths(mchild, f"{path}__", True))
    for path, many in node.paths:
        paths.append((f"{prefix}{path}", under_many or many))
    return paths


def _deepest(paths: Iterable[str]) -> tuple[str, ...]:
    unique = sorted(set(paths))
    return tuple(p for p in unique if not any(o.startswith(p + "__") for o in unique))


@cache
def get_plan(model: type[Model], schema: Any) -> QueryPlan:
    """The plan for serializing ``model`` instances with ``schema`` (cached)."""
    inner, _ = _unwrap(schema)
    if not _is_schema(inner):
        return EMPTY_PLAN
    node = _build(model, inner)
    paths = _many_paths(node)
    select = _selects(node)
    dotted_select = [p for p, many in node.paths if not many]
    dotted_prefetch = [p for p, many in node.paths if many]
    prefetch_objects = _prefetches(node)
    prefetch_objects += [PlannedPrefetch(p) for p in _deepest(dotted_prefetch)]
    return QueryPlan(
        select=_deepest([*select, *dotted_select]),
        prefetch=tuple(p.prefetch_to for p in prefetch_objects),
        prefetch_objects=tuple(prefetch_objects),
        only=None if _covers_all(node) or (cols := _columns(node)) is None else tuple(cols),
        lookups=_deepest(p for p, _ in paths),
        sync=_runs_user_code(node),
    )


def _runs_user_code(node: _Node) -> bool:
    return (
        node.user_code
        or any(_runs_user_code(child) for child in node.joins.values())
        or any(child is not None and _runs_user_code(child) for child in node.many.values())
    )
