"""Private: the schema side of sparse fieldsets (see ``ninja_viewsets._sparse``).

What a client may choose, read from the output schema and ``expandable_fields`` at
``register()`` (``_Level`` / ``_Expansion``), and the schemas built from a choice: the one
OpenAPI documents (``documented_schema``) and the one a request renders (``_make_schema``).
"""

from __future__ import annotations

import copy
import functools
import inspect
import operator
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import Model
from ninja import Schema
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ninja_viewsets._ninja import (
    carried_decorators,
    schema_field_type,
    uncarried_decorators,
)
from ninja_viewsets._planning import unwrap
from ninja_viewsets._types import list_of

EXPAND_PARAM = "expand"
_MAX_DEPTH = 6


# -- what a client may choose -------------------------------------------------------------------


@dataclass(eq=False)
class _Expansion:
    """An expandable relation: its schema when expanded, its key(s) when not."""

    level: _Level
    many: bool
    null: bool
    attname: str  # a forward relation's id attribute (author_id); a many relation's name
    key_type: Any  # the related model's key type


@dataclass(eq=False)
class _Level:
    """One level of a representation: a schema over a model."""

    schema: type[BaseModel]
    model: type[Model]
    names: tuple[str, ...]  # every field, in order: the schema's, computed, expandable ones
    nested: dict[str, _Level] = field(default_factory=dict)  # declared nested schemas
    expand: dict[str, _Expansion] = field(default_factory=dict)
    computed: frozenset[str] = frozenset()  # the schema's @computed_field names

    def child(self, name: str, expanded: bool) -> _Level | None:
        if name in self.expand:
            return self.expand[name].level if expanded else None
        return self.nested.get(name)


def _relation(model: type[Model], name: str) -> Any:
    try:
        fld = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return fld if fld.is_relation and isinstance(fld.related_model, type) else None


def _check_schema(owner: str, schema: type[BaseModel]) -> None:
    found = uncarried_decorators(schema)
    if found:
        raise ImproperlyConfigured(
            f"{owner}: sparse fields and expansion build the response schema from the fields "
            f"a client chooses, and {schema.__name__}'s {', '.join(found)} may read any field, "
            f"chosen or not. Move its logic into @field_validator / @field_serializer / "
            f"resolve_<field> methods (kept with their field) or a @computed_field, or turn "
            f"sparse_fields / expandable_fields off for this action (get_sparse_fields() / "
            f"get_expandable_fields() on self.action)."
        )


def _build_level(
    owner: str,
    model: type[Model],
    schema: type[BaseModel],
    expandable: Mapping[str, Any],
    path: str,
    depth: int,
) -> _Level:
    _check_schema(owner, schema)
    own = {k: v for k, v in expandable.items() if "." not in k}
    deeper: dict[str, dict[str, Any]] = {}
    for key, value in expandable.items():
        if "." in key:
            head, rest = key.split(".", 1)
            deeper.setdefault(head, {})[rest] = value
    expand: dict[str, _Expansion] = {}
    for name, target in own.items():
        fld = _relation(model, name)
        where = f"{path}{name}"
        if fld is None or (fld.one_to_one and not fld.concrete):
            raise ImproperlyConfigured(
                f"{owner}.expandable_fields[{where!r}]: {model.__name__} has no forward "
                f"foreign key, many-to-many or reverse foreign key named {name!r}."
            )
        inner, many = unwrap(target)
        to_many = bool(fld.many_to_many or fld.one_to_many)
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)) or many != to_many:
            shape = f"list[{fld.related_model.__name__}Out]" if to_many else "AuthorOut"
            raise ImproperlyConfigured(
                f"{owner}.expandable_fields[{where!r}] must be the schema {name!r} expands to"
                f"{' (a list: a many relation)' if to_many else ''}, e.g. {shape!r}; got "
                f"{target!r}."
            )
        if depth >= _MAX_DEPTH:
            raise ImproperlyConfigured(f"{owner}.expandable_fields[{where!r}]: too deep.")
        related = fld.related_model
        pk = related._meta.pk
        key_type = _python_type(fld.target_field if not to_many else pk)
        level = _build_level(owner, related, inner, deeper.pop(name, {}), f"{where}.", depth + 1)
        attname = fld.attname if not to_many else fld.name
        expand[name] = _Expansion(
            level, to_many, bool(getattr(fld, "null", False)), attname, key_type
        )
    nested: dict[str, _Level] = {}
    for name, info in schema.model_fields.items():
        if name in expand or depth >= _MAX_DEPTH:
            continue
        inner, _ = unwrap(info.annotation)
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            continue
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        fld = _relation(model, alias or name)
        if fld is None or uncarried_decorators(inner):  # kept whole, as declared
            continue
        sub = deeper.pop(name, {})
        nested[name] = _build_level(
            owner, fld.related_model, inner, sub, f"{path}{name}.", depth + 1
        )
    if deeper:
        first = sorted(deeper)[0]
        raise ImproperlyConfigured(
            f"{owner}.expandable_fields[{path}{first}.…]: {first!r} is neither expandable nor "
            f"a nested schema field of {schema.__name__}; expand {path}{first!r} first."
        )
    computed = tuple(n for n in schema.model_computed_fields if n not in schema.model_fields)
    own_names = (*schema.model_fields, *computed)
    names = own_names + tuple(n for n in expand if n not in own_names)
    return _Level(schema, model, names, nested, expand, frozenset(computed))


def _python_type(fld: Any) -> Any:
    """The Python type of a key column (``int`` for ``AutoField``...)."""
    return schema_field_type(fld)


def _field_paths(level: _Level, prefix: str = "") -> list[str]:
    paths = []
    for name in level.names:
        paths.append(f"{prefix}{name}")
        sub = level.child(name, expanded=True)
        if sub is not None:
            paths.extend(_field_paths(sub, f"{prefix}{name}."))
    return paths


def _expand_paths(level: _Level, prefix: str = "") -> list[str]:
    paths = []
    for name in level.names:
        if name in level.expand:
            paths.append(f"{prefix}{name}")
            paths.extend(_expand_paths(level.expand[name].level, f"{prefix}{name}."))
        elif name in level.nested:
            paths.extend(_expand_paths(level.nested[name], f"{prefix}{name}."))
    return paths


# -- the schemas: documented (OpenAPI) and per request ------------------------------------------


def _make_schema(
    level: _Level,
    fields: dict[str, tuple[Any, FieldInfo | None]],
    name: str,
    computed: Iterable[str] = (),
) -> type[BaseModel]:
    """A schema over ``level``'s model with exactly ``fields`` and ``computed`` fields; the
    resolvers, field validators and serializers of those fields and the config kept."""
    base = level.schema
    namespace: dict[str, Any] = {
        "__annotations__": {key: annotation for key, (annotation, _) in fields.items()},
        "__module__": base.__module__,
        "__doc__": base.__doc__,
        "model_config": dict(base.model_config),
    }
    for key, (_, info) in fields.items():
        if info is not None:
            namespace[key] = info
        resolver = inspect.getattr_static(base, f"resolve_{key}", None)
        if resolver is not None:
            namespace[f"resolve_{key}"] = resolver
    namespace.update(carried_decorators(base, {*fields, *computed}))
    bases: tuple[type, ...] = (Schema,) if issubclass(base, Schema) else (BaseModel,)
    return typing.cast(
        type[BaseModel], types.new_class(name, bases, {}, lambda ns: ns.update(namespace))
    )


def _copied(info: FieldInfo, **changes: Any) -> FieldInfo:
    """A copy of ``info`` with ``changes`` (``annotation=None``: the class annotation wins)."""
    new = copy.copy(info)
    attributes = dict(getattr(info, "_attributes_set", {}))  # what pydantic merges from
    for key, value in changes.items():
        setattr(new, key, value)
        if key == "annotation" and value is None:
            attributes.pop(key, None)
        else:
            attributes[key] = value
    new._attributes_set = attributes
    return new


def substitute(tp: Any, old: Any, new: Any, memo: dict[Any, Any] | None = None) -> Any:
    """``tp`` with ``old`` replaced by ``new`` (in ``list[...]``, ``X | None``, page schemas)."""
    if tp is old:
        return new
    args = typing.get_args(tp)
    origin = typing.get_origin(tp)
    if origin is list and len(args) == 1:
        return list_of(substitute(args[0], old, new, memo))
    if origin in (typing.Union, types.UnionType):
        return functools.reduce(operator.or_, [substitute(a, old, new, memo) for a in args])
    if origin is typing.Annotated:
        return typing.Annotated[(substitute(args[0], old, new, memo), *tp.__metadata__)]
    if isinstance(tp, type) and issubclass(tp, BaseModel) and _mentions(tp, old):
        memo = {} if memo is None else memo
        if tp not in memo:
            changed = {
                name: (substitute(info.annotation, old, new, memo), _copied(info, annotation=None))
                for name, info in tp.model_fields.items()
                if _mentions_annotation(info.annotation, old)
            }
            namespace: dict[str, Any] = {"__annotations__": {k: a for k, (a, _) in changed.items()}}
            namespace.update({k: i for k, (_, i) in changed.items()})
            namespace["__module__"] = tp.__module__
            memo[tp] = types.new_class(tp.__name__, (tp,), {}, lambda ns: ns.update(namespace))
        return memo[tp]
    return tp


def _mentions_annotation(tp: Any, old: Any) -> bool:
    if tp is old:
        return True
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _mentions(tp, old)
    return any(_mentions_annotation(a, old) for a in typing.get_args(tp))


def _mentions(model: type[BaseModel], old: Any) -> bool:
    return any(_mentions_annotation(i.annotation, old) for i in model.model_fields.values())


_documented: dict[Any, type[BaseModel]] = {}


def _signature(level: _Level) -> Any:
    return (
        level.schema,
        tuple((n, e.many, _signature(e.level)) for n, e in level.expand.items()),
        tuple((n, _signature(s)) for n, s in level.nested.items()),
    )


def _changes(level: _Level) -> bool:
    return bool(level.expand) or any(_changes(s) for s in level.nested.values())


def documented_schema(level: _Level, optional: bool) -> type[BaseModel]:
    """The schema OpenAPI shows: every field optional when sparse fields are on; an expandable
    relation as its key(s) or its schema. One class per configuration (component names)."""
    if not optional and not _changes(level):
        return level.schema
    key = (_signature(level), optional)
    if key in _documented:
        return _documented[key]
    fields: dict[str, tuple[Any, FieldInfo | None]] = {}
    for name in level.names:
        if name in level.computed:
            continue  # carried over by _make_schema (read-only: never required)
        if name in level.expand:
            exp = level.expand[name]
            sub = documented_schema(exp.level, optional)
            if exp.many:
                annotation: Any = list_of(exp.key_type) | list_of(sub)
            else:
                annotation = exp.key_type | sub
                if exp.null:
                    annotation = annotation | None
            info = FieldInfo(description=f"Its key; the object with ?{EXPAND_PARAM}={name}.")
        else:
            original = level.schema.model_fields[name]
            annotation = original.annotation
            if name in level.nested:
                nested = level.nested[name]
                annotation = substitute(
                    annotation, nested.schema, documented_schema(nested, optional)
                )
            info = _copied(original, annotation=None)
        if optional:
            info = _copied(info, default=None, default_factory=None)
        fields[name] = (annotation, info)
    suffix = ("Sparse" if optional else "") + ("Expandable" if level.expand else "")
    name = f"{level.schema.__name__}{suffix}"
    schema = _documented[key] = _make_schema(level, fields, name, level.computed)
    return schema
