"""Private: a response in a format other than JSON, and lists streamed as exports.

    class BookViewSet(ModelViewSet):
        renderer_classes = [JSONRenderer, CSVRenderer, JSONLinesRenderer]
        export_unpaginated = True  # ?export=all streams every row, past the paginator

``render_other()`` answers an action in the negotiated renderer (see ``_formats``): a queryset
streams with ``QuerySet.aiterator(chunk_size=...)`` through an async
``StreamingHttpResponse``; anything else is finalized as for JSON and written whole.
"""

from __future__ import annotations

import json
import logging
import typing
from collections.abc import AsyncIterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from pydantic import BaseModel

from ninja_viewsets._async import acall
from ninja_viewsets._compat import split_status
from ninja_viewsets._formats import (
    EXPORT_PARAM,
    FORMAT_PARAM,
    BaseRenderer,
    _nested,
    renderer_classes_of,
)
from ninja_viewsets._ninja import NinjaJSONEncoder, json_serializer
from ninja_viewsets.exceptions import ValidationFailed

__all__ = ["render_other", "stream_queryset", "streams_list"]

logger = logging.getLogger("ninja_viewsets.exports")


def row_schema(schema: Any) -> type[BaseModel] | None:
    """The schema of one row: ``X`` of ``list[X]`` / ``X | None``, else ``None`` (plain data)."""
    if typing.get_origin(schema) in (list, tuple, Sequence) and typing.get_args(schema):
        schema = typing.get_args(schema)[0]
    return _nested(schema)


class RowWriter:
    """Objects (model instances, dicts) to JSON-ready dicts, as the JSON renderer writes them."""

    def __init__(self, schema: type[BaseModel], request: HttpRequest) -> None:
        self.schema = schema
        self.context = {"request": request}
        self.serializer = json_serializer(schema)

    def __call__(self, obj: Any) -> Any:
        validated = self.schema.model_validate(obj, context=self.context)
        if self.serializer is not None:
            # by field name, as Ninja's model_dump() (pydantic-core before 2.27 defaults to
            # aliases when not told)
            return self.serializer.to_python(validated, mode="json", by_alias=False)
        return json.loads(json.dumps(validated.model_dump(), cls=NinjaJSONEncoder))


def render_body(
    renderer: BaseRenderer, schema: type[BaseModel] | None, body: Any, request: HttpRequest
) -> HttpResponse:
    """A whole (already fetched) response body in ``renderer``'s format: a list, a page of a
    paginator (its ``items`` / ``results``; ``X-Total-Count`` from its ``count``) or one object."""
    convert = RowWriter(schema, request) if schema is not None else _plain
    headers = {}
    if isinstance(body, dict) and schema is not None:
        for key in ("items", "results"):
            if key in body and isinstance(body[key], list | tuple):
                if isinstance(body.get("count"), int):
                    headers["X-Total-Count"] = str(body["count"])
                body = body[key]
                break
    if isinstance(body, list | tuple):
        content = renderer.start(schema) + renderer.render_rows(schema, map(convert, body))
    else:
        content = renderer.render_one(schema, convert(body))
    return HttpResponse(content, content_type=renderer.content_type, headers=headers)


def _plain(obj: Any) -> Any:
    return json.loads(json.dumps(obj, cls=NinjaJSONEncoder))


def stream_queryset(
    renderer: BaseRenderer,
    schema: type[BaseModel],
    queryset: Any,
    request: HttpRequest,
    *,
    chunk_size: int = 2000,
    filename: str | None = None,
    sync: bool = False,
) -> StreamingHttpResponse:
    """``queryset`` streamed in ``renderer``'s format, ``chunk_size`` rows per fetch and write
    (``sync``: the schema's resolvers read the ORM: each chunk is written where that is allowed)."""
    rows = _rows(renderer, schema, queryset, request, chunk_size, sync)
    response = StreamingHttpResponse(rows, content_type=renderer.content_type)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}.{renderer.format}"'
    return response


async def _rows(
    renderer: BaseRenderer,
    schema: type[BaseModel],
    queryset: Any,
    request: HttpRequest,
    size: int,
    sync: bool,
) -> AsyncIterator[bytes]:
    convert = RowWriter(schema, request)

    def write(objects: list[Any]) -> bytes:
        return renderer.render_rows(schema, [convert(obj) for obj in objects])

    model = getattr(queryset, "model", None)
    label = model._meta.label if model is not None else "rows"
    count = 0
    done = False
    try:
        yield renderer.start(schema)
        chunk: list[Any] = []
        async for obj in queryset.aiterator(chunk_size=size):
            chunk.append(obj)
            if len(chunk) >= size:
                yield (await acall(write, chunk)) if sync else write(chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            yield (await acall(write, chunk)) if sync else write(chunk)
            count += len(chunk)
        done = True
    finally:
        if done:
            logger.info("export of %s finished: %d rows", label, count)
        else:  # the client went away (or an error): the query is not read any further
            logger.info("export of %s stopped after %d rows", label, count)


def streams_list(view: Any, request: HttpRequest) -> bool:
    """Whether a list answers as a stream of every row: a streaming renderer, and no
    paginator or ``?export=all`` on a viewset with ``export_unpaginated = True``."""
    renderer = getattr(view, "accepted_renderer", None)
    streams = renderer is not None and renderer.streams
    value = request.GET.get(EXPORT_PARAM)
    # a JSON list of a viewset without exports leaves ?export= to the user's own filters
    if value is not None and (streams or getattr(view, "export_unpaginated", False)):
        if value != "all":
            raise _invalid_export(f"?{EXPORT_PARAM}= takes one value: all.", value)
        if not getattr(view, "export_unpaginated", False):
            raise _invalid_export(
                f"?{EXPORT_PARAM}=all is not offered here: the list is paginated.", value
            )
        if not streams:
            raise _invalid_export(
                f"?{EXPORT_PARAM}=all needs a streamed format: {_streamed_formats(view)}.", value
            )
        return True
    return streams and getattr(view, "paginator", None) is None


def _invalid_export(message: str, value: str) -> ValidationFailed:
    """A 422 at ``?export=`` in Ninja's validation-error shape (every list documents it)."""
    return ValidationFailed(
        [{"type": "value_error", "loc": ["query", EXPORT_PARAM], "msg": message, "input": value}]
    )


def _streamed_formats(view: Any) -> str:
    names = [f"?{FORMAT_PARAM}={c.format}" for c in renderer_classes_of(view) if c.streams]
    return ", ".join(names) or "none is offered"


async def render_other(
    view: Any, renderer: BaseRenderer, result: Any, spec: Any
) -> HttpResponseBase:
    """What an action returned, in a renderer other than the JSON one.

    A queryset an action returns streams (a detail or unpaginated action); anything else is
    finalized as for JSON (querysets evaluated and paginated, relations loaded) and written
    whole. Headers the action set on its response (``Location``, ``ETag``...) are kept.
    """
    from ninja_viewsets._loading import plan_queryset
    from ninja_viewsets.conf import get_setting

    request = view.request
    sparse = getattr(view, "sparse", None)  # ?fields=...: the chosen representation
    schema = row_schema(sparse.schema if sparse is not None else spec.item_schema)
    plan = view.response_plan if sparse is not None else spec.response_plan
    if isinstance(result, HttpResponseBase):
        return result
    if (
        renderer.streams
        and schema is not None
        and isinstance(result, QuerySet)
        and not spec.collection
    ):
        queryset = plan_queryset(result, plan, columns=True)
        return stream_queryset(
            renderer,
            schema,
            queryset,
            request,
            chunk_size=getattr(view, "export_chunk_size", None) or get_setting("EXPORT_CHUNK_SIZE"),
            sync=plan.sync,
        )
    if spec.finalize:
        result = await view.finalize_result(result, spec)
    status, body = split_status(result)
    if body is None and status is not None:
        response: HttpResponseBase = HttpResponse(status=status)
    elif plan.sync:  # resolvers that read the ORM: where it is allowed
        response = await acall(render_body, renderer, schema, body, request)
    else:
        response = render_body(renderer, schema, body, request)
    if status is not None:
        response.status_code = status
    temporal = getattr(view, "response", None)
    if temporal is not None:
        for header, value in temporal.items():
            if header.lower() not in ("content-type", "content-length"):
                response[header] = value
    return response
