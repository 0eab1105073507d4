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
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Literal

from django.core import validators as dj
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models import Model
from django.utils.text import capfirst
from ninja import Schema, UploadedFile
from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError, PydanticUndefined

from ninja_viewsets._ninja import get_schema_field, unwrap_getter

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


# -- which fields ---------------------------------------------------------------------------


def writable_fields(model: type[Model]) -> list[models.Field[Any, Any]]:
    """The fields a client may write: editable, not auto-created, not an automatic key."""
    fields = []
    for fld in model._meta.get_fields():
        if fld.auto_created or not getattr(fld, "editable", False):
            continue
        if getattr(fld, "primary_key", False):
            continue
        if fld.concrete or fld.many_to_many:
            fields.append(fld)
    return fields  # type: ignore[return-value]


def _output_fields(model: type[Model]) -> list[models.Field[Any, Any]]:
    return [
        fld  # type: ignore[misc]
        for fld in model._meta.get_fields()
        if not isinstance(fld, models.ManyToOneRel | models.ManyToManyRel)
    ]


def file_fields(schema: type[BaseModel]) -> list[str]:
    """Names of the fields of ``schema`` that take an upload (``format: binary``)."""
    return [name for name, info in schema.model_fields.items() if _takes_upload(info.annotation)]


def _takes_upload(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, UploadedFile):
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, typing.Annotated, list):
        return any(_takes_upload(a) for a in typing.get_args(annotation))
    return False


# -- the rules of one field ------------------------------------------------------------------


def _choice_values(fld: models.Field[Any, Any]) -> list[Any]:
    values: list[Any] = []
    for key, _label in fld.flatchoices:
        if key not in values and key not in (None, ""):
            values.append(key)
    return values


def _js_pattern(regex: re.Pattern[str]) -> str:
    """A Python regex as JSON Schema (ECMA) writes it, close enough to document it."""
    return (
        regex.pattern.replace(r"\A", "^")
        .replace(r"\Z", "$")
        .replace("(?P<", "(?<")
        .replace("(?P=", r"\k<")
    )


def _constraints(fld: models.Field[Any, Any]) -> dict[str, Any]:
    """Keyword arguments of ``pydantic.Field`` mirroring the field's schema-expressible rules."""
    kw: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    if isinstance(fld, models.DecimalField):
        kw["max_digits"] = fld.max_digits
        kw["decimal_places"] = fld.decimal_places
    try:
        field_validators = list(fld.validators)
    except Exception:  # a backend that cannot tell its integer ranges
        field_validators = list(fld._validators)  # type: ignore[attr-defined]
    for validator in field_validators:
        limit: Any = getattr(validator, "limit_value", None)
        if callable(limit):
            continue  # computed per call: checked by the validator itself
        if isinstance(validator, dj.MaxLengthValidator):
            kw["max_length"] = min(limit, kw.get("max_length", limit))
        elif isinstance(validator, dj.MinLengthValidator):
            kw["min_length"] = max(limit, kw.get("min_length", limit))
        elif isinstance(validator, dj.MaxValueValidator):
            kw["le"] = min(limit, kw.get("le", limit))
        elif isinstance(validator, dj.MinValueValidator):
            kw["ge"] = max(limit, kw.get("ge", limit))
        elif isinstance(validator, dj.EmailValidator):
            extra["format"] = "email"
        elif isinstance(validator, dj.URLValidator):
            extra["format"] = "uri"
        elif isinstance(validator, dj.RegexValidator) and not validator.inverse_match:
            regex = validator.regex
            if isinstance(regex, re.Pattern) and not regex.flags & ~re.UNICODE:
                extra["pattern"] = _js_pattern(regex)
    if isinstance(fld, models.CharField | models.TextField) and fld.max_length:
        kw["max_length"] = min(fld.max_length, kw.get("max_length", fld.max_length))
    if extra:
        kw["json_schema_extra"] = extra
    return kw


def _django_validators(fld: models.Field[Any, Any]) -> AfterValidator:
    """Every validator of the model field, after the type and the constraints passed."""

    def check(value: Any) -> Any:
        if value is None or value == "":
            return value
        try:
            fld.run_validators(value)
        except ValidationError as exc:
            raise PydanticCustomError(
                exc.error_list[0].code or "invalid", "{message}", {"message": _message(exc)}
            ) from None
        return value

    return AfterValidator(check)


def _message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# -- files ----------------------------------------------------------------------------------


def _check_upload(fld: models.FileField) -> Callable[[Any], Any]:
    """The upload as the model's form field would accept it: named, not empty, an image for
    ``ImageField`` (Pillow opens and verifies it)."""
    from django import forms

    form_field: forms.FileField
    if isinstance(fld, models.ImageField):
        try:
            import PIL  # noqa: F401  (Django verifies images with Pillow)
        except ImportError:
            raise ImproperlyConfigured(
                f"{fld.model.__name__}.{fld.name} is an ImageField: uploads are verified with "
                f'Pillow, which is not installed. pip install "ninja-viewsets[images]".'
            ) from None
        form_field = forms.ImageField(max_length=fld.max_length, allow_empty_file=False)
    else:
        form_field = forms.FileField(max_length=fld.max_length, allow_empty_file=False)

    def check(value: Any) -> Any:
        if value is None:
            return None
        try:
            cleaned = form_field.clean(value)
        except ValidationError as exc:
            raise PydanticCustomError(
                exc.error_list[0].code or "invalid", "{message}", {"message": _message(exc)}
            ) from None
        if hasattr(cleaned, "seek"):
            cleaned.seek(0)  # Pillow read it: the storage writes it from the start
        return cleaned

    return check


def _file_url(value: Any, info: ValidationInfo) -> Any:
    """A stored file as its URL, absolute when the request is known (as DRF answers).

    Ninja reads a ``FieldFile`` as its ``url`` already (``None`` when empty)."""
    if not isinstance(value, str):
        if not value or not getattr(value, "name", None):  # an empty FieldFile
            return None
        value = value.url
    if not value:
        return None
    request = (info.context or {}).get("request")
    if request is not None and hasattr(request, "build_absolute_uri"):
        return request.build_absolute_uri(value)
    return value


FileURL = Annotated[str, BeforeValidator(_file_url)]
"""A ``FileField`` / ``ImageField`` in a response: the file's URL, absolute as DRF answers it
(``cover: FileURL | None``: ``None`` when no file is stored)."""
_FILE_URL = FileURL


# -- one field, input and output -------------------------------------------------------------


def _base(fld: models.Field[Any, Any]) -> tuple[Any, Any]:
    """Ninja's python type of ``fld`` (unwrapped) and its FieldInfo (title, alias, help)."""
    python_type, info = get_schema_field(fld)
    while True:
        origin = typing.get_origin(python_type)
        if origin is typing.Annotated:
            python_type = typing.get_args(python_type)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(python_type) if a is not type(None)]
            python_type = args[0] if len(args) == 1 else python_type
            if len(args) != 1:
                break
        else:
            break
    return python_type, info


def _field_info(
    info: Any,
    *,
    default: Any = PydanticUndefined,
    factory: Any = None,
    accept: tuple[str, ...] = (),
    **kw: Any,
) -> Any:
    alias = info.alias
    validation_alias: Any = alias
    if accept:  # a relation on input: its name (as DRF and the output), or its column name
        alias, validation_alias = None, AliasChoices(*accept)
    extra = dict(info.json_schema_extra or {})
    extra.update(kw.pop("json_schema_extra", None) or {})
    return typing.cast(Any, Field)(
        default,
        default_factory=factory,
        alias=alias,
        validation_alias=validation_alias,
        serialization_alias=alias,
        title=info.title,
        description=info.description,
        json_schema_extra=extra or None,
        **kw,
    )


def _input_field(fld: models.Field[Any, Any]) -> tuple[Any, Any]:
    python_type, info = _base(fld)
    kw: dict[str, Any] = {}
    metadata: list[Any] = []
    if fld.many_to_many:
        annotation: Any = python_type  # list[pk type]
    elif isinstance(fld, models.FileField):
        annotation = UploadedFile
        metadata.append(AfterValidator(_check_upload(fld)))
    elif fld.is_relation:
        annotation = python_type
        metadata.append(_django_validators(fld))
    else:
        values = _choice_values(fld) if fld.choices else []
        if values:
            if fld.blank and isinstance(values[0], str):
                values.append("")
            annotation = Literal[tuple(values)]
        else:
            annotation = python_type
            kw = _constraints(fld)
        if isinstance(fld, models.CharField | models.TextField) and not fld.blank and not values:
            kw["min_length"] = max(1, kw.get("min_length", 1))  # DRF: "may not be blank"
        metadata.append(_django_validators(fld))
    if metadata:
        annotation = Annotated[annotation, *metadata]
    nullable = fld.null or (isinstance(fld, models.FileField) and fld.blank)
    if nullable:
        annotation = annotation | None
    default: Any = PydanticUndefined
    factory: Callable[[], Any] | None = None
    if fld.many_to_many:
        if fld.blank or fld.null:
            factory = list
    elif fld.has_default():
        if callable(fld.default):
            factory = fld.get_default
        else:
            default = fld.default
    elif fld.null or (isinstance(fld, models.FileField) and fld.blank):
        default = None
    elif fld.blank:
        default = fld.get_default()  # "" for strings: what Django stores for an omitted field
    if fld.is_relation and not fld.many_to_many:
        kw["accept"] = (fld.name, fld.attname)
    return annotation, _field_info(info, default=default, factory=factory, **kw)


def _output_field(fld: models.Field[Any, Any]) -> tuple[Any, Any]:
    python_type, info = _base(fld)
    if isinstance(fld, models.FileField):
        annotation: Any = _FILE_URL | None
    elif fld.choices and not fld.is_relation and _choice_values(fld):
        values = _choice_values(fld)
        json_type = "integer" if all(isinstance(v, int) for v in values) else "string"
        annotation = Annotated[python_type, WithJsonSchema({"type": json_type, "enum": values})]
        if fld.null:
            annotation = annotation | None
    else:
        annotation = python_type if fld.primary_key or not fld.null else python_type | None
    return annotation, _field_info(info)  # always present in a response: required


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
