"""Private: response formats: the renderer classes, content negotiation and streamed exports.

Public names are re-exported by ``ninja_viewsets.renderers``; the rendering and streaming of
the non-JSON formats is ``_exports``::

    class BookViewSet(ModelViewSet):
        queryset = Book.objects.all()
        renderer_classes = [JSONRenderer, CSVRenderer, JSONLinesRenderer]
        export_unpaginated = True  # ?export=all streams every row, past the paginator

A request picks its renderer by ``?format=csv`` (404 for a format the operation does not
offer, as DRF) or by ``Accept`` (406 listing the media types offered when none matches; no
``Accept`` or ``*/*`` means the first renderer). The JSON renderer is the library's one-pass
JSON (``ninja_viewsets.renderers.render``). The other renderers write each object as the JSON
renderer would (same values, datetimes in Django's format), one row or line per object; a list
rendered by them streams: the rows are read with ``QuerySet.aiterator(chunk_size=...)`` (with
the response schema's ``prefetch_related``, supported by Django >= 5.0) and written chunk by
chunk through an async ``StreamingHttpResponse``, so memory stays flat however many rows.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import types
import typing
import weakref
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.utils.module_loading import import_string
from pydantic import BaseModel

from ninja_viewsets.exceptions import APIException, NotFound, ParseError

__all__ = [
    "BaseRenderer",
    "CSVRenderer",
    "JSONLinesRenderer",
    "JSONRenderer",
    "NotAcceptable",
    "csv_columns",
    "negotiate",
]

FORMAT_PARAM = "format"
EXPORT_PARAM = "export"  # ?export=all: every row, past the paginator (export_unpaginated)


class NotAcceptable(APIException):
    """406: no renderer of the operation gives a media type the ``Accept`` header allows."""

    status_code = 406
    default_detail = "Could not satisfy the request Accept header."
    default_code = "not_acceptable"


class BaseRenderer:
    """A response format: ``media_type``, its ``?format=`` name and how rows are written.

    Subclass and set ``media_type`` / ``format``; override :meth:`render_rows` to write a
    sequence of JSON-ready objects (a list response) and :meth:`render_one` for a single one.
    """

    media_type: ClassVar[str] = ""
    format: ClassVar[str] = ""
    charset: ClassVar[str | None] = "utf-8"
    json: ClassVar[bool] = False  # the library's JSON: Ninja's response path renders it
    streams: ClassVar[bool] = True  # a list is written row by row (a streamed export)

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset={self.charset}" if self.charset else self.media_type

    def start(self, schema: type[BaseModel] | None) -> bytes:
        """What precedes the rows (a header row)."""
        return b""

    def render_rows(self, schema: type[BaseModel] | None, rows: Iterable[Any]) -> bytes:
        """``rows`` (JSON-ready dicts, as the JSON renderer writes them) as this format."""
        raise NotImplementedError(f"{type(self).__name__}.render_rows() is not implemented.")

    def render_one(self, schema: type[BaseModel] | None, row: Any) -> bytes:
        """A single object (a retrieve): by default a list of one."""
        return self.start(schema) + self.render_rows(schema, [row])

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.media_type}>"


class JSONRenderer(BaseRenderer):
    """``application/json``: Ninja's JSON, in one pass (see ``ninja_viewsets.renderers``)."""

    media_type = "application/json"
    format = "json"
    json = True
    streams = False


class JSONLinesRenderer(BaseRenderer):
    """``application/jsonl``: one JSON object per line (a list streams line by line)."""

    media_type = "application/jsonl"
    format = "jsonl"

    def render_rows(self, schema: type[BaseModel] | None, rows: Iterable[Any]) -> bytes:
        return b"".join(
            json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
            for row in rows
        )


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP):
# such a cell is written with a leading single quote, which spreadsheets show as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CSVRenderer(BaseRenderer):
    """``text/csv``: a header row of the response schema's fields (dotted for nested ones:
    ``author.name``), then one row per object, values as the JSON renderer writes them
    (``true`` / ``false``, ``null`` as an empty cell, lists as JSON). A text cell starting with
    ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed with ``'`` (CSV injection)."""

    media_type = "text/csv"
    format = "csv"
    dialect: ClassVar[type[csv.Dialect]] = csv.excel

    def start(self, schema: type[BaseModel] | None) -> bytes:
        return self._lines([csv_columns(schema)] if schema is not None else [])

    def render_rows(self, schema: type[BaseModel] | None, rows: Iterable[Any]) -> bytes:
        columns = csv_columns(schema) if schema is not None else None
        out = []
        for row in rows:
            if columns is None:
                columns = list(row) if isinstance(row, dict) else ["value"]
            out.append([_cell(_dig(row, column)) for column in columns])
        return self._lines(out)

    def _lines(self, rows: list[list[Any]]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer, dialect=self.dialect).writerows(rows)
        return buffer.getvalue().encode()


def _dig(row: Any, column: str) -> Any:
    value = row
    for part in column.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, float):
        return json.dumps(value)
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


# weak: a per-request schema (ninja_viewsets._sparse) is not kept alive by its columns
_columns: weakref.WeakKeyDictionary[type[BaseModel], list[str]] = weakref.WeakKeyDictionary()


def csv_columns(schema: type[BaseModel]) -> list[str]:
    """The CSV columns of ``schema``: its fields in order, a nested schema's as ``name.field``."""
    try:
        return _columns[schema]
    except KeyError:
        pass
    found = _columns[schema] = list(_walk(schema, "", frozenset()))
    return found


def _walk(schema: type[BaseModel], prefix: str, seen: frozenset[Any]) -> Iterable[str]:
    # the rows are written by field name (Ninja's default, ``by_alias=False``), so the columns
    # are too: an alias (``Field(alias="author.name")``, a derived ``author`` read from
    # ``author_id``) names where a value is read from, not its key
    for name, info in schema.model_fields.items():
        if info.exclude is True:  # read, never written (a sparse schema's hidden fields)
            continue
        nested = _nested(info.annotation)
        if nested is not None and nested not in seen:
            yield from _walk(nested, f"{prefix}{name}.", seen | {schema})
        else:
            yield prefix + name
    yield from (prefix + name for name in schema.model_computed_fields)


def _nested(annotation: Any) -> type[BaseModel] | None:
    """The schema of a (possibly optional) nested object field, else ``None``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = rest[0] if len(rest) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


# -- negotiation -----------------------------------------------------------------------------


def renderer_classes_of(view: Any) -> Sequence[type[BaseRenderer]]:
    """The view's ``renderer_classes`` (``None``: ``DEFAULT_RENDERER_CLASSES``), imported."""
    from ninja_viewsets.conf import get_setting

    classes = getattr(view, "renderer_classes", None)
    if classes is None:
        classes = get_setting("DEFAULT_RENDERER_CLASSES")
    return [import_string(c) if isinstance(c, str) else c for c in classes]


def _media_ranges(header: str) -> list[tuple[str, float]]:
    """``Accept`` as (media range, q), best first (more specific first at equal q)."""
    ranges = []
    for index, part in enumerate(header.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
            ranges.append((-q, -specificity, index, media.lower()))
    return [(media, -q) for q, _, _, media in sorted(ranges)]


def _matches(media_range: str, media_type: str) -> bool:
    if media_range in ("*/*", "*"):
        return True
    if media_range.endswith("/*"):
        return media_type.startswith(media_range[:-1])
    return media_range == media_type


def negotiate(request: HttpRequest, classes: Sequence[type[BaseRenderer]]) -> BaseRenderer:
    """The renderer answering ``request``: ``?format=``, else ``Accept``, else the first."""
    # read from META while Django has not built request.GET / request.headers (both parse
    # every entry): a request without a query string names no format
    built = request.__dict__
    if "GET" in built or request.META.get("QUERY_STRING"):
        try:
            wanted = request.GET.get(FORMAT_PARAM)
        except SuspiciousOperation:  # too many query fields: Django refuses to parse them
            raise ParseError() from None
        if wanted:
            for cls in classes:
                if cls.format == wanted:
                    return cls()
            offered = ", ".join(cls.format for cls in classes)
            raise NotFound(f"Unknown format {wanted!r}: this operation offers {offered}.")
    if "headers" in built:
        header = request.headers.get("Accept", "")
    else:
        header = request.META.get("HTTP_ACCEPT", "")
    if not header or header == "*/*" or header == classes[0].media_type:
        return classes[0]()
    for media_range, _ in _media_ranges(header):
        for cls in classes:
            if _matches(media_range, cls.media_type):
                return cls()
    offered = ", ".join(cls.media_type for cls in classes)
    raise NotAcceptable(f"Could not satisfy the Accept header: this operation offers {offered}.")


def media_types_openapi(classes: Sequence[type[BaseRenderer]]) -> dict[str, Any]:
    """The ``content`` entries the non-JSON renderers add to a success response."""
    return {
        cls.media_type: {"schema": {"type": "string", "format": cls.format}}
        for cls in classes
        if not cls.json
    }


def with_media_types(spec: Any, view: Any) -> Any:
    """``spec`` whose success responses document the view's other renderers' media types."""
    classes = renderer_classes_of(view)
    content = media_types_openapi(classes)
    if not content:
        return spec
    response = spec.response
    if isinstance(response, dict):
        statuses = [s for s, v in response.items() if isinstance(s, int) and s < 300 and v]
    else:
        statuses = [200]
    if not statuses:
        return spec
    options = dict(spec.options)
    extra = dict(options.get("openapi_extra") or {})
    responses = dict(extra.get("responses") or {})
    for status in statuses:
        entry = dict(responses.get(status) or {})
        entry["content"] = {**content, **(entry.get("content") or {})}
        responses[status] = entry
    responses.setdefault(406, _error("No offered media type satisfies the Accept header"))
    extra["responses"] = responses
    handler = getattr(view, spec.action, None)
    reads = spec.action in ("list", "retrieve") or "get" in getattr(handler, "mapping", {})
    if not reads:  # a write answers in a format too, but is not where clients pick one
        options["openapi_extra"] = extra
        return dataclasses.replace(spec, options=options)
    responses.setdefault(404, _error("Not found (or an unknown ?format=)"))
    formats = [cls.format for cls in classes]
    parameters = [_query(FORMAT_PARAM, formats, "The response format (else: by Accept).")]
    if spec.action == "list" and getattr(view, "export_unpaginated", False):
        parameters.append(_query(EXPORT_PARAM, ["all"], "Every row, streamed (csv, jsonl)."))
    extra["parameters"] = [*extra.get("parameters", []), *parameters]
    options["openapi_extra"] = extra
    return dataclasses.replace(spec, options=options)


def _error(description: str) -> dict[str, Any]:
    """An error answer documented inline, ``{"detail", "code"}`` (as the other errors)."""
    properties = {"detail": {"type": "string"}, "code": {"type": "string"}}
    schema = {"type": "object", "properties": properties, "required": ["detail"]}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, values: list[str], description: str) -> dict[str, Any]:
    schema = {"type": "string", "enum": values}
    return {
        "in": "query",
        "name": name,
        "required": False,
        "schema": schema,
        "description": description,
    }
