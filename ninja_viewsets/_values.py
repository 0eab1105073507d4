"""Private: a write's values, from a validated schema to the model's fields, checked.

    concrete, many = model_values(Book, data)   # ({"title": ..., "author_id": 1}, {"tags": [1]})
    check_strings(view, Book, concrete)         # 422 at a field its column cannot store

The standard and bulk write mixins (``mixins``, ``bulk``) share these.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import Model
from django.urls import NoReverseMatch
from pydantic import BaseModel

from ninja_viewsets._async import is_async
from ninja_viewsets._db_errors import NUL_MESSAGE
from ninja_viewsets.exceptions import field_errors

__all__ = ["check_strings", "model_values"]


def model_values(
    model: type[Model], data: BaseModel, *, partial: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split validated ``data`` into (concrete field values, many-to-many values) for ``model``.

    Keys are schema field names: ``author`` (a pk) and ``author_id`` both set the foreign key.
    With ``partial`` only the fields the client sent are returned.
    """
    concrete: dict[str, Any] = {}
    many: dict[str, Any] = {}
    for name, value in data.model_dump(exclude_unset=partial).items():
        target = _target(model, name)
        if target is None:
            raise ImproperlyConfigured(
                f"{type(data).__name__}.{name} is not a field of {model.__name__}: remove it "
                f"from the schema or override perform_create()/perform_update() to use it."
            ) from None
        kind, key, fld = target
        if kind is _CONCRETE:
            concrete[key] = value
        elif kind is _MANY:
            many[key] = value
        elif kind is _RELATION:
            concrete[fld.name if isinstance(value, Model) else key] = value
        else:
            raise ImproperlyConfigured(
                f"{type(data).__name__}.{name} maps to {model.__name__}.{fld.name}, which cannot "
                f"be written directly; override perform_create()/perform_update()."
            )
    return concrete, many


_CONCRETE, _RELATION, _MANY, _READ_ONLY = "concrete", "relation", "many", "read-only"


@lru_cache(maxsize=4096)
def _target(model: type[Model], name: str) -> tuple[str, str, Any] | None:
    """Where a schema key's value goes (once per model and key): ``(kind, key, field)``, the
    key of a concrete field's value (a foreign key's ``attname`` for its id), of a
    many-to-many's list, or ``None`` when ``name`` is no field of ``model``."""
    fld = _field(model, name)
    if fld is None:
        return None
    if fld.many_to_many:
        return _MANY, fld.name, fld
    if fld.is_relation and fld.concrete:
        return _RELATION, fld.attname, fld
    if fld.concrete:
        return _CONCRETE, getattr(fld, "attname", name) if name != fld.name else fld.name, fld
    return _READ_ONLY, fld.name, fld


@lru_cache(maxsize=4096)
def _max_length(model: type[Model], key: str) -> int | None:
    return getattr(_field(model, key), "max_length", None)


def _field(model: type[Model], name: str) -> Any:
    """The model field a schema key names (its name, or a foreign key's ``attname``)."""
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return next((f for f in model._meta.concrete_fields if f.attname == name), None)


def _merge(
    model: type[Model], concrete: dict[str, Any], many: dict[str, Any], values: dict[str, Any]
) -> None:
    """Add a hook's extra ``values`` (``owner=request.user``) over the validated data."""
    for name, value in values.items():
        fld = _field(model, name)
        if fld is None:
            raise ImproperlyConfigured(f"{name!r} is not a field of {model.__name__}.")
        if fld.many_to_many:
            many[fld.name] = value
            continue
        concrete.pop(fld.name, None)
        concrete.pop(fld.attname, None)
        concrete[name] = value


def _body_loc(view: Any) -> tuple[str, str]:
    return ("body", getattr(view, "body_param", None) or "payload")


def check_strings(view: Any, model: type[Model], concrete: dict[str, Any]) -> None:
    """422 at the field, before the write, for a string its column cannot store: one over
    the field's ``max_length`` (PostgreSQL refuses it without naming the column; SQLite would
    store it), or one with a NUL character (refused by PostgreSQL; by DRF everywhere)."""
    errors = []
    for name, value in concrete.items():
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            errors.append((name, "null_characters", NUL_MESSAGE))
            continue
        max_length = _max_length(model, name)
        if max_length is not None and len(value) > max_length:
            message = f"Ensure this value has at most {max_length} characters."
            errors.append((name, "string_too_long", message))
    if errors:
        raise field_errors(errors, _body_loc(view))


def _chain(view: Any, first: Callable[[], Any], then: Callable[[Any, Any], Any]) -> Any:
    return then(view, first())


def _returned_none(view: Any, hook: str, example: str) -> ImproperlyConfigured:
    if is_async(getattr(view, hook)):
        saved, through = f"`return await {example}`", f"`await super().{hook}(...)`"
    else:  # a def hook: the sync ORM, and the library's hook without await
        sync_example = example.replace(".acreate(", ".create(")
        saved, through = f"`return {sync_example}`", f"`super().{hook}(...)`"
    return ImproperlyConfigured(
        f"{type(view).__name__}.{hook}() returned None: return the object it saved "
        f"({saved}), or save through {through}, whose object then is the response. The write "
        "was rolled back."
    )


def _detail_url(view: Any, instance: Any) -> str | None:
    """The absolute URL of ``instance``'s detail route, or ``None`` without one."""
    lookup_field = getattr(view, "lookup_field", "pk")
    value: Any = instance
    for part in lookup_field.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    kwarg = getattr(view, "lookup_url_kwarg", None) or lookup_field
    try:
        return str(view.reverse_action("detail", kwargs={kwarg: value}))
    except NoReverseMatch:
        return None
