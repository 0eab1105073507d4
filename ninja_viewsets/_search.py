"""``SearchFilter``: ``?search=dune frank``, every term matching one of ``search_fields``.

    class BookViewSet(ModelViewSet):
        queryset = Book.objects.all()
        search_fields = ["title", "^isbn", "=author__name"]

Search prefixes follow DRF: ``^`` starts-with, ``=`` exact, ``@`` full-text (PostgreSQL only),
``$`` regex, none: icontains; a field with its own lookup (``"text__iendswith"``) keeps it.
Public through ``ninja_viewsets.filters``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from functools import reduce
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, FieldError, ImproperlyConfigured
from django.db import connections, models
from django.db.models import Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.utils.text import smart_split, unescape_string_literal
from ninja import Query

from ninja_viewsets._filtering import (
    BaseFilterBackend,
    InvalidQueryParameter,
    QueryParameters,
    _as_fields,
    _class_queryset,
    _is_collection,
    _list_level,
    _python_name,
)
from ninja_viewsets.conf import get_setting

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["SearchFilter", "UnaccentedSearchFilter", "search_smart_split"]


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
