"""Query plans derived from an output schema, so serialization never touches the database.

Ninja validates the response on the event loop; a lazy relation read there raises
``SynchronousOnlyOperation``. From the response schema we know which relations it reads, so we
load them up front: ``select_related`` for forward FK / one-to-one chains, ``prefetch_related``
for reverse FK and many-to-many (and everything under them). Plans are computed once per
(model, schema) pair and cached.
"""

from __future__ import annotations

import types
import typing
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Model, QuerySet
from pydantic import BaseModel

__all__ = ["EMPTY_PLAN", "QueryPlan", "get_plan", "load_relations", "plan_queryset"]


@dataclass(frozen=True)
class QueryPlan:
    """Relations a schema reads: ``select`` chains joined in SQL, ``prefetch`` lookups."""

    select: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()
    lookups: tuple[str, ...] = field(default=())  # every relation path, for instances

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


def _relation_paths(model: type[Model], schema: Any, depth: int = 0) -> list[tuple[str, bool]]:
    """``[(lookup path, crosses a many relation)]`` for every relation the schema reads."""
    if depth > 8 or not (isinstance(schema, type) and issubclass(schema, BaseModel)):
        return []
    paths: list[tuple[str, bool]] = []
    for name, info in schema.model_fields.items():
        source = info.validation_alias if isinstance(info.validation_alias, str) else None
        source = source or info.alias or name
        parts = source.split(".")
        if len(parts) > 1:  # Field(alias="author.name"): a dotted read through relations
            paths.extend(_dotted_path(model, parts[:-1]))
            continue
        try:
            fld = model._meta.get_field(name)
        except Exception:
            try:
                fld = model._meta.get_field(source)
            except Exception:
                continue
        if not fld.is_relation:
            continue
        if source == getattr(fld, "attname", None) and source != fld.name:
            continue  # ModelSchema's `author` read through `author_id`: no query
        inner, _ = _unwrap(info.annotation)
        many = bool(fld.many_to_many or fld.one_to_many)
        if many and inner in (int, str, uuid.UUID):
            raise ImproperlyConfigured(
                f"{schema.__name__}.{name} reads {model.__name__}.{fld.name} (a many relation) as "
                f"a list of {inner.__name__}, but the related objects are validated, not their "
                f"keys. Declare a nested schema (`{name}: list[{fld.related_model.__name__}Out]`) "
                f"or use a ModelSchema listing '{fld.name}' in Meta.fields (pk list)."
            )
        related = fld.related_model
        paths.append((fld.name, many))
        if isinstance(related, type):
            for sub, sub_many in _relation_paths(related, inner, depth + 1):
                paths.append((f"{fld.name}__{sub}", many or sub_many))
    return paths


def _dotted_path(model: type[Model], parts: list[str]) -> list[tuple[str, bool]]:
    paths, current, many, prefix = [], model, False, ""
    for part in parts:
        try:
            fld = current._meta.get_field(part)
        except Exception:
            break
        if not fld.is_relation or not isinstance(fld.related_model, type):
            break
        many = many or bool(fld.many_to_many or fld.one_to_many)
        prefix = f"{prefix}__{part}" if prefix else part
        paths.append((prefix, many))
        current = fld.related_model
    return paths


@cache
def get_plan(model: type[Model], schema: Any) -> QueryPlan:
    """The plan for serializing ``model`` instances with ``schema`` (cached)."""
    inner, _ = _unwrap(schema)
    paths = _relation_paths(model, inner)
    if not paths:
        return EMPTY_PLAN
    select = sorted({p for p, many in paths if not many})
    prefetch = sorted({p for p, many in paths if many})
    # keep only the deepest select chains (select_related("a__b") also joins "a")
    select = [p for p in select if not any(o.startswith(p + "__") for o in select)]
    prefetch = [p for p in prefetch if not any(o.startswith(p + "__") for o in prefetch)]
    lookups = sorted({p for p, _ in paths})
    lookups = [p for p in lookups if not any(o.startswith(p + "__") for o in lookups)]
    return QueryPlan(tuple(select), tuple(prefetch), tuple(lookups))


def plan_queryset(queryset: QuerySet[Any], plan: QueryPlan) -> QuerySet[Any]:
    """Apply ``plan`` on top of ``queryset``; the user's own select/prefetch stays as it is."""
    if not plan:
        return queryset
    qs = queryset
    existing_select = qs.query.select_related
    if plan.select and existing_select is not True:
        qs = qs.select_related(*plan.select)
    existing = {
        p if isinstance(p, str) else getattr(p, "prefetch_to", "")
        for p in getattr(qs, "_prefetch_related_lookups", ())
    }
    missing = [p for p in plan.prefetch if p not in existing]
    if missing:
        qs = qs.prefetch_related(*missing)
    return qs


async def load_relations(objs: Iterable[Any], plan: QueryPlan) -> None:
    """Load what ``plan`` needs onto instances an action built itself (cached ones skip)."""
    instances = [o for o in objs if isinstance(o, models.Model)]
    if plan and instances:
        from django.db.models import aprefetch_related_objects

        await aprefetch_related_objects(instances, *plan.lookups)
