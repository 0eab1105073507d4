"""``CursorPagination``: keyset pagination with an opaque ``?cursor=`` (DRF's).

    class EventViewSet(ReadOnlyModelViewSet):
        pagination_class = CursorPagination             # ?cursor=... -> {results, next, previous}

Public through ``ninja_viewsets.pagination``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Annotated, Any
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.db.models import F, Model, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import AsyncPaginationBase

from ninja_viewsets._ninja import default_page_size
from ninja_viewsets._paging import (
    BlankIsDefault,
    InvalidPage,
    _Configured,
    _field,
    _input_schema,
    _positive,
)
from ninja_viewsets._reverse import absolute_uri

__all__ = ["CursorPagination"]


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
        return absolute_uri(request, f"{request.path}?{urlencode(query, doseq=True)}")


CursorPagination.Input = CursorPagination.build_input()  # type: ignore[misc,assignment]
