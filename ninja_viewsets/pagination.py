"""Pagination: Ninja's paginators on viewsets, plus an async keyset ``CursorPagination``.

    class BookViewSet(ModelViewSet):
        pagination_class = PageNumberPagination         # ?page=2&page_size=20 -> {items, count}

    class EventViewSet(ReadOnlyModelViewSet):
        pagination_class = CursorPagination             # ?cursor=... -> {results, next, previous}

    NINJA_VIEWSETS = {"DEFAULT_PAGINATION_CLASS": "ninja_viewsets.pagination.PageNumberPagination"}

``pagination_class = None`` (the default) answers a plain list. Any ``AsyncPaginationBase``
subclass works; its ``Input`` becomes typed query parameters and its ``Output`` the response.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, Model, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import (
    AsyncPaginationBase,
    LimitOffsetPagination,
    PageNumberPagination,
    PaginationBase,
)
from pydantic import BaseModel

from ninja_viewsets._async import acall
from ninja_viewsets._ninja import default_page_size, ninja_page_methods
from ninja_viewsets.exceptions import APIException
from ninja_viewsets.filters import InvalidQueryParameter

__all__ = [
    "AsyncPaginationBase",
    "CursorPagination",
    "InvalidPage",
    "LimitOffsetPagination",
    "PageNumberPagination",
    "PaginationBase",
    "apaginate",
    "paged_schema",
]


class InvalidPage(APIException):
    status_code = 400
    default_detail = "Invalid page."
    default_code = "invalid_page"


_paged_cache: dict[tuple[type, Any], type[BaseModel]] = {}


def paged_schema(paginator_class: type[PaginationBase], item: Any) -> type[BaseModel]:
    """The response schema of a paginated list: ``paginator.Output`` holding ``list[item]``."""
    key = (paginator_class, item)
    if key not in _paged_cache:
        kind = paginator_class.__name__.removesuffix("Pagination") or "Page"
        name = f"{getattr(item, '__name__', 'Item')}{kind}Page"
        attribute = paginator_class.items_attribute
        _paged_cache[key] = type(
            name, (paginator_class.Output,), {"__annotations__": {attribute: list[item]}}
        )
    return _paged_cache[key]


def _encode(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidPage("Invalid cursor.", code="invalid_cursor") from None
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("v"), list)
        or not isinstance(payload.get("r", False), bool)
    ):
        raise InvalidPage("Invalid cursor.", code="invalid_cursor")
    return payload


# The largest row offset a database takes: a signed 64-bit integer.
MAX_OFFSET = 2**63 - 1


def check_position(pagination: Any, paginator: Any) -> None:
    """422 for a ``page`` or ``offset`` past any row a database can address.

    Such a position would otherwise reach the database as an out-of-range OFFSET (an error
    there, not an empty page).
    """
    size = (
        getattr(pagination, "page_size", None)
        or getattr(pagination, "limit", None)
        or getattr(paginator, "page_size", None)
        or 1
    )
    largest = (MAX_OFFSET - size) // size
    page = getattr(pagination, "page", None)
    if isinstance(page, int) and page - 1 > largest:
        raise InvalidQueryParameter(
            "page", f"Input should be less than or equal to {largest + 1}", page
        )
    offset = getattr(pagination, "offset", None)
    if isinstance(offset, int) and offset > MAX_OFFSET - size:
        raise InvalidQueryParameter(
            "offset", f"Input should be less than or equal to {MAX_OFFSET - size}", offset
        )


async def apaginate(
    paginator: AsyncPaginationBase, queryset: QuerySet[Any], pagination: Any, request: HttpRequest
) -> Any:
    """One page of ``queryset``: ``paginator``'s output, its rows evaluated.

    Ninja's page-number and limit/offset paginators run their sync version in one ORM-thread
    hop (the COUNT, then the page); their async version makes one hop per query. Any other
    paginator, or one overriding either method, runs its own ``apaginate_queryset()``. A
    ``page``/``offset`` past what a database can address is a 422 first.
    """
    check_position(pagination, paginator)
    if ninja_page_methods(type(paginator)):
        return await acall(_page_now, paginator, queryset, pagination, request)
    return await paginator.apaginate_queryset(queryset, pagination=pagination, request=request)


def _page_now(
    paginator: PaginationBase, queryset: QuerySet[Any], pagination: Any, request: HttpRequest
) -> Any:
    page = paginator.paginate_queryset(queryset, pagination=pagination, request=request)
    page[paginator.items_attribute] = list(page[paginator.items_attribute])
    return page


class CursorPagination(AsyncPaginationBase):
    """Keyset pagination: an opaque ``?cursor=``, stable order, one query, no COUNT.

    ``ordering`` names the fields to order by (default ``("-pk",)``); the primary key is
    appended when missing so positions are unique. Ordering fields should be non-null.
    """

    ordering: Sequence[str] = ("-pk",)
    page_size: int = default_page_size()
    items_attribute = "results"

    class Input(Schema):
        cursor: str | None = Field(None, description="Opaque position from `next`/`previous`.")

    class Output(Schema):
        results: list[Any]
        next: str | None = None
        previous: str | None = None

    def __init__(
        self,
        *,
        ordering: Sequence[str] | None = None,
        page_size: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if ordering is not None:
            self.ordering = tuple(ordering)
        if page_size is not None:
            self.page_size = page_size

    def _fields(self, model: type[Model]) -> list[str]:
        fields = list(self.ordering)
        names = {f.lstrip("-") for f in fields}
        if not names & {"pk", model._meta.pk.name}:  # type: ignore[union-attr]
            last_desc = fields[-1].startswith("-") if fields else True
            fields.append("-pk" if last_desc else "pk")
        return fields

    @staticmethod
    def _values(obj: Any, count: int) -> list[Any]:
        """The row's position, read from the query's own columns (see ``apaginate_queryset``)."""
        return [getattr(obj, f"_cursor_{index}") for index in range(count)]

    def _after(self, fields: list[str], values: list[Any], reverse: bool) -> Q:
        """Rows strictly after ``values`` in ``fields`` order (before, when ``reverse``)."""
        condition = Q()
        for index, field in enumerate(fields):
            name = field.lstrip("-")
            descending = field.startswith("-") != reverse
            step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[index]})
            for prev_field, prev_value in zip(fields[:index], values[:index], strict=True):
                step &= Q(**{prev_field.lstrip("-"): prev_value})
            condition |= step
        return condition

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:  # pragma: no cover - the viewsets are async
        raise NotImplementedError("CursorPagination is async: use apaginate_queryset().")

    async def apaginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        fields = self._fields(queryset.model)
        reverse = False
        qs = queryset
        if pagination.cursor:
            payload = _decode(pagination.cursor)
            values, reverse = payload["v"], payload.get("r", False)
            if len(values) != len(fields):
                raise InvalidPage("Invalid cursor.", code="invalid_cursor")
            try:
                qs = qs.filter(self._after(fields, values, reverse))
            except (ValueError, TypeError, ValidationError, FieldDoesNotExist):
                raise InvalidPage("Invalid cursor.", code="invalid_cursor") from None
        order = [self._flip(f) for f in fields] if reverse else fields
        # The position is selected with the rows: an only() from the schema, or a related
        # ordering field, must not leave it to a lazy (sync) load on the event loop.
        position = {f"_cursor_{i}": F(field.lstrip("-")) for i, field in enumerate(fields)}
        try:
            qs = qs.annotate(**position).order_by(*order)
            rows = [obj async for obj in qs[: self.page_size + 1]]
        except (ValueError, TypeError, ValidationError):
            raise InvalidPage("Invalid cursor.", code="invalid_cursor") from None
        has_more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if reverse:
            rows.reverse()
        first = self._values(rows[0], len(fields)) if rows else None
        last = self._values(rows[-1], len(fields)) if rows else None
        if reverse:
            next_values = last if rows else values
            prev_values = first if has_more else None
        else:
            next_values = last if has_more else None
            prev_values = first if pagination.cursor and rows else None
        return {
            "results": rows,
            "next": self._link(request, next_values, False),
            "previous": self._link(request, prev_values, True),
        }

    @staticmethod
    def _flip(field: str) -> str:
        return field[1:] if field.startswith("-") else f"-{field}"

    @staticmethod
    def _link(request: HttpRequest, values: list[Any] | None, reverse: bool) -> str | None:
        if values is None:
            return None
        query = request.GET.copy()
        query["cursor"] = _encode({"v": values, "r": reverse})
        return request.build_absolute_uri(f"{request.path}?{urlencode(query, doseq=True)}")
