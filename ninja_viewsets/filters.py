"""Filter backends: filtering, search and ordering for list and list-level actions.

    class BookViewSet(ModelViewSet):
        queryset = Book.objects.all()
        filter_schema = BookFilter                 # a ninja FilterSchema: typed query params
        ordering_fields = ["year", "title"]        # ?ordering=-year,title ("__all__" allowed)
        ordering = ["-year"]                       # default when ?ordering is absent
        search_fields = ["title", "^isbn", "=author__name"]   # ?search=dune frank

As in DRF, a viewset's ``filter_backends`` are applied in order by ``filter_queryset()``; the
default list (``NINJA_VIEWSETS["DEFAULT_FILTER_BACKENDS"]``) holds ``FilterSchemaBackend``,
``SearchFilter`` and ``OrderingFilter``, each acting only where the viewset configures it.
A backend's ``filter_queryset(request, queryset, view)`` may be sync (it only builds the lazy
queryset: it runs inline, no thread) or ``async def`` (it may await the ORM). Its
``get_query_parameters(view)`` names the typed query parameters it reads, so OpenAPI stays
typed; they exist on list and ``paginate=True`` actions only, never on detail routes.

Search prefixes follow DRF: ``^`` starts-with, ``=`` exact, ``@`` full-text (PostgreSQL only),
``$`` regex, none: icontains; a field with its own lookup (``"text__iendswith"``) keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db.models import Model, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.dispatch import receiver
from ninja import FilterSchema, Query
from pydantic import BaseModel

from ninja_viewsets._django_filter import DjangoFilterBackend
from ninja_viewsets._filtering import (
    FILTERS_PARAM,
    BaseFilterBackend,
    InvalidQueryParameter,
    QueryParameters,
    _as_fields,
    _class_queryset,
    _is_collection,
    _list_level,
    _python_name,
    acts_on_detail,
    check_value_length,
    normalize_ordering,
    ordering_choices,
)
from ninja_viewsets._search import SearchFilter, UnaccentedSearchFilter, search_smart_split
from ninja_viewsets.conf import get_setting

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "BaseFilterBackend",
    "DjangoFilterBackend",
    "FilterSchemaBackend",
    "InvalidQueryParameter",
    "OrderingFilter",
    "QueryParameters",
    "SearchFilter",
    "UnaccentedSearchFilter",
    "normalize_ordering",
    "ordering_choices",
    "search_smart_split",
]


# -- filter_schema ----------------------------------------------------------------------------


class FilterSchemaBackend(BaseFilterBackend):
    """The viewset's ``filter_schema`` (a Ninja ``FilterSchema``): its fields are the query
    parameters; each raw value is bounded by ``FILTER_MAX_VALUE_LENGTH``."""

    def get_query_parameters(self, view: Any) -> QueryParameters:
        schema = getattr(view, "filter_schema", None)
        if schema is None:
            return {}
        return {FILTERS_PARAM: (schema, Query(...))}

    @_list_level
    def filter_queryset(self, request: HttpRequest, queryset: QuerySet[Any], view: Any) -> Any:
        filters = (getattr(view, "params", None) or {}).get(FILTERS_PARAM)
        if filters is None or not _is_collection(view):
            return queryset
        for name in _query_names(type(filters)):
            if name in request.GET:
                check_value_length(name, request.GET.getlist(name))
        return filters.filter(queryset)


_query_names_cache: dict[type[BaseModel], tuple[str, ...]] = {}


def _query_names(schema: type[BaseModel]) -> tuple[str, ...]:
    try:
        return _query_names_cache[schema]
    except KeyError:
        names = tuple(info.alias or name for name, info in schema.model_fields.items())
        _query_names_cache[schema] = names
        return names


# -- ordering ---------------------------------------------------------------------------------


_user_backends: list[bool] = []  # whether NINJA_VIEWSETS sets DEFAULT_FILTER_BACKENDS


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs: Any) -> None:
    if setting == "NINJA_VIEWSETS":
        _user_backends.clear()


def _opted_in(view: Any) -> bool:
    """DRF's OrderingFilter was listed by the user: on the viewset or in the settings."""
    if getattr(view, "filter_backends", None) is not None:
        return True
    if not _user_backends:
        user = getattr(settings, "NINJA_VIEWSETS", None) or {}
        _user_backends.append("DEFAULT_FILTER_BACKENDS" in user)
    return _user_backends[0]


_schema_fields_cache: dict[tuple[type[Model], Any], tuple[str, ...]] = {}


def schema_ordering_fields(model: type[Model], schema: Any) -> tuple[str, ...]:
    """The model paths an output schema reads, DRF's default ``ordering_fields``: each field's
    source (alias ``author.name`` -> ``author__name``), when it is a column or a foreign key
    (properties, methods and many-valued relations are left out)."""
    key = (model, schema)
    try:
        return _schema_fields_cache[key]
    except KeyError:
        pass
    found: list[str] = []
    for name, info in getattr(schema, "model_fields", {}).items():
        source = info.alias if isinstance(info.alias, str) else None
        if source is None and isinstance(info.validation_alias, str):
            source = info.validation_alias
        path = (source or name).replace(".", LOOKUP_SEP)
        if _orderable(model, path) and path not in found:
            found.append(path)
    if len(_schema_fields_cache) > 1000:  # schemas made per call must not grow it forever
        _schema_fields_cache.clear()
    result = _schema_fields_cache[key] = tuple(found)
    return result


def _orderable(model: type[Model], path: str) -> bool:
    opts: Any = model._meta
    parts = path.split(LOOKUP_SEP)
    for index, part in enumerate(parts):
        try:
            fld = opts.pk if part == "pk" else opts.get_field(part)
        except FieldDoesNotExist:
            return False
        if fld.many_to_many or fld.one_to_many:
            return False
        if fld.is_relation and index < len(parts) - 1:
            opts = fld.related_model._meta
        elif index < len(parts) - 1:
            return False  # a transform or lookup: not a plain path
        elif not getattr(fld, "concrete", False):
            return False
    return True


class OrderingFilter(BaseFilterBackend):
    """``?ordering=-year,title`` among ``ordering_fields``, else the viewset's ``ordering``.

    ``ordering_fields``: a list, ``"__all__"`` (every model field and queryset annotation) or,
    when not set and this backend is listed in ``filter_backends`` (the viewset's or the
    ``DEFAULT_FILTER_BACKENDS`` setting), the output schema's fields. ``strict`` (default): an
    unknown or malformed field is a 422 naming it; ``strict = False`` ignores it as DRF does.
    An empty or all-ignored value falls back to the default ordering.
    """

    ordering_param: str | None = None  # None: NINJA_VIEWSETS["ORDERING_PARAM"] ("ordering")
    ordering_fields: Sequence[str] | str | None = None
    ordering_description = "Which field to use when ordering the results."
    strict: bool = True

    def get_ordering_param(self) -> str:
        return str(self.ordering_param or get_setting("ORDERING_PARAM"))

    def get_ordering(
        self, request: HttpRequest, queryset: QuerySet[Any], view: Any
    ) -> Sequence[str] | None:
        """The ordering to apply: the valid terms of ``?ordering=``, else the default."""
        name = self.get_ordering_param()
        value = request.GET.get(name) if self._accepts_param(view) else None
        if value:
            check_value_length(name, [value])
            fields = [part.strip() for part in value.split(",")]
            ordering = self.remove_invalid_fields(queryset, [f for f in fields if f], view, request)
            if ordering:
                return ordering
        return self.get_default_ordering(view)

    def get_default_ordering(self, view: Any) -> tuple[str, ...] | None:
        return normalize_ordering(getattr(view, "ordering", None))

    def get_default_valid_fields(self, queryset: QuerySet[Any], view: Any) -> list[str]:
        """Without ``ordering_fields``: the fields of the action's output schema."""
        schema = view.get_output_schema() if hasattr(view, "get_output_schema") else None
        if schema is None:
            raise ImproperlyConfigured(
                f"Cannot use {type(self).__name__} on {type(view).__name__}, which has "
                f"neither an output schema nor an `ordering_fields` attribute."
            )
        fields = list(schema_ordering_fields(queryset.model, schema))
        annotations = queryset.query.annotations
        for name in getattr(schema, "model_fields", {}):
            if name in annotations and name not in fields:
                fields.append(name)
        return fields

    def get_valid_fields(self, queryset: QuerySet[Any], view: Any) -> list[str]:
        valid = getattr(view, "ordering_fields", None)
        if valid is None:
            valid = self.ordering_fields
        if valid is None:
            return self.get_default_valid_fields(queryset, view)
        if valid == "__all__":
            names = [f.name for f in queryset.model._meta.concrete_fields]
            return names + list(queryset.query.annotations)
        if isinstance(valid, str):
            return [valid]
        return [item if isinstance(item, str) else item[0] for item in valid]

    def remove_invalid_fields(
        self, queryset: QuerySet[Any], fields: list[str], view: Any, request: HttpRequest
    ) -> list[str]:
        """The terms naming a valid field (``-`` once for descending); with ``strict``, any
        other term is a 422 that names it and the choices."""
        valid = set(self.get_valid_fields(queryset, view))
        kept = []
        for term in fields:
            if term.removeprefix("-") in valid:
                kept.append(term)
            elif self.strict:
                raise InvalidQueryParameter(
                    self.get_ordering_param(),
                    f"Unknown ordering field {term!r}; choose from: "
                    f"{', '.join(sorted(valid))} ('-' in front for descending).",
                    ",".join(fields),
                )
        return kept

    @_list_level
    def filter_queryset(self, request: HttpRequest, queryset: QuerySet[Any], view: Any) -> Any:
        if not _is_collection(view):
            return queryset
        if getattr(view, "ordering", None) is None and not self._accepts_param(view):
            return queryset  # nothing to order by (the common unconfigured list)
        ordering = self.get_ordering(request, queryset, view)
        return queryset.order_by(*ordering) if ordering else queryset

    def _accepts_param(self, view: Any) -> bool:
        return (
            getattr(view, "ordering_fields", None) is not None
            or self.ordering_fields is not None
            or _opted_in(view)
        )

    def check_ordering(self, view: Any) -> None:
        """At ``register()``: ``ordering`` and ``ordering_fields`` name real fields (or
        annotations of the viewset's ``queryset``), so no request meets a FieldError."""
        queryset = _class_queryset(view)
        if queryset is None:
            return
        listed = getattr(view, "ordering_fields", None) or self.ordering_fields
        checks: list[tuple[str, Sequence[Any]]] = [
            ("ordering", self.get_default_ordering(view) or ())
        ]
        if listed and listed != "__all__":
            names = [listed] if isinstance(listed, str) else listed
            checks.append(("ordering_fields", [n if isinstance(n, str) else n[0] for n in names]))
        for attribute, terms in checks:
            strings = [t for t in terms if isinstance(t, str) and t != "?"]
            try:
                queryset.order_by(*strings)
            except (FieldError, FieldDoesNotExist) as exc:
                raise ImproperlyConfigured(
                    f"{type(view).__name__}.{attribute} = {getattr(view, attribute)!r}: {exc} "
                    f"Name fields of "
                    f"{queryset.model.__name__} or annotations of `queryset`."
                ) from None

    def get_query_parameters(self, view: Any) -> QueryParameters:
        self.check_ordering(view)
        if not self._accepts_param(view):
            return {}
        model = view.get_model()
        choices: list[str] = []
        if model is not None:
            queryset = view.queryset if view.queryset is not None else model._default_manager.all()
            choices = self.get_valid_fields(queryset, view)
        name, alias = _python_name(self.get_ordering_param())
        description = (
            "Comma-separated fields, '-' for descending; one of: " + ", ".join(choices)
            if choices
            else self.ordering_description
        )
        return {name: (str | None, Query(None, description=description, **alias))}


def inert_for(backend_class: Any, view: Any) -> bool:
    """Whether ``backend_class`` returns every queryset of ``view``'s operation untouched, so
    that it need not run per request: a built-in backend on a detail lookup, or one that
    ``view`` configures nothing for (no ``filter_schema``, no ``search_fields``, no
    ``ordering`` and no ordering parameter). A backend with an overridden hook always runs."""
    if not _is_collection(view):
        return not acts_on_detail(backend_class)
    method = getattr(backend_class, "filter_queryset", None)
    if method is FilterSchemaBackend.filter_queryset:
        return getattr(view, "filter_schema", None) is None
    if method is SearchFilter.filter_queryset:
        return backend_class.get_search_fields is SearchFilter.get_search_fields and not (
            _as_fields(getattr(view, "search_fields", None))
        )
    if method is OrderingFilter.filter_queryset:
        return (
            backend_class._accepts_param is OrderingFilter._accepts_param
            and getattr(view, "ordering", None) is None
            and not backend_class()._accepts_param(view)
        )
    return False


def idle_for(backend_class: Any, view: Any, request: HttpRequest) -> bool:
    """Whether ``backend_class`` (one :func:`inert_for` keeps) leaves this list request's
    queryset exactly as it leaves any other request without its query parameters, so that the
    list's SQL may be kept (``_object_queries.KeptPages``): one of the library's own classes
    (not a subclass), with a filter schema whose expression is empty for this request (every
    value ``None``; Ninja's own ``filter()``), no search terms, no ``?ordering=`` (the viewset's
    default ordering is the same for every request)."""
    if backend_class is FilterSchemaBackend:
        filters = (getattr(view, "params", None) or {}).get(FILTERS_PARAM)
        if filters is None:
            return True
        schema = type(filters)
        return (
            isinstance(filters, FilterSchema)
            and schema.filter is FilterSchema.filter
            and schema.get_filter_expression is FilterSchema.get_filter_expression
            and not filters.get_filter_expression()
        )
    if backend_class is SearchFilter:
        return not SearchFilter().get_search_terms(request)
    if backend_class is OrderingFilter:
        return OrderingFilter().get_ordering_param() not in request.GET
    return False
