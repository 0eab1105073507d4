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

import operator
import re
from collections.abc import Callable, Iterable, Sequence
from functools import reduce
from typing import TYPE_CHECKING, Any, TypeVar

from asgiref.sync import sync_to_async
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import connections, models
from django.db.models import Model, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.dispatch import receiver
from django.utils.text import smart_split, unescape_string_literal
from ninja import Query
from pydantic import BaseModel

from ninja_viewsets.conf import get_setting
from ninja_viewsets.exceptions import ValidationFailed

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


# -- search -----------------------------------------------------------------------------------


def search_smart_split(search_terms: str) -> list[str]:
    """DRF's split: whitespace and commas separate terms, quoted phrases stay together."""
    split_terms = []
    for term in smart_split(search_terms):
        term = term.strip(",")  # commas around a quoted phrase are separators
        if term.startswith(('"', "'")) and term[0] == term[-1] and len(term) > 1:
            split_terms.append(unescape_string_literal(term))
        else:
            split_terms.extend(sub.strip() for sub in term.split(",") if sub)
    return split_terms


class SearchFilter(BaseFilterBackend):
    """``?search=dune frank``: every term must match one of ``search_fields`` (DRF's)."""

    search_param: str | None = None  # None: NINJA_VIEWSETS["SEARCH_PARAM"] ("search")
    lookup_prefixes = {"^": "istartswith", "=": "iexact", "@": "search", "$": "iregex"}
    default_lookup = "icontains"
    search_description = "A search term."
    max_terms: int | None = None  # None: NINJA_VIEWSETS["SEARCH_MAX_TERMS"]
    max_term_length: int | None = None  # None: NINJA_VIEWSETS["SEARCH_MAX_TERM_LENGTH"]

    def get_search_param(self) -> str:
        return str(self.search_param or get_setting("SEARCH_PARAM"))

    def get_search_fields(self, view: Any, request: HttpRequest | None) -> Sequence[str] | None:
        """The fields to search; override to choose them per request (``request`` is ``None``
        at ``register()``, where the default fields are checked and documented)."""
        return getattr(view, "search_fields", None)

    def get_search_terms(self, request: HttpRequest) -> list[str]:
        """The terms of ``?search=``: split like DRF, NUL refused, count and length bounded."""
        name = self.get_search_param()
        value = request.GET.get(name, "")
        if "\x00" in value:
            raise InvalidQueryParameter(name, "Null characters are not allowed.", value)
        terms = search_smart_split(value)
        max_terms = (
            self.max_terms if self.max_terms is not None else get_setting("SEARCH_MAX_TERMS")
        )
        if max_terms is not None and len(terms) > max_terms:
            raise InvalidQueryParameter(
                name, f"Ensure this value has at most {max_terms} search terms.", value[:200]
            )
        limit = self.max_term_length
        if limit is None:
            limit = get_setting("SEARCH_MAX_TERM_LENGTH")
        if limit is not None:
            for term in terms:
                if len(term) > limit:
                    raise InvalidQueryParameter(
                        name,
                        f"Ensure each search term has at most {limit} characters.",
                        term[:limit] + "...",
                    )
        return terms

    def construct_search(self, field_name: str, queryset: QuerySet[Any]) -> str:
        """The ORM lookup of one search field: its prefix, its own lookup, or the default."""
        lookup = self.lookup_prefixes.get(field_name[:1])
        if lookup:
            return f"{field_name[1:]}{LOOKUP_SEP}{lookup}"
        opts: Any = queryset.model._meta
        prev_field = None
        for part in field_name.split(LOOKUP_SEP):
            if part == "pk":
                part = opts.pk.name
            try:
                fld = opts.get_field(part)
            except FieldDoesNotExist:
                if prev_field is not None and prev_field.get_lookup(part):
                    return field_name  # the field names its own lookup: keep it
            else:
                prev_field = fld
                if hasattr(fld, "path_infos"):
                    opts = fld.path_infos[-1].to_opts
        return f"{field_name}{LOOKUP_SEP}{self.default_lookup}"

    def must_call_distinct(self, queryset: QuerySet[Any], search_fields: Sequence[str]) -> bool:
        """True when a field crosses a many-valued relation (rows would repeat)."""
        annotations = queryset.query.annotations if isinstance(queryset, QuerySet) else {}
        for search_field in search_fields:
            opts: Any = queryset.model._meta
            if search_field[:1] in self.lookup_prefixes:
                search_field = search_field[1:]
            if search_field in annotations:
                continue
            for part in search_field.split(LOOKUP_SEP):
                try:
                    fld = opts.get_field(opts.pk.name if part == "pk" else part)
                except FieldDoesNotExist:
                    break  # a lookup or transform: the path ends here
                if not hasattr(fld, "path_infos"):
                    break
                path_infos = fld.path_infos
                opts = path_infos[-1].to_opts
                if any(p.m2m for p in path_infos):
                    return True
        return False

    @_list_level
    def filter_queryset(self, request: HttpRequest, queryset: QuerySet[Any], view: Any) -> Any:
        if not _is_collection(view):
            return queryset
        search_fields = _as_fields(self.get_search_fields(view, request))
        if not search_fields:
            return queryset
        terms = self.get_search_terms(request)
        if not terms:
            return queryset
        lookups = [self.construct_search(str(f), queryset) for f in search_fields]
        if any(lookup.endswith("regex") for lookup in lookups):
            for term in terms:
                try:
                    re.compile(term)
                except re.error as exc:
                    raise InvalidQueryParameter(
                        self.get_search_param(), f"Invalid regular expression: {exc}.", term
                    ) from None
        condition = reduce(
            operator.and_,
            (reduce(operator.or_, (Q(**{lookup: term}) for lookup in lookups)) for term in terms),
        )
        base = queryset
        queryset = queryset.filter(condition)
        if self.must_call_distinct(queryset, search_fields):
            # as Django's admin: EXISTS instead of DISTINCT keeps ordering by any column valid
            queryset = base.filter(models.Exists(queryset.filter(pk=models.OuterRef("pk"))))
        return queryset

    def get_query_parameters(self, view: Any) -> QueryParameters:
        fields = _as_fields(self.get_search_fields(view, None))
        overridden = type(self).get_search_fields is not SearchFilter.get_search_fields
        if not fields and not overridden:
            return {}
        self.check_search_fields(view, fields or ())
        queryset = _class_queryset(view)
        if queryset is not None and fields:
            for field_name in fields:
                lookup = self.construct_search(str(field_name), queryset)
                try:
                    queryset.filter(Q(**{lookup: "x"}))
                except (FieldError, FieldDoesNotExist) as exc:
                    raise ImproperlyConfigured(
                        f"{type(view).__name__}.search_fields: {field_name!r} is not a field "
                        f"path of {queryset.model.__name__} ({exc}). Fix the name, or add "
                        f"the annotation to `queryset`."
                    ) from None
        name, alias = _python_name(self.get_search_param())
        description = self.search_description
        if fields:
            description = f"Search terms in: {', '.join(map(str, fields))}."
        return {name: (str | None, Query(None, description=description, **alias))}

    def check_search_fields(self, view: Any, search_fields: Sequence[str]) -> None:
        """At ``register()``: ``@`` and unaccent lookups need PostgreSQL."""
        model = view.get_model()
        if model is None:
            return
        lookups = [self._prefixed_lookup(str(f)) for f in search_fields]
        needs = {"full-text search ('@')": any(lk == "search" for lk in lookups)}
        needs["unaccent"] = any("unaccent" in lk for lk in lookups) or any(
            "unaccent" in str(f).split(LOOKUP_SEP) for f in search_fields
        )
        for what, needed in needs.items():
            if not needed:
                continue
            vendor = connections[model.objects.db].vendor
            if vendor != "postgresql":
                raise ImproperlyConfigured(
                    f"{type(view).__name__}.search_fields {list(search_fields)!r} use {what}, "
                    f"which needs PostgreSQL; this database is {vendor}. Use '^', '=' or no "
                    f"prefix instead (and {type(self).__name__} without unaccent)."
                )
            if not apps.is_installed("django.contrib.postgres"):
                raise ImproperlyConfigured(
                    f"{type(view).__name__}.search_fields use {what}: add "
                    f"'django.contrib.postgres' to INSTALLED_APPS."
                )

    def _prefixed_lookup(self, field_name: str) -> str:
        return self.lookup_prefixes.get(field_name[:1], self.default_lookup)


class UnaccentedSearchFilter(SearchFilter):
    """Accent-insensitive ``SearchFilter`` (DRF's): PostgreSQL with the ``unaccent``
    extension and ``django.contrib.postgres`` installed. ``@`` stays accent-sensitive."""

    lookup_prefixes = {
        "^": "unaccent__istartswith",
        "=": "unaccent__iexact",
        "@": "search",
        "$": "unaccent__iregex",
    }
    default_lookup = "unaccent__icontains"


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


# -- django-filter ----------------------------------------------------------------------------


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


class DjangoFilterBackend(BaseFilterBackend):
    """A django-filter ``FilterSet`` (``pip install ninja-viewsets[filter]``): the viewset's
    ``filterset_class``, or one built from ``filterset_fields``. Its filters become query
    parameters (typed in OpenAPI, validated by the FilterSet's form: an invalid value is a 422
    naming the parameter); each raw value is bounded by ``FILTER_MAX_VALUE_LENGTH``.

        class BookViewSet(ModelViewSet):
            queryset = Book.objects.all()
            filter_backends = [DjangoFilterBackend, OrderingFilter]
            filterset_fields = ["year", "author"]          # ?year=1965&author=1
    """

    def __init__(self) -> None:
        try:
            import django_filters
        except ImportError:  # pragma: no cover - the extra is installed in the test env
            raise ImproperlyConfigured(
                "DjangoFilterBackend needs django-filter: pip install 'ninja-viewsets[filter]'."
            ) from None
        self.filterset_base = django_filters.FilterSet

    def get_filterset_class(self, view: Any, queryset: QuerySet[Any] | None = None) -> Any:
        """``view.filterset_class``, or a FilterSet over ``view.filterset_fields`` (cached)."""
        filterset_class = getattr(view, "filterset_class", None)
        filterset_fields = getattr(view, "filterset_fields", None)
        model = queryset.model if queryset is not None else view.get_model()
        if filterset_class is not None:
            filterset_model = filterset_class._meta.model
            if filterset_model and model is not None and not issubclass(model, filterset_model):
                raise ImproperlyConfigured(
                    f"{type(view).__name__}.filterset_class {filterset_class.__name__} is for "
                    f"{filterset_model.__name__}, but the queryset's model is {model.__name__}."
                )
            return filterset_class
        if filterset_fields and model is not None:
            key = (type(self), model, repr(filterset_fields))
            try:
                return _autofiltersets[key]
            except KeyError:
                pass
            meta_base: Any = getattr(self.filterset_base, "Meta", object)
            meta = type("Meta", (meta_base,), {"model": model, "fields": filterset_fields})
            name = f"{model.__name__}FilterSet"
            cls = _autofiltersets[key] = type(name, (self.filterset_base,), {"Meta": meta})
            return cls
        return None

    def get_filterset_kwargs(
        self, request: HttpRequest, queryset: QuerySet[Any], view: Any
    ) -> dict[str, Any]:
        return {"data": request.GET, "queryset": queryset, "request": request}

    def get_filterset(self, request: HttpRequest, queryset: QuerySet[Any], view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return None
        return filterset_class(**self.get_filterset_kwargs(request, queryset, view))

    @_list_level
    async def filter_queryset(
        self, request: HttpRequest, queryset: QuerySet[Any], view: Any
    ) -> Any:
        if not _is_collection(view):
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        given = [name for name in _filterset_query_names(type(filterset)) if name in request.GET]
        for name in given:
            check_value_length(name, request.GET.getlist(name))
        # the form may query the database (a model choice): off the event loop, and only
        # when the request filters at all
        valid = await sync_to_async(filterset.is_valid)() if given else filterset.is_valid()
        if not valid:
            errors = []
            for filter_name, messages in filterset.errors.items():
                flt = filterset.filters.get(filter_name)
                names = _filter_query_names(filter_name, flt) if flt else [filter_name]
                # a range's error is the filter's: name the parameters the client sent
                for name in [n for n in names if n in request.GET] or names[:1]:
                    errors.append(
                        {
                            "type": "value_error",
                            "loc": ["query", name],
                            "msg": " ".join(str(m) for m in messages),
                            "input": request.GET.get(name),
                        }
                    )
            raise ValidationFailed(errors)
        return filterset.qs

    def get_query_parameters(self, view: Any) -> QueryParameters:
        filterset_class = self.get_filterset_class(view)
        if filterset_class is None:
            return {}
        params: QueryParameters = {}
        for filter_name, flt in filterset_class.base_filters.items():
            for query_name in _filter_query_names(filter_name, flt):
                name, alias = _python_name(query_name)
                params[name] = _filter_parameter(flt, alias)
        return params


_autofiltersets: dict[Any, Any] = {}


def _filter_query_names(filter_name: str, flt: Any) -> list[str]:
    widget = flt.field.widget
    suffixes = getattr(widget, "suffixes", None)
    if suffixes:  # a range: name_min / name_max, name_after / name_before
        return [f"{filter_name}_{s}" if s else filter_name for s in suffixes]
    return [filter_name]


_filterset_names_cache: dict[Any, tuple[str, ...]] = {}


def _filterset_query_names(filterset_class: Any) -> tuple[str, ...]:
    try:
        return _filterset_names_cache[filterset_class]
    except KeyError:
        names = tuple(
            q for n, f in filterset_class.base_filters.items() for q in _filter_query_names(n, f)
        )
        _filterset_names_cache[filterset_class] = names
        return names


def _filter_parameter(flt: Any, alias: dict[str, Any]) -> tuple[Any, Any]:
    """An optional query parameter documented with the filter's type (the FilterSet
    validates the value, so Ninja reads it as a string)."""
    from typing import Annotated

    import django_filters as df
    from pydantic import WithJsonSchema

    schema: dict[str, Any] = {"type": "string"}
    if isinstance(flt, df.DateTimeFromToRangeFilter | df.IsoDateTimeFromToRangeFilter):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(flt, df.DateFromToRangeFilter):
        schema = {"type": "string", "format": "date"}
    elif isinstance(flt, df.RangeFilter | df.NumericRangeFilter):
        schema = {"type": "number"}
    elif isinstance(flt, df.BaseCSVFilter):
        schema = {"type": "string", "description": "Comma-separated values."}
    elif isinstance(flt, df.NumberFilter):
        schema = {"type": "number"}
    elif isinstance(flt, df.BooleanFilter):
        schema = {"type": "boolean"}
    elif isinstance(flt, df.DateTimeFilter):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(flt, df.DateFilter):
        schema = {"type": "string", "format": "date"}
    elif isinstance(flt, df.UUIDFilter):
        schema = {"type": "string", "format": "uuid"}
    elif isinstance(flt, df.ModelChoiceFilter | df.ModelMultipleChoiceFilter):
        pk = flt.queryset.model._meta.pk if flt.queryset is not None else None
        if isinstance(pk, models.AutoField | models.BigAutoField | models.IntegerField):
            schema = {"type": "integer"}
    elif isinstance(flt, df.ChoiceFilter | df.MultipleChoiceFilter):
        choices = [str(value) for value, _ in flt.extra.get("choices") or () if value != ""]
        if choices:
            schema = {"type": "string", "enum": choices}
    description = flt.label if isinstance(flt.label, str) else None
    if isinstance(flt, df.MultipleChoiceFilter | df.ModelMultipleChoiceFilter):
        annotation: Any = list[str] | None  # Ninja reads a list from repeated parameters
    else:
        annotation = Annotated[str | None, WithJsonSchema(schema)]
    return annotation, Query(None, description=description, **alias)
