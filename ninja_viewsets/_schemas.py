"""Private: schemas derived from a model, validating as the model does (DRF's ModelSerializer).

    BookOut = derived_output(Book)          # every field; the pk required; files as their URL
    BookIn = derived_input(Book)            # the writable fields, each with the model's rules
    BookInPatch = patch_schema_for(BookIn)  # every field optional, the rules kept

What the input schema enforces before anything is written:

- ``choices`` (``TextChoices`` / ``IntegerChoices`` too): one of the values (an inline
  ``enum`` in OpenAPI, so two apps' ``Status`` never share a component);
- ``max_length``, ``max_digits`` / ``decimal_places``, the validators that have a JSON Schema
  equivalent (min/max value and length, regex, email, URL), non-empty strings unless
  ``blank=True``; then every validator of the model field runs (custom ones too), each
  failure a 422 at its field;
- ``default`` or ``blank`` or ``null``: optional (the model's default fills it); ``null``:
  nullable; the primary key, ``auto_now`` / ``auto_now_add`` and ``editable=False`` fields are
  output-only;
- ``FileField`` / ``ImageField``: an upload (``multipart/form-data``), never a path string.
"""

from __future__ import annotations

import copy
import enum
import re
import typing
from functools import cache
from typing import Annotated, Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.utils.text import capfirst
from ninja import Schema
from pydantic import (
    BaseModel,
    ConfigDict,
    WithJsonSchema,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ninja_viewsets._fields import (
    FileURL,
    _input_field,
    _output_field,
    _output_fields,
    file_fields,
    writable_fields,
)
from ninja_viewsets._ninja import unwrap_getter

__all__ = [
    "DERIVED",
    "FileURL",
    "check_component_names",
    "derived_input",
    "derived_output",
    "file_fields",
    "is_derived",
    "patch_schema_for",
    "writable_fields",
]

DERIVED = "__ninja_viewsets_derived__"  # class attribute: the model a schema was derived from


class DerivedSchema(Schema):
    """Base of every derived schema: Django's regexes are Python regexes."""

    model_config = ConfigDict(regex_engine="python-re")


def is_derived(cls: Any) -> bool:
    """True for a schema this module built (not one the user wrote)."""
    return isinstance(cls, type) and DERIVED in cls.__dict__


# -- schemas ---------------------------------------------------------------------------------


def _create(name: str, model: type[Model], fields: dict[str, Any], doc: str) -> type[Schema]:
    schema = create_model(name, __base__=DerivedSchema, __module__=model.__module__, **fields)
    setattr(schema, DERIVED, model)
    schema.__doc__ = doc
    return schema


_derived_names: dict[str, type[Model]] = {}  # every name a derived schema took, its model


def derived_name(model: type[Model], kind: str) -> str:
    """The component name of a derived schema, drf-spectacular's way: ``Book`` (output),
    ``BookRequest`` (input), ``PatchedBookRequest`` (partial update). Another app's model of the
    same name gets its app label in front (``ShopBook``), so two never share a component."""
    base = model._meta.object_name or model.__name__
    prefix = "Patched" if kind == "patch" else ""
    suffix = "Request" if kind in ("input", "patch") else ""
    name = f"{prefix}{base}{suffix}"
    if _derived_names.setdefault(name, model) is not model:
        label = model._meta.app_label.title().replace("_", "")
        name = f"{prefix}{label}{base}{suffix}"
        _derived_names.setdefault(name, model)
    return name


@cache
def derived_output(model: type[Model]) -> type[Schema]:
    """Every field of ``model`` (many-to-many as key lists), as responses carry them."""
    fields = {fld.name: _output_field(fld) for fld in _output_fields(model)}
    name = derived_name(model, "output")
    return _create(name, model, fields, f"A {model._meta.verbose_name}.")


@cache
def derived_input(model: type[Model]) -> type[Schema]:
    """The writable fields of ``model``, validated as the model validates them."""
    fields = {fld.name: _input_field(fld) for fld in writable_fields(model)}
    return _create(
        derived_name(model, "input"),
        model,
        fields,
        f"The writable fields of a {model._meta.verbose_name}.",
    )


# -- partial updates -------------------------------------------------------------------------

_patch_cache: dict[type[BaseModel], type[BaseModel]] = {}


def _object_only(cls: type[BaseModel], data: Any) -> Any:
    """A patch is a JSON object: every field being optional, ``[]`` would pass as ``{}``."""
    raw = unwrap_getter(data)  # Ninja's Schema wraps the input (DjangoGetter) first
    if not isinstance(raw, dict):
        raise PydanticCustomError("model_type", "Input should be an object")
    return data


def patch_schema_for(schema: type[BaseModel]) -> type[BaseModel]:
    """``schema`` with every field optional: omitted fields stay unset, constraints are kept.

    An explicit ``null`` is accepted only where the field's own type allows ``None``.
    """
    if schema in _patch_cache:
        return _patch_cache[schema]
    fields: dict[str, Any] = {}
    for name, info in schema.model_fields.items():
        optional = copy.copy(info)
        optional.default = None
        optional.default_factory = None
        fields[name] = (info.annotation, optional)
    validators: dict[str, Any] = {"_object_only": model_validator(mode="before")(_object_only)}
    model = schema.__dict__.get(DERIVED)
    name = derived_name(model, "patch") if model is not None else f"{schema.__name__}Patch"
    patch = create_model(name, __base__=schema, __validators__=validators, **fields)
    if model is not None:
        setattr(patch, DERIVED, model)
    _patch_cache[schema] = patch
    return patch


# -- unique fields ---------------------------------------------------------------------------

_UNIQUE_COLUMNS = (
    re.compile(r"UNIQUE constraint failed: (?P<cols>[\w., ]+)"),  # SQLite
    re.compile(r"Key \((?P<cols>[^)]+)\)=.*already exists"),  # PostgreSQL
)


def unique_field_error(view: Any, error: Exception) -> Any:
    """A 422 at the field when ``error`` is the violation of one unique field written through
    a derived body schema (its fields are the model's), else ``None``: several columns
    (``unique_together``) and the user's own schemas stay the 409 of the exception handler.
    """
    from ninja_viewsets.exceptions import ValidationFailed

    body = getattr(view, "body_param", None)
    payload = (getattr(view, "params", None) or {}).get(body) if body else None
    get_model = getattr(view, "get_model", None)
    model = get_model() if get_model is not None else None
    if model is None or payload is None or not is_derived(type(payload)):
        return None
    for pattern in _UNIQUE_COLUMNS:
        match = pattern.search(str(error))
        if match is None:
            continue
        columns = [c.strip().strip('"').rsplit(".", 1)[-1] for c in match.group("cols").split(",")]
        if len(columns) != 1:
            return None
        fld = next((f for f in model._meta.concrete_fields if f.column == columns[0]), None)
        if fld is None or not fld.unique or fld.primary_key:
            return None
        message = fld.error_messages["unique"] % {
            "model_name": capfirst(model._meta.verbose_name),
            "field_label": capfirst(fld.verbose_name),
        }
        return ValidationFailed(
            [{"type": "unique", "loc": ["body", body, fld.name], "msg": str(message)}]
        )
    return None


# -- component names -------------------------------------------------------------------------


@cache
def _components_of(root: type[BaseModel]) -> tuple[type, ...]:
    """``root`` and every model and enum its fields name, recursively: OpenAPI components."""
    found: dict[type, None] = {}

    def walk(tp: Any) -> None:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp in found:
                return
            found[tp] = None
            for info in tp.model_fields.values():
                walk(info.annotation)
        elif isinstance(tp, type) and issubclass(tp, enum.Enum):
            found.setdefault(tp, None)
        else:
            for arg in typing.get_args(tp):
                walk(arg)

    walk(root)
    return tuple(found)


def _describe(cls: type) -> str:
    model = cls.__dict__.get(DERIVED)
    if model is not None:
        return f"the schema derived from {model._meta.label} (no schema set on the viewset)"
    return f"{cls.__module__}.{cls.__qualname__}"


def check_component_names(
    viewset: type[Any], roots: list[type[BaseModel]], known: dict[str, type]
) -> None:
    """OpenAPI keys components by class name: two different classes (models or enums, nested
    ones included) must not share one, or one would silently document the other."""
    for root in roots:
        for cls in _components_of(root):
            other = known.setdefault(cls.__name__, cls)
            if other is cls:
                continue
            kind = "enums" if issubclass(cls, enum.Enum) else "schemas"
            if is_derived(cls) or is_derived(other):
                fix = (
                    f"rename your class, or set `input_schema` / `output_schema` on "
                    f"{viewset.__name__} instead of the derived one"
                )
            else:
                fix = "rename one of them"
            raise ImproperlyConfigured(
                f"{viewset.__name__}: two different {kind} are named {cls.__name__!r}: "
                f"{_describe(other)} and {_describe(cls)}; OpenAPI would document only one of "
                f"them. Fix: {fix}."
            )


def query_model(model: Any) -> Any:
    """``model`` as a query parameter group documented inline: Ninja flattens its fields into
    parameters either way, and without a ``$ref`` it adds no unused component (a filter
    schema, a paginator's ``Input``) to ``components.schemas``."""
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return model  # a plain parameter
    schema = model.model_json_schema(mode="validation")
    if "$defs" in schema:  # nested models or enums: keep Ninja's resolution of the refs
        return model
    for prop in schema.get("properties", {}).values():
        if "default" in prop and prop["default"] is None:  # as Ninja documents parameters
            del prop["default"]
    return Annotated[model, WithJsonSchema(schema)]
