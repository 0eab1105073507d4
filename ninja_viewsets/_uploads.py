"""Private: a body that is JSON or ``multipart/form-data``, for schemas with file fields.

``create``, ``update`` and ``partial_update`` take their body from ``upload_body(schema)``
when ``schema`` (given or derived) has a file field (``UploadedFile``): a JSON body reads as
ever; a multipart body reads its fields from the form and its files from the uploads, then
validates against the same schema. Files past ``NINJA_VIEWSETS["MAX_UPLOAD_SIZE"]`` are a 413.
"""

from __future__ import annotations

import types
import typing
from functools import cache
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from ninja.errors import HttpError
from pydantic import BaseModel

from ninja_viewsets._ninja import BodyModel, Param
from ninja_viewsets._schemas import file_fields
from ninja_viewsets.conf import get_setting

__all__ = ["MULTIPART", "is_multipart", "multipart_openapi", "upload_body"]

MULTIPART = "multipart/form-data"


def is_multipart(request: HttpRequest) -> bool:
    return getattr(request, "content_type", "") == MULTIPART


def _is_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (list, set, tuple):
        return True
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        return any(_is_list(a) for a in typing.get_args(annotation))
    return False


def _accepts_text(annotation: Any) -> bool:
    if annotation is str:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return any(isinstance(v, str) for v in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        return any(_accepts_text(a) for a in typing.get_args(annotation))
    return False


def _nullable(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    return origin in (typing.Union, types.UnionType) and type(None) in typing.get_args(annotation)


@cache
def _form_shape(schema: type[BaseModel]) -> tuple[frozenset[str], frozenset[str]]:
    """(keys read as lists, keys where an empty value means ``null``) of ``schema``'s fields."""
    lists: set[str] = set()
    empty_is_null: set[str] = set()
    for name, info in schema.model_fields.items():
        keys = {name}
        alias = info.validation_alias
        if isinstance(alias, str):
            keys.add(alias)
        elif alias is not None and hasattr(alias, "choices"):
            keys.update(c for c in alias.choices if isinstance(c, str))
        if _is_list(info.annotation):
            lists |= keys
        if _nullable(info.annotation) and not _accepts_text(info.annotation):
            empty_is_null |= keys
    return frozenset(lists), frozenset(empty_is_null)


def _form_data(request: HttpRequest, schema: type[BaseModel]) -> dict[str, Any]:
    try:
        form: QueryDict
        files: MultiValueDict[str, UploadedFile]
        # Django parses the form of a POST only; the test clients' plain HttpRequest carries
        # its form and files as attributes already, whatever the method
        if request.method == "POST" or "FILES" in vars(request):
            form, files = request.POST, request.FILES
        else:
            form, files = request.parse_file_upload(request.META, request)
            vars(request).update(_post=form, _files=files)  # as Django's own POST parsing
    except RequestDataTooBig:
        raise HttpError(413, "The request's form fields are too large.") from None
    except TooManyFieldsSent:
        raise HttpError(400, "The request has too many form fields.") from None
    except MultiPartParserError as exc:
        raise HttpError(400, f"Malformed multipart body: {exc}") from None
    limit = get_setting("MAX_UPLOAD_SIZE")
    lists, empty_is_null = _form_shape(schema)
    data: dict[str, Any] = {}
    for source in (form, files):
        for key in source:
            values = source.getlist(key)
            if key in lists:
                data[key] = [v for v in values if v != ""]
            else:
                value = values[-1]
                data[key] = None if value == "" and key in empty_is_null else value
    for key in files:
        for upload in files.getlist(key):
            if limit is not None and upload.size is not None and upload.size > limit:
                raise HttpError(413, f"The file '{key}' is larger than the limit of {limit} bytes.")
    return data


class _UploadBodyModel(BodyModel):
    """Ninja's JSON body, or the multipart form and files validated by the same schema."""

    @classmethod
    def get_request_data(
        cls, request: HttpRequest, api: Any, path_params: dict[str, Any]
    ) -> dict[str, Any] | None:
        if not is_multipart(request):
            return super().get_request_data(request, api, path_params)
        name = getattr(cls, "__read_from_single_attr__", None)
        if not name:
            return None
        schema = cls.model_fields[name].annotation
        if not isinstance(schema, type) or not issubclass(schema, BaseModel):
            return None
        return {name: _form_data(request, schema)}


class UploadBody(Param):  # type: ignore[misc]
    """A body parameter read from JSON or ``multipart/form-data``."""

    _model = _UploadBodyModel

    @classmethod
    def _param_source(cls) -> str:
        return "body"


def upload_body(schema: type[BaseModel]) -> Any:
    """The parameter default that reads ``schema`` from either media type, or ``None`` when
    ``schema`` has no file field (a plain JSON body)."""
    return UploadBody(...) if file_fields(schema) else None


def multipart_openapi(schema: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` documenting the multipart body beside the JSON one.

    Inline, not a second ``$ref`` to the JSON body's component: client generators tell the two
    bodies apart by their schema (``openapi-python-client`` makes a ``...Body`` model of it).
    """
    body = schema.model_json_schema(ref_template="#/components/schemas/{model}", mode="validation")
    body.pop("$defs", None)  # nested schemas: components, as the JSON body documents them
    for prop in body.get("properties", {}).values():
        if "default" in prop and prop["default"] is None:  # as Ninja documents the JSON body
            del prop["default"]
    body["title"] = f"{schema.__name__}Form"
    return {"requestBody": {"content": {MULTIPART: {"schema": body}}}}
