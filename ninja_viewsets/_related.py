"""Foreign key and many-to-many ids in a write's body, checked before the write.

DRF's ``PrimaryKeyRelatedField`` looks each id up while validating; here one query per
relation field covers every id of the request (of a whole batch for bulk writes), in the hop
of the write when the request has a transaction. An id outside the viewset's
``get_related_queryset(field)`` (the related model's default manager) is a 422 at its field:
``Invalid pk "99" - object does not exist.`` A model without relations costs nothing.

The database's own foreign keys stay the fallback for a row deleted between the check and the
commit (see ``APIView.ahandle_exception`` in views.py).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from pydantic import BaseModel

from ninja_viewsets.exceptions import field_errors

__all__ = [
    "NO_RELATED",
    "Found",
    "RelatedCheck",
    "RelatedIds",
    "found_related",
    "missing_related",
    "related_checks",
    "related_errors",
]


@functools.cache
def _relations(model: type[Model]) -> dict[str, Any]:
    """``{schema key: field}`` of ``model``'s foreign keys (by name and ``attname``) and
    many-to-many fields; empty for a model without relations (the check then costs nothing)."""
    found: dict[str, Any] = {}
    for fld in model._meta.fields:
        if fld.is_relation:
            found[fld.name] = found[fld.attname] = fld
    for fld in model._meta.many_to_many:
        found[fld.name] = fld
    return found


_INVALID = object()  # an id that cannot name a row (wrong type, past 64 bits)
_BIGINT = 2**63


class RelatedCheck(NamedTuple):
    """The ids one relation field of a write names: one query for all of them."""

    key: str  # the key of ``model_values()`` (``author_id``, ``tags``)
    field: Any  # the model field
    target: Any  # the related model's field the ids are values of
    loc: str  # the body's name of it (``author`` or ``author_id``)

    def normal(self, pk: Any) -> Any:
        """``pk`` as the database returns it (``"3"`` is ``3``), or ``_INVALID``."""
        try:
            value = self.target.to_python(pk)
            hash(value)
        except (DjangoValidationError, TypeError, ValueError):
            return _INVALID
        if isinstance(value, int) and not -_BIGINT <= value < _BIGINT:
            return _INVALID
        return value

    def ids(self, value: Any) -> list[Any]:
        """The ids ``value`` (a foreign key's id, a list of many-to-many ids) names."""
        items = value if self.field.many_to_many else [value]
        return [pk for pk in items if pk is not None and not isinstance(pk, Model)]

    def query(self, view: Any, ids: Iterable[Any]) -> Any:
        """The rows of ``view.get_related_queryset(field)`` that ``ids`` name: a foreign
        key's objects (the write then caches them, as DRF's field does), many-to-many ids."""
        attname = self.target.attname
        queryset = view.get_related_queryset(self.field).filter(**{f"{attname}__in": ids})
        if self.field.many_to_many:
            return queryset.values_list(attname, flat=True)
        return queryset

    def found(self, rows: Iterable[Any]) -> Found:
        """What :meth:`query` found, by id."""
        if self.field.many_to_many:
            return set(rows)
        attname = self.target.attname
        return {getattr(obj, attname): obj for obj in rows}


Found = dict[Any, Any] | set[Any]  # a foreign key's objects by id; many-to-many ids


def related_checks(
    model: type[Model],
    rows: Iterable[tuple[dict[str, Any], dict[str, Any]]],
    schema: type[BaseModel] | None = None,
) -> dict[RelatedCheck, set[Any]]:
    """Per relation field, the ids that ``rows`` (``model_values()`` pairs of ``schema``)
    name."""
    relations = _relations(model)
    wanted: dict[RelatedCheck, set[Any]] = {}
    if not relations:
        return wanted
    named = schema.model_fields if schema is not None else {}
    for concrete, many in rows:
        for values in (concrete, many):
            for key, value in values.items():
                fld = relations.get(key)
                if fld is None or value is None or isinstance(value, Model):
                    continue
                target = fld.related_model._meta.pk if fld.many_to_many else fld.target_field
                loc = fld.name if key not in named and fld.name in named else key
                check = RelatedCheck(key, fld, target, loc)
                ids = wanted.setdefault(check, set())
                ids.update(n for n in map(check.normal, check.ids(value)) if n is not _INVALID)
    return wanted


def related_errors(
    checks: dict[RelatedCheck, set[Any]],
    found: dict[RelatedCheck, Found],
    sent: dict[str, Any],
) -> list[tuple[str, str, str]]:
    """``(field, type, message)`` for each id of one row (``sent``: its ``model_values()``)
    that ``found`` does not hold."""
    errors = []
    for check in checks:
        value = sent.get(check.key)
        if value is None or isinstance(value, Model):
            continue
        for pk in check.ids(value):
            if check.normal(pk) not in found[check]:
                errors.append((check.loc, "does_not_exist", _missing_message(pk)))
    return errors


def _missing_message(pk: Any) -> str:
    return f'Invalid pk "{pk}" - object does not exist.'


def found_now(view: Any, checks: dict[RelatedCheck, set[Any]]) -> dict[RelatedCheck, Found]:
    """What the ids of ``checks`` name: one query per relation field (sync: in the write's
    hop, before the write)."""
    return {
        check: check.found(check.query(view, ids) if ids else ()) for check, ids in checks.items()
    }


async def found_related(
    view: Any, checks: dict[RelatedCheck, set[Any]]
) -> dict[RelatedCheck, Found]:
    """:func:`found_now` through the async ORM (a write outside the request's transaction)."""
    found: dict[RelatedCheck, Found] = {}
    for check, ids in checks.items():
        found[check] = check.found([row async for row in check.query(view, ids)] if ids else ())
    return found


class RelatedIds(NamedTuple):
    """The related ids one write's body names, to check before the write."""

    checks: dict[RelatedCheck, set[Any]]
    sent: dict[str, Any]  # the body's values of those fields

    @classmethod
    def of(
        cls, model: type[Model], data: BaseModel, concrete: dict[str, Any], many: dict[str, Any]
    ) -> RelatedIds:
        """The ids of ``data`` (``concrete`` and ``many``: its ``model_values()``)."""
        checks = related_checks(model, [(concrete, many)], type(data))
        if not checks:
            return NO_RELATED
        sent = {c.key: concrete[c.key] if c.key in concrete else many[c.key] for c in checks}
        return cls(checks, sent)

    def check_now(self, view: Any, concrete: dict[str, Any]) -> None:
        """422 at each field whose ids name no row (sync: in the write's hop, before it); the
        foreign keys' objects found go into ``concrete`` (the response reads them cached)."""
        if self.checks:
            found = found_now(view, self.checks)
            self._raise(view, found)
            self._attach(found, concrete)

    async def check(self, view: Any, concrete: dict[str, Any]) -> None:
        """:meth:`check_now` through the async ORM (a write without the request's transaction)."""
        if self.checks:
            found = await found_related(view, self.checks)
            self._raise(view, found)
            self._attach(found, concrete)

    def _raise(self, view: Any, found: dict[RelatedCheck, Found]) -> None:
        errors = related_errors(self.checks, found, self.sent)
        if errors:
            raise field_errors(errors, ("body", getattr(view, "body_param", None) or "payload"))

    def _attach(self, found: dict[RelatedCheck, Found], concrete: dict[str, Any]) -> None:
        for check, rows in found.items():
            value = self.sent[check.key]
            if not isinstance(rows, dict) or concrete.get(check.key, rows) is not value:
                continue  # many-to-many ids; a hook's own value for the field
            obj = rows[check.normal(value)]
            if isinstance(obj, check.field.related_model):
                del concrete[check.key]
                concrete[check.field.name] = obj


NO_RELATED = RelatedIds({}, {})


async def missing_related(model: type[Model], data: BaseModel) -> list[tuple[str, str, str]]:
    """``(field, type, message)`` for each foreign key or many-to-many id in ``data`` that names
    no row (asked after the database refused a write for a foreign key)."""
    errors = []
    for name, value in data.model_dump(exclude_unset=True).items():
        fld = _relations(model).get(name)
        if fld is None or value is None or isinstance(value, Model):
            continue
        related = fld.related_model._base_manager
        if fld.many_to_many:
            ids = list(value)
            found = {pk async for pk in related.filter(pk__in=ids).values_list("pk", flat=True)}
            missing = [pk for pk in ids if pk not in found]
        elif fld.concrete:
            target = fld.target_field.attname
            missing = [] if await related.filter(**{target: value}).aexists() else [value]
        else:
            continue
        for pk in missing:
            errors.append((name, "does_not_exist", f'Invalid pk "{pk}" - object does not exist.'))
    return errors
