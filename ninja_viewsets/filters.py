"""Filtering, ordering and search for list and list-level actions.

    class BookViewSet(ModelViewSet):
        queryset = Book.objects.all()
        filter_schema = BookFilter                 # a ninja FilterSchema: typed query params
        ordering_fields = ["year", "title"]        # ?ordering=-year,title ("__all__" allowed)
        ordering = ["-year"]                       # default when ?ordering is absent
        search_fields = ["title", "^isbn", "=author__name"]   # ?search=dune frank

Search prefixes follow DRF: ``^`` starts-with, ``=`` exact, ``@`` full-text (PostgreSQL only),
``$`` regex, none: icontains. Every term must match one of the fields. Everything here is sync
and lazy: it only builds the queryset.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from functools import reduce
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connections
from django.db.models import Model, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP

from ninja_viewsets.exceptions import ValidationFailed

__all__ = [
    "InvalidQueryParameter",
    "apply_ordering",
    "apply_search",
    "check_search_fields",
    "ordering_choices",
    "search_terms",
]

_LOOKUP_PREFIXES = {"^": "istartswith", "=": "iexact", "@": "search", "$": "iregex"}


class InvalidQueryParameter(ValidationFailed):
    """422 in Ninja's validation-error shape, for a query parameter we check ourselves."""

    def __init__(self, name: str, message: str, value: Any = None) -> None:
        super().__init__(
            [{"type": "value_error", "loc": ["query", name], "msg": message, "input": value}]
        )


def ordering_choices(model: type[Model], ordering_fields: Sequence[str] | str) -> list[str]:
    """The field names ``?ordering=`` accepts (``"__all__"``: every concrete model field)."""
    if ordering_fields == "__all__":
        return [f.name for f in model._meta.concrete_fields]
    return list(ordering_fields)


def apply_ordering(
    queryset: QuerySet[Any], value: str | None, choices: list[str], default: Sequence[str] | None
) -> QuerySet[Any]:
    """Order by ``?ordering=-year,title``; an unknown field is 422 and never reaches the ORM."""
    if not value:
        return queryset.order_by(*default) if default else queryset
    fields = [part.strip() for part in value.split(",") if part.strip()]
    for item in fields:
        if item.lstrip("-") not in choices:
            raise InvalidQueryParameter(
                "ordering",
                f"Unknown ordering field {item.lstrip('-')!r}; choose from: {', '.join(choices)}.",
                value,
            )
    return queryset.order_by(*fields) if fields else queryset


def search_terms(value: str) -> list[str]:
    """Split ``?search=`` like DRF: on whitespace and commas, keeping quoted phrases."""
    value = value.replace("\x00", "")
    terms = []
    for match in re.finditer(r'"([^"]*)"|([^\s,]+)', value):
        term = (match.group(1) if match.group(1) is not None else match.group(2)).strip()
        if term:
            terms.append(term)
    return terms


def _lookup(field: str) -> tuple[str, str]:
    prefix = field[:1]
    if prefix in _LOOKUP_PREFIXES:
        return field[1:], _LOOKUP_PREFIXES[prefix]
    return field, "icontains"


def _crosses_many(model: type[Model], path: str) -> bool:
    current: Any = model
    for part in path.split(LOOKUP_SEP):
        try:
            fld = current._meta.get_field(part)
        except (FieldDoesNotExist, AttributeError):
            return False
        if fld.many_to_many or fld.one_to_many:
            return True
        if not fld.is_relation:
            return False
        current = fld.related_model
    return False


def apply_search(
    queryset: QuerySet[Any], search_fields: Sequence[str], value: str | None
) -> QuerySet[Any]:
    """Every term must match at least one of ``search_fields`` (DRF's semantics)."""
    if not value or not search_fields:
        return queryset
    terms = search_terms(value)
    if not terms:
        return queryset
    lookups = [f"{name}{LOOKUP_SEP}{kind}" for name, kind in map(_lookup, search_fields)]
    if any(kind == "iregex" for _, kind in map(_lookup, search_fields)):
        for term in terms:
            try:
                re.compile(term)
            except re.error as exc:
                raise InvalidQueryParameter(
                    "search", f"Invalid regular expression: {exc}.", value
                ) from None
    condition = reduce(
        operator.and_,
        (reduce(operator.or_, (Q(**{lookup: term}) for lookup in lookups)) for term in terms),
    )
    queryset = queryset.filter(condition)
    if any(_crosses_many(queryset.model, _lookup(f)[0]) for f in search_fields):
        queryset = queryset.distinct()
    return queryset


def check_search_fields(model: type[Model] | None, search_fields: Sequence[str]) -> None:
    """Configuration check at ``register()``: ``@`` needs PostgreSQL."""
    if model is None:
        return
    if any(f.startswith("@") for f in search_fields):
        vendor = connections[model.objects.db].vendor
        if vendor != "postgresql":
            raise ImproperlyConfigured(
                f"search_fields {list(search_fields)!r} use '@' (full-text search), which needs "
                f"PostgreSQL; this database is {vendor}. Use '^', '=' or no prefix instead."
            )
        if not apps.is_installed("django.contrib.postgres"):
            raise ImproperlyConfigured(
                "search_fields with '@' (full-text search) need 'django.contrib.postgres' in "
                "INSTALLED_APPS."
            )
