"""Pagination: DRF's paginators on viewsets, configured by class attributes, async end to end.

    class BookViewSet(ModelViewSet):
        pagination_class = PageNumberPagination         # ?page=2&page_size=20 -> {items, count}

    class LargeResults(PageNumberPagination):
        page_size = 100                                 # as in DRF: class attributes configure
        page_size_query_param = "size"
        max_page_size = 1000

    class EventViewSet(ReadOnlyModelViewSet):
        pagination_class = CursorPagination             # ?cursor=... -> {results, next, previous}

    NINJA_VIEWSETS = {"DEFAULT_PAGINATION_CLASS": "ninja_viewsets.pagination.PageNumberPagination"}

``pagination_class = None`` (the default) answers a plain list. Each paginator's ``Input`` is
built from its attributes (the query parameters' names, bounds and defaults) and becomes typed
query parameters; its ``Output`` is the response. Any Ninja ``AsyncPaginationBase`` works too.
"""

from __future__ import annotations

from math import ceil
from typing import Annotated, Any, Literal

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja import pagination as ninja_pagination
from ninja.pagination import AsyncPaginationBase, PaginationBase
from pydantic import BaseModel, WithJsonSchema

from ninja_viewsets._async import acall
from ninja_viewsets._cursor import CursorPagination
from ninja_viewsets._filtering import InvalidQueryParameter
from ninja_viewsets._ninja import default_page_size, ninja_page_methods
from ninja_viewsets._paging import (
    _BLANK,
    BlankIsDefault,
    InvalidPage,
    _Configured,
    _field,
    _input_schema,
    _page_validator,
    _positive,
)

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


# -- page number ---------------------------------------------------------------------------


class PageNumberPagination(_Configured, ninja_pagination.PageNumberPagination):
    """``?page=2&page_size=20`` -> ``{"items": [...], "count": N}``; ``?page=last`` too.

    Configure by subclassing, as in DRF: ``page_size`` (default ``NINJA_PAGINATION_PER_PAGE``),
    ``page_query_param``, ``page_size_query_param`` (``None``: clients cannot choose),
    ``max_page_size`` and ``last_page_strings``. A page past the end is an empty page.
    """

    page_size: int = default_page_size()
    page_query_param: str = "page"
    page_size_query_param: str | None = "page_size"
    # Ninja's setting, and its default
    max_page_size: int | None = getattr(settings, "NINJA_MAX_PER_PAGE_SIZE", 100)  # type: ignore[assignment]
    last_page_strings: tuple[str, ...] = ("last",)

    def __init__(
        self, *, page_size: int | None = None, max_page_size: int | None = None, **kwargs: Any
    ) -> None:
        PaginationBase.__init__(self, **kwargs)
        if page_size is not None:
            self.page_size = page_size
        if max_page_size is not None:
            self.max_page_size = max_page_size

    @classmethod
    def build_input(cls) -> type[Schema]:
        page_type: Any = Annotated[int, Field(ge=1)]
        if cls.last_page_strings:
            page_type = page_type | Literal[cls.last_page_strings]
        page_schema: list[dict[str, Any]] = [{"type": "integer", "minimum": 1}]
        if cls.last_page_strings:
            page_schema.append({"type": "string", "enum": list(cls.last_page_strings)})
        fields: dict[str, Any] = {
            "page": (
                Annotated[
                    page_type,
                    _page_validator(tuple(cls.last_page_strings)),
                    WithJsonSchema({"anyOf": [*page_schema, _BLANK]}),
                ],
                _field("page", cls.page_query_param, 1, "A page number (from 1)."),
            ),
        }
        if cls.page_size_query_param:
            bound = _positive(cls.max_page_size)
            description = "Items per page" + (f" (at most {bound})." if bound else ".")
            fields["page_size"] = (
                Annotated[
                    int | None,
                    BlankIsDefault,
                    WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "null"}, _BLANK]}),
                ],
                _field("page_size", cls.page_size_query_param, None, description),
            )
        return _input_schema(cls, fields)

    def get_page_size(self, pagination: Any) -> int:
        """The requested ``page_size`` (at most ``max_page_size``), else ``page_size``."""
        requested = getattr(pagination, "page_size", None)
        if requested is None:
            return int(self.page_size)
        if requested < 1:
            raise InvalidQueryParameter(
                self.page_size_query_param or "page_size",
                "Input should be greater than or equal to 1",
                requested,
            )
        bound = _positive(self.max_page_size)
        return min(requested, bound) if bound else int(requested)

    def get_page_number(self, pagination: Any, count: int, page_size: int) -> int:
        """The page asked for; ``last`` is the last page (1 when there are no items)."""
        page = pagination.page
        if isinstance(page, str):
            return max(1, ceil(count / page_size))
        return int(page)

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page_size = self.get_page_size(pagination)
        count = self._items_count(queryset)
        offset = (self.get_page_number(pagination, count, page_size) - 1) * page_size
        items = list(queryset[offset : offset + page_size]) if offset < count else []
        return {self.items_attribute: items, "count": count}

    async def apaginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page_size = self.get_page_size(pagination)
        count = await self._aitems_count(queryset)
        offset = (self.get_page_number(pagination, count, page_size) - 1) * page_size
        items: list[Any] = []
        if offset < count:
            window = queryset[offset : offset + page_size]
            items = [o async for o in window] if isinstance(window, QuerySet) else list(window)
        return {self.items_attribute: items, "count": count}


# -- limit / offset ------------------------------------------------------------------------


class LimitOffsetPagination(_Configured, ninja_pagination.LimitOffsetPagination):
    """``?limit=20&offset=40`` -> ``{"items": [...], "count": N}``.

    Configure by subclassing, as in DRF: ``default_limit`` (default
    ``NINJA_PAGINATION_PER_PAGE``), ``max_limit`` (a larger ``limit`` is clamped to it),
    ``limit_query_param`` and ``offset_query_param``.
    """

    default_limit: int = default_page_size()
    max_limit: int | None = _positive(getattr(settings, "NINJA_PAGINATION_MAX_LIMIT", None))  # type: ignore[assignment]
    limit_query_param: str = "limit"
    offset_query_param: str = "offset"

    def __init__(self, *, max_limit: int | None = None, **kwargs: Any) -> None:
        PaginationBase.__init__(self, **kwargs)
        if max_limit is not None:
            self.max_limit = max_limit

    @classmethod
    def build_input(cls) -> type[Schema]:
        bound = _positive(cls.max_limit)
        limit_help = "How many items" + (f" (at most {bound})." if bound else ".")
        return _input_schema(
            cls,
            {
                "limit": (
                    Annotated[int, Field(ge=1), BlankIsDefault],
                    _field("limit", cls.limit_query_param, cls.default_limit, limit_help),
                ),
                "offset": (
                    Annotated[int, Field(ge=0), BlankIsDefault],
                    _field("offset", cls.offset_query_param, 0, "How many items to skip."),
                ),
            },
        )

    def get_limit(self, pagination: Any) -> int:
        bound = _positive(self.max_limit)
        return min(pagination.limit, bound) if bound else int(pagination.limit)

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        offset, limit = pagination.offset, self.get_limit(pagination)
        count = self._items_count(queryset)
        items = list(queryset[offset : offset + limit]) if offset < count else []
        return {self.items_attribute: items, "count": count}

    async def apaginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        offset, limit = pagination.offset, self.get_limit(pagination)
        count = await self._aitems_count(queryset)
        items: list[Any] = []
        if offset < count:
            window = queryset[offset : offset + limit]
            items = [o async for o in window] if isinstance(window, QuerySet) else list(window)
        return {self.items_attribute: items, "count": count}


# -- running a paginator -------------------------------------------------------------------


# The largest row offset a database takes: a signed 64-bit integer.
MAX_OFFSET = 2**63 - 1


def check_position(pagination: Any, paginator: Any) -> None:
    """422 for a ``page`` or ``offset`` past any row a database can address.

    Such a position would otherwise reach the database as an out-of-range OFFSET (an error
    there, not an empty page).
    """
    size, size_name = _page_size(pagination, paginator)
    if size > MAX_OFFSET:
        raise InvalidQueryParameter(
            size_name, f"Input should be less than or equal to {MAX_OFFSET}", size
        )
    largest = (MAX_OFFSET - size) // size
    page = getattr(pagination, "page", None)
    if isinstance(page, int) and page - 1 > largest:
        name = getattr(paginator, "page_query_param", "page")
        raise InvalidQueryParameter(
            name, f"Input should be less than or equal to {largest + 1}", page
        )
    offset = getattr(pagination, "offset", None)
    if isinstance(offset, int) and offset > MAX_OFFSET - size:
        name = getattr(paginator, "offset_query_param", "offset")
        raise InvalidQueryParameter(
            name, f"Input should be less than or equal to {MAX_OFFSET - size}", offset
        )


def _page_size(pagination: Any, paginator: Any) -> tuple[int, str]:
    """The rows a page will hold, as the paginator clamps the size asked for (a size past
    ``max_page_size`` / ``max_limit`` is served at that bound), and the parameter naming it."""
    if getattr(pagination, "page_size", None) is not None:
        name = getattr(paginator, "page_size_query_param", None) or "page_size"
        if isinstance(paginator, PageNumberPagination):
            return paginator.get_page_size(pagination), name
        bound = _positive(getattr(paginator, "max_page_size", None))
        return min(pagination.page_size, bound) if bound else int(pagination.page_size), name
    if getattr(pagination, "limit", None) is not None:
        name = getattr(paginator, "limit_query_param", None) or "limit"
        if isinstance(paginator, LimitOffsetPagination):
            return paginator.get_limit(pagination), name
        return int(pagination.limit), name
    return int(getattr(paginator, "page_size", None) or 1), "page_size"


# Our paginators whose sync version makes the whole page (COUNT, then rows) in one thread hop
# (Ninja's own: ``ninja_page_methods``).
_ONE_HOP_METHODS = {
    (cls.paginate_queryset, cls.apaginate_queryset)
    for cls in (PageNumberPagination, LimitOffsetPagination)
}


async def apaginate(
    paginator: AsyncPaginationBase,
    queryset: QuerySet[Any],
    pagination: Any,
    request: HttpRequest,
    *,
    view: Any = None,
) -> Any:
    """One page of ``queryset``: ``paginator``'s output, its rows evaluated.

    The page-number and limit/offset paginators (ours and Ninja's) run their sync version in
    one ORM-thread hop (the COUNT, then the page); their async version makes one hop per
    query. Any other paginator, or one overriding either method, runs its own
    ``apaginate_queryset()``. A ``page``/``offset`` past what a database can address is a
    422 first.
    """
    check_position(pagination, paginator)
    if pages_in_one_hop(paginator):
        return await acall(_page_now, paginator, queryset, pagination, request)
    return await paginator.apaginate_queryset(
        queryset, pagination=pagination, request=request, view=view
    )


def pages_in_one_hop(paginator: Any) -> bool:
    """Whether ``paginator`` pages with the page-number or limit/offset code of the library or
    of Ninja (its sync version: the COUNT, then the page, in one thread hop)."""
    cls = type(paginator)
    pair = (cls.paginate_queryset, getattr(cls, "apaginate_queryset", None))
    return pair in _ONE_HOP_METHODS or ninja_page_methods(cls)


def counts_with_count(paginator: Any) -> bool:
    """Whether ``paginator`` (:func:`pages_in_one_hop`) asks the queryset only for
    ``all().count()`` and ``[low:high]``: Ninja's own ``_items_count()``."""
    counts = getattr(type(paginator), "_items_count", None)
    return counts is not None and counts is getattr(PaginationBase, "_items_count", None)


def _page_now(
    paginator: PaginationBase, queryset: QuerySet[Any], pagination: Any, request: HttpRequest
) -> Any:
    page = paginator.paginate_queryset(queryset, pagination=pagination, request=request)
    page[paginator.items_attribute] = list(page[paginator.items_attribute])
    return page


for _paginator in (PageNumberPagination, LimitOffsetPagination, CursorPagination):
    _paginator.Input = _paginator.build_input()  # type: ignore[misc,assignment]
