"""How one model field becomes a schema field: its type, default, constraints and validators.

    _input_field(Book._meta.get_field("title"))   # (str, Field(max_length=200, ...))

The rules a derived schema (``ninja_viewsets._schemas``) checks as the model does: choices,
lengths, Django's validators, files (uploads in, URLs out), and which fields are writable.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.core import validators as dj
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files import File
from django.db import models
from django.db.models import Model
from django.http import HttpRequest
from ninja import UploadedFile
from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    Field,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError, PydanticUndefined

from ninja_viewsets._ninja import get_schema_field
from ninja_viewsets._reverse import absolute_uri

__all__ = ["FileURL", "file_fields", "file_url", "is_file_url", "writable_fields"]


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


def _a_file(value: Any) -> Any:
    """A string (a path, a URL) or any other value where a file belongs is refused as DRF's
    ``FileField`` refuses it, not with the validator's ``Expected UploadFile, received: ...``."""
    if value is not None and not isinstance(value, File):
        raise PydanticCustomError(
            "invalid", "The submitted data was not a file. Check the encoding type on the form."
        )
    return value


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
    return file_url(value, (info.context or {}).get("request"))


def file_url(value: Any, request: Any) -> str | None:
    """``value`` (a ``FieldFile``, or the URL Ninja read from it) as the file's URL, absolute
    for ``request``; ``None`` when no file is stored."""
    if not isinstance(value, str):
        if not value or not getattr(value, "name", None):  # an empty FieldFile
            return None
        value = value.url
    if not value:
        return None
    if isinstance(request, HttpRequest):
        return absolute_uri(request, value)
    if request is not None and hasattr(request, "build_absolute_uri"):
        return str(request.build_absolute_uri(value))
    return str(value)


FileURL = Annotated[str, BeforeValidator(_file_url)]
"""A ``FileField`` / ``ImageField`` in a response: the file's URL, absolute as DRF answers it
(``cover: FileURL | None``: ``None`` when no file is stored)."""


def is_file_url(annotation: Any) -> bool:
    """Whether ``annotation`` is :data:`FileURL` (pydantic keeps it whole inside a union)."""
    return bool(annotation == FileURL)


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
        metadata += [BeforeValidator(_a_file), AfterValidator(_check_upload(fld))]
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
        annotation: Any = FileURL | None
    elif fld.choices and not fld.is_relation and _choice_values(fld):
        values = _choice_values(fld)
        json_type = "integer" if all(isinstance(v, int) for v in values) else "string"
        annotation = Annotated[python_type, WithJsonSchema({"type": json_type, "enum": values})]
        if fld.null:
            annotation = annotation | None
    else:
        annotation = python_type if fld.primary_key or not fld.null else python_type | None
    return annotation, _field_info(info)  # always present in a response: required
