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

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from math import ceil, inf
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.db.models import F, Model, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja import pagination as ninja_pagination
from ninja.pagination import AsyncPaginationBase, PaginationBase
from pydantic import BaseModel, WithJsonSchema, WrapValidator, create_model
from pydantic_core import PydanticCustomError, PydanticUseDefault

from ninja_viewsets._async import acall
from ninja_viewsets._filtering import InvalidQueryParameter
from ninja_viewsets._ninja import default_page_size, ninja_page_methods
from ninja_viewsets.exceptions import APIException

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


# -- query parameters ----------------------------------------------------------------------


def _blank_is_default(value: Any, handler: Callable[[Any], Any]) -> Any:
    """``?page=`` (an empty value) is the parameter left out, as in DRF."""
    if value == "":
        raise PydanticUseDefault()
    return handler(value)


BlankIsDefault = WrapValidator(_blank_is_default)
# documented, so clients and schema checkers know ``?page=`` is accepted (as left out)
_BLANK: dict[str, Any] = {"type": "string", "maxLength": 0}


def _page_validator(last_page_strings: tuple[str, ...]) -> WrapValidator:
    """A page number (>= 1) or one of ``last_page_strings``, in one clear error when neither."""
    expected = " or ".join(repr(s) for s in last_page_strings)

    def validate(value: Any, handler: Callable[[Any], Any]) -> Any:
        if value == "" or value is None:
            raise PydanticUseDefault()
        if isinstance(value, str) and value in last_page_strings:
            return value
        if isinstance(value, bool):
            value = None
        try:
            number = int(value) if isinstance(value, int | str) else None
        except ValueError:
            number = None
        if number is None:
            raise PydanticCustomError(
                "int_parsing",
                "Input should be a valid integer or {expected}",
                {"expected": expected},
            )
        if number < 1:
            raise PydanticCustomError(
                "greater_than_equal", "Input should be greater than or equal to 1", {"ge": 1}
            )
        return number

    return WrapValidator(validate)


def _field(name: str, query_param: str, default: Any, description: str) -> Any:
    alias = query_param if query_param != name else None
    return Field(default, alias=alias, description=description)


def _input_schema(cls: type, fields: dict[str, Any]) -> type[Schema]:
    schema: type[Schema] = create_model(f"{cls.__name__}Input", __base__=Schema, **fields)
    return schema


def _positive(value: Any) -> int | None:
    """A bound from a class attribute: ``None`` for unbounded (``None`` or ``inf``)."""
    return None if value is None or value == inf else int(value)


class _Configured:
    """Builds ``Input`` from the class attributes, for the class and each subclass."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "Input" not in vars(cls):  # a hand-written Input is the user's to keep
            cls.Input = cls.build_input()  # type: ignore[attr-defined]

    @classmethod
    def build_input(cls) -> type[Schema]:  # pragma: no cover - every paginator overrides it
        raise NotImplementedError


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
    size = (
        getattr(pagination, "page_size", None)
        or getattr(pagination, "limit", None)
        or getattr(paginator, "page_size", None)
        or 1
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
    cls = type(paginator)
    if (cls.paginate_queryset, cls.apaginate_queryset) in _ONE_HOP_METHODS or ninja_page_methods(
        cls
    ):
        return await acall(_page_now, paginator, queryset, pagination, request)
    return await paginator.apaginate_queryset(
        queryset, pagination=pagination, request=request, view=view
    )


def _page_now(
    paginator: PaginationBase, queryset: QuerySet[Any], pagination: Any, request: HttpRequest
) -> Any:
    page = paginator.paginate_queryset(queryset, pagination=pagination, request=request)
    page[paginator.items_attribute] = list(page[paginator.items_attribute])
    return page


# -- cursor --------------------------------------------------------------------------------


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
        or not isinstance(payload.get("i", False), bool)
    ):
        raise InvalidPage("Invalid cursor.", code="invalid_cursor")
    return payload


def _as_fields(ordering: Sequence[str] | str | None) -> tuple[str, ...]:
    """``"title"`` is one field (as in DRF), not a sequence of letters."""
    if not ordering:
        return ()
    return (ordering,) if isinstance(ordering, str) else tuple(ordering)


def _ordering_choices(model: type[Model], ordering_fields: Sequence[str] | str) -> list[str]:
    """The fields a viewset's ``ordering_fields`` lets clients order by (``"__all__"``: every
    concrete field)."""
    if ordering_fields == "__all__":
        return [f.name for f in model._meta.concrete_fields]
    return list(_as_fields(ordering_fields))


def _nullable_part(model: type[Model], path: str) -> str | None:
    """The first nullable field on ``path`` (``author__name``), or ``None``."""
    current: Any = model
    for part in path.lstrip("-").split("__"):
        if current is None:
            return None
        try:
            fld = current._meta.pk if part == "pk" else current._meta.get_field(part)
        except FieldDoesNotExist:
            return None  # an annotation, or a typo the ordering check reports
        if getattr(fld, "null", False) or (fld.is_relation and not fld.concrete):
            return part
        current = fld.related_model if fld.is_relation else None
    return None


class CursorPagination(_Configured, AsyncPaginationBase):
    """Keyset pagination: an opaque ``?cursor=``, stable order, one query, no COUNT.

    Configure by subclassing, as in DRF: ``ordering`` (a field name or a sequence; default
    ``"-pk"``), ``page_size``, ``cursor_query_param``, ``page_size_query_param`` (``None``:
    clients cannot choose) and ``max_page_size``. The primary key is appended to the ordering
    so positions are unique (ordering fields need not be unique), and ordering fields must not
    be nullable (checked at ``register()``). On a viewset with ``ordering_fields``, the client's
    ``?ordering`` (else the viewset's ``ordering``) orders the pages, as DRF's
    ``get_ordering()`` does with an ordering filter.
    """

    ordering: Sequence[str] | str = ("-pk",)
    page_size: int = default_page_size()
    cursor_query_param: str = "cursor"
    page_size_query_param: str | None = None
    max_page_size: int | None = None
    items_attribute = "results"

    class Output(Schema):
        results: list[Any]
        next: str | None = None
        previous: str | None = None

    def __init__(
        self,
        *,
        ordering: Sequence[str] | str | None = None,
        page_size: int | None = None,
        max_page_size: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if ordering is not None:
            self.ordering = _as_fields(ordering)
        if page_size is not None:
            self.page_size = page_size
        if max_page_size is not None:
            self.max_page_size = max_page_size

    @classmethod
    def build_input(cls) -> type[Schema]:
        fields: dict[str, Any] = {
            "cursor": (
                str | None,
                _field(
                    "cursor",
                    cls.cursor_query_param,
                    None,
                    "Opaque position from `next`/`previous`.",
                ),
            ),
        }
        if cls.page_size_query_param:
            bound = _positive(cls.max_page_size)
            description = "Items per page" + (f" (at most {bound})." if bound else ".")
            fields["page_size"] = (
                Annotated[int | None, Field(ge=1), BlankIsDefault],
                _field("page_size", cls.page_size_query_param, None, description),
            )
        return _input_schema(cls, fields)

    # -- configuration --------------------------------------------------------------------

    def check_view(self, view: Any) -> None:
        """Refuse, at ``register()``, an ordering that cannot give stable positions."""
        model = view.get_model()
        if model is None:
            return
        sources: list[tuple[str, Sequence[str]]] = [
            (f"{type(self).__name__}.ordering", _as_fields(self.ordering))
        ]
        backend = self._ordering_backend(view)
        if backend is not None and hasattr(backend, "get_valid_fields"):
            # the fields a client may order by, as that backend decides (its `ordering_fields`,
            # or its default: the output schema's), when it lets clients order at all
            instance = backend()
            accepts = getattr(instance, "_accepts_param", None)
            if accepts is None or accepts(view):
                try:
                    valid = instance.get_valid_fields(view.get_queryset(), view)
                except ImproperlyConfigured:
                    valid = []
                sources.append((f"{type(view).__name__}'s {backend.__name__} fields", valid))
            sources.append((f"{type(view).__name__}.ordering", _as_fields(view.ordering)))
        elif getattr(view, "ordering_fields", None):
            choices = _ordering_choices(model, view.ordering_fields)
            sources.append((f"{type(view).__name__}.ordering_fields", choices))
            sources.append((f"{type(view).__name__}.ordering", _as_fields(view.ordering)))
        for where, fields in sources:
            for field in fields:
                part = _nullable_part(model, field)
                if part is not None:
                    raise ImproperlyConfigured(
                        f"{where} includes {field.lstrip('-')!r}, which can be null "
                        f"({model.__name__} via {part!r}): {type(self).__name__} orders by "
                        f"comparing values and NULL compares to nothing. Order by non-null "
                        f"fields only, or use PageNumberPagination."
                    )

    def get_ordering(self, request: HttpRequest, queryset: QuerySet[Any], view: Any) -> list[str]:
        """The fields to order by, primary key last. Override to decide per request.

        As DRF's: the ``get_ordering()`` of the view's first filter backend that has one;
        else, on a viewset with ``ordering_fields``, the valid fields of ``?ordering``, else
        the viewset's ``ordering``; otherwise ``self.ordering``.
        """
        fields: list[str] = list(self._backend_ordering(request, queryset, view))
        if not fields and view is not None and getattr(view, "ordering_fields", None):
            choices = _ordering_choices(queryset.model, view.ordering_fields)
            raw = request.GET.get("ordering", "")
            fields = [t.strip() for t in raw.split(",") if t.strip().lstrip("-") in choices]
            fields = [t for t in fields if not t.startswith("--")]
            if not fields:
                fields = list(_as_fields(view.ordering))
        if not fields:
            fields = list(_as_fields(self.ordering))
        names = {f.lstrip("-") for f in fields}
        if not names & {"pk", queryset.model._meta.pk.name}:
            last_desc = fields[-1].startswith("-") if fields else True
            fields.append("-pk" if last_desc else "pk")
        return fields

    @staticmethod
    def _ordering_backend(view: Any) -> Any:
        """DRF's contract: the first of the view's filter backends with ``get_ordering()``."""
        if view is None:
            return None
        if hasattr(view, "get_filter_backends"):
            backends = view.get_filter_backends()
        else:
            backends = getattr(view, "filter_backends", None) or ()
        return next((b for b in backends if hasattr(b, "get_ordering")), None)

    def _backend_ordering(
        self, request: HttpRequest, queryset: QuerySet[Any], view: Any
    ) -> Sequence[str]:
        backend = self._ordering_backend(view)
        if backend is None:
            return ()
        return _as_fields(backend().get_ordering(request, queryset, view))
        if hasattr(view, "get_filter_backends"):
            backends = view.get_filter_backends()
        else:
            backends = getattr(view, "filter_backends", None) or ()
        for backend in backends:
            if hasattr(backend, "get_ordering"):
                return _as_fields(backend().get_ordering(request, queryset, view))
        return ()

    def get_page_size(self, pagination: Any) -> int:
        requested = getattr(pagination, "page_size", None)
        if requested is None:
            return int(self.page_size)
        bound = _positive(self.max_page_size)
        return min(requested, bound) if bound else int(requested)

    # -- paging ---------------------------------------------------------------------------

    @staticmethod
    def _values(obj: Any, count: int) -> list[Any]:
        """The row's position, read from the query's own columns (see ``apaginate_queryset``)."""
        if isinstance(obj, dict):  # a .values() queryset
            return [obj[f"_cursor_{index}"] for index in range(count)]
        return [getattr(obj, f"_cursor_{index}") for index in range(count)]

    def _after(self, fields: list[str], values: list[Any], reverse: bool, inclusive: bool) -> Q:
        """Rows after ``values`` in ``fields`` order (before, when ``reverse``); ``inclusive``:
        the row at ``values`` too."""
        condition = Q()
        for index, field in enumerate(fields):
            name = field.lstrip("-")
            descending = field.startswith("-") != reverse
            step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[index]})
            for prev_field, prev_value in zip(fields[:index], values[:index], strict=True):
                step &= Q(**{prev_field.lstrip("-"): prev_value})
            condition |= step
        if inclusive:
            condition |= Q(**{f.lstrip("-"): v for f, v in zip(fields, values, strict=True)})
        return condition

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:  # pragma: no cover - the viewsets are async
        raise NotImplementedError("CursorPagination is async: use apaginate_queryset().")

    async def apaginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        fields = self.get_ordering(request, queryset, params.get("view"))
        page_size = self.get_page_size(pagination)
        reverse = inclusive = False
        values: list[Any] = []
        qs = queryset
        if pagination.cursor:
            payload = _decode(pagination.cursor)
            values, reverse, inclusive = (
                payload["v"],
                payload.get("r", False),
                payload.get("i", False),
            )
            if len(values) != len(fields):
                raise InvalidPage("Invalid cursor.", code="invalid_cursor")
            try:
                qs = qs.filter(self._after(fields, values, reverse, inclusive))
            except (ValueError, TypeError, ValidationError, FieldDoesNotExist):
                raise InvalidPage("Invalid cursor.", code="invalid_cursor") from None
        order = [self._flip(f) for f in fields] if reverse else fields
        # The position is selected with the rows: an only() from the schema, or a related
        # ordering field, must not leave it to a lazy (sync) load on the event loop.
        position = {f"_cursor_{i}": F(field.lstrip("-")) for i, field in enumerate(fields)}
        try:
            qs = qs.annotate(**position).order_by(*order)
            rows = [obj async for obj in qs[: page_size + 1]]
        except (ValueError, TypeError, ValidationError):
            raise InvalidPage("Invalid cursor.", code="invalid_cursor") from None
        has_more = len(rows) > page_size
        rows = rows[:page_size]
        if reverse:
            rows.reverse()
        first = self._values(rows[0], len(fields)) if rows else None
        last = self._values(rows[-1], len(fields)) if rows else None
        # (values, reverse, inclusive) of each link; an empty page keeps a way back (DRF)
        nxt: tuple[list[Any], bool, bool] | None = None
        prev: tuple[list[Any], bool, bool] | None = None
        if reverse:
            nxt = (last, False, False) if last is not None else (values, False, not inclusive)
            prev = (first, True, False) if has_more and first is not None else None
        else:
            nxt = (last, False, False) if has_more and last is not None else None
            if pagination.cursor:
                prev = (first, True, False) if first is not None else (values, True, not inclusive)
        return {
            "results": rows,
            "next": self._link(request, nxt),
            "previous": self._link(request, prev),
        }

    @staticmethod
    def _flip(field: str) -> str:
        return field[1:] if field.startswith("-") else f"-{field}"

    def _link(
        self, request: HttpRequest, position: tuple[list[Any], bool, bool] | None
    ) -> str | None:
        if position is None:
            return None
        values, reverse, inclusive = position
        payload: dict[str, Any] = {"v": values, "r": reverse}
        if inclusive:
            payload["i"] = True
        query = request.GET.copy()
        query[self.cursor_query_param] = _encode(payload)
        return request.build_absolute_uri(f"{request.path}?{urlencode(query, doseq=True)}")


for _paginator in (PageNumberPagination, LimitOffsetPagination, CursorPagination):
    _paginator.Input = _paginator.build_input()  # type: ignore[misc,assignment]
