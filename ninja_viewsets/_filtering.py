"""What every filter backend shares: the base class (DRF's contract), the 422 for a query
parameter a backend checks itself, and the helpers that name query parameters.

    class IsOwnerFilterBackend(BaseFilterBackend):
        def filter_queryset(self, request, queryset, view):
            return queryset.filter(owner=request.user)

Public through ``ninja_viewsets.filters``; the backends themselves live in ``filters``
(filter schema, ordering), ``_search`` and ``_django_filter``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from ninja import Query
from pydantic import BaseModel

from ninja_viewsets.conf import get_setting
from ninja_viewsets.exceptions import ValidationFailed

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "FILTERS_PARAM",
    "BaseFilterBackend",
    "InvalidQueryParameter",
    "QueryParameters",
    "acts_on_detail",
    "check_backend",
    "check_value_length",
    "normalize_ordering",
    "ordering_choices",
    "query_names",
]

# python name -> (annotation, Query(...)): what a backend adds to an operation's signature
QueryParameters = dict[str, tuple[Any, Any]]

FILTERS_PARAM = "filters"  # the python name of the FilterSchema parameter


class InvalidQueryParameter(ValidationFailed):
    """422 in Ninja's validation-error shape, for a query parameter we check ourselves."""

    def __init__(self, name: str, message: str, value: Any = None) -> None:
        super().__init__(
            [{"type": "value_error", "loc": ["query", name], "msg": message, "input": value}]
        )


def ordering_choices(model: type[Model], ordering_fields: Sequence[str] | str) -> list[str]:
    """The field names an ``ordering_fields`` setting names (``"__all__"``: every concrete
    model field). Queryset annotations: see ``OrderingFilter.get_valid_fields``."""
    if ordering_fields == "__all__":
        return [f.name for f in model._meta.concrete_fields]
    if isinstance(ordering_fields, str):
        return [ordering_fields]
    return [item if isinstance(item, str) else item[0] for item in ordering_fields]


def normalize_ordering(value: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """``ordering`` as DRF reads it: a string is one field, a sequence is a list of fields."""
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def check_value_length(name: str, values: Iterable[str], limit: int | None = None) -> None:
    """422 for a query value over ``FILTER_MAX_VALUE_LENGTH`` characters or holding a NUL."""
    limit = get_setting("FILTER_MAX_VALUE_LENGTH") if limit is None else limit
    for value in values:
        if limit is not None and len(value) > limit:
            raise InvalidQueryParameter(
                name, f"Ensure this value has at most {limit} characters.", value[:limit] + "..."
            )
        if "\x00" in value:
            raise InvalidQueryParameter(name, "Null characters are not allowed.", value)


def _python_name(query_name: str) -> tuple[str, dict[str, Any]]:
    """A keyword for the endpoint signature, with ``alias`` when the query name is not one."""
    name = re.sub(r"\W", "_", query_name)
    if not name.isidentifier():
        name = f"q_{name}"
    return name, ({"alias": query_name} if name != query_name else {})


def query_names(name: str, annotation: Any, default: Any) -> list[str]:
    """The query string names one declared parameter reads: a schema's fields (Ninja
    flattens them), else its alias or name."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [info.alias or field for field, info in annotation.model_fields.items()]
    alias = getattr(default, "alias", None)
    return [alias if isinstance(alias, str) else name]


def _class_queryset(view: Any) -> QuerySet[Any] | None:
    """The viewset's ``queryset`` attribute (its annotations are known at ``register()``)."""
    queryset = getattr(type(view), "queryset", None)
    return queryset if isinstance(queryset, QuerySet) else None


def _is_collection(view: Any) -> bool:
    """The built-in backends act where their parameters exist: list and list-level actions."""
    return bool(getattr(view, "collection", False))


_F = TypeVar("_F", bound=Callable[..., Any])
_LIST_LEVEL: set[Callable[..., Any]] = set()  # see _list_level


def _list_level(filter_queryset: _F) -> _F:
    """Marks a ``filter_queryset`` that returns the queryset untouched on a detail lookup."""
    _LIST_LEVEL.add(filter_queryset)
    return filter_queryset


def acts_on_detail(backend_class: Any) -> bool:
    """Whether ``backend_class`` may narrow a detail lookup (``get_object()``): any backend
    but the built-in ones, whose query parameters exist on list-level operations only (a
    subclass overriding ``filter_queryset`` acts everywhere, as in DRF)."""
    return getattr(backend_class, "filter_queryset", None) not in _LIST_LEVEL


_DRF_EQUIVALENTS = {
    "SearchFilter": "SearchFilter",
    "UnaccentedSearchFilter": "UnaccentedSearchFilter",
    "OrderingFilter": "OrderingFilter",
    "DjangoFilterBackend": "DjangoFilterBackend",
}


def check_backend(view: Any, backend_class: Any) -> None:
    """At ``register()``: DRF's and django-filter's DRF backends read ``request.query_params``
    and DRF's settings; name ours instead of failing on the first request."""
    module = getattr(backend_class, "__module__", "") or ""
    if module.startswith(("rest_framework.", "django_filters.rest_framework")):
        name = getattr(backend_class, "__name__", repr(backend_class))
        ours = _DRF_EQUIVALENTS.get(name, "BaseFilterBackend (subclass it)")
        raise ImproperlyConfigured(
            f"{type(view).__name__}.filter_backends holds {module}.{name}, a DRF backend; use "
            f"ninja_viewsets.filters.{ours} instead (same attributes and hooks)."
        )


def _as_fields(fields: Any) -> Sequence[str]:
    """``search_fields = "title"`` is one field (DRF would search each letter)."""
    if not fields:
        return ()
    return (fields,) if isinstance(fields, str) else fields


class BaseFilterBackend:
    """A base class for filter backends (DRF's contract).

    Override ``filter_queryset(request, queryset, view)`` (sync or ``async def``) to return the
    narrowed queryset, and ``get_query_parameters(view)`` to declare the query parameters it
    reads (typed in OpenAPI and validated by Ninja). A DRF backend's
    ``get_schema_operation_parameters(view)`` is read too: each query entry becomes an optional
    string parameter.
    """

    def filter_queryset(self, request: HttpRequest, queryset: QuerySet[Any], view: Any) -> Any:
        """Return a filtered queryset."""
        raise NotImplementedError(".filter_queryset() must be overridden.")

    def get_query_parameters(self, view: Any) -> QueryParameters:
        """Query parameters of a list operation, by python name (called at ``register()``)."""
        params: QueryParameters = {}
        for entry in self.get_schema_operation_parameters(view):
            if entry.get("in", "query") != "query":
                continue
            name, alias = _python_name(entry["name"])
            required = bool(entry.get("required"))
            default = ... if required else None
            params[name] = (
                str if required else str | None,
                Query(default, description=entry.get("description"), **alias),
            )
        return params

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return []
