"""The bulk engine under the bulk mixins: batch limits, lookups, related-id checks, writes.

    class TagViewSet(BulkCreateModelMixin, GenericViewSet):   # the mixins build on _Bulk
        bulk_max_items = 500

``_Bulk`` holds what every bulk write does: check the batch, look the objects up, write in
the request's transaction (one statement per batch when no ``perform_*`` hook is overridden),
answer all-or-nothing or 207. The typing of bulk actions lives in ``_bulk_schemas``; the
mixins, in ``ninja_viewsets.bulk``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, router, transaction
from django.db.models import Model
from django.http import HttpRequest
from pydantic import ValidationError as PydanticValidationError

from ninja_viewsets import mixins
from ninja_viewsets._async import RequestTransaction
from ninja_viewsets._compat import respond
from ninja_viewsets._loading import load_relations, plan_queryset
from ninja_viewsets._related import found_related, related_checks, related_errors
from ninja_viewsets.conf import get_setting
from ninja_viewsets.exceptions import NotFound, RequestTooLarge, ValidationFailed, conflict_from

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ninja_viewsets._bulk_schemas import BulkOperation

__all__ = ["BulkTooLarge"]

_BODY = ("body", "payload")


class BulkTooLarge(RequestTooLarge):
    default_code = "bulk_too_large"


async def _settle_rows(
    view: Any,
    model: type[Model],
    rows: dict[int, tuple[dict[str, Any], dict[str, Any]]],
    errors: dict[int, list[dict[str, Any]]],
) -> None:
    """Move the rows whose related ids name nothing into ``errors``; then, all or nothing
    (unless ``bulk_partial``), one 422 listing every item's errors."""
    for index, errs in (await view.check_related(model, rows)).items():
        errors[index] = errs
        rows.pop(index, None)
    if errors and not view.bulk_partial:
        raise ValidationFailed([e for i in sorted(errors) for e in errors[i]])


def _at(index: int, errors: Iterable[dict[str, Any]], prefix: Sequence[Any] = _BODY) -> list[Any]:
    """Ninja's error items of one batch item, ``loc`` under ``[*prefix, index]``."""
    out = []
    for err in errors:
        loc = list(err.get("loc", ()))
        if loc[: len(_BODY)] == list(_BODY):  # raised by a hook or check at the body
            loc = loc[len(_BODY) :]
        out.append({"type": err["type"], "loc": [*prefix, index, *loc], "msg": err["msg"]})
    return out


def _pydantic_errors(exc: PydanticValidationError) -> list[dict[str, Any]]:
    return [
        {"type": e["type"], "loc": list(e["loc"]), "msg": e["msg"]}
        for e in exc.errors(include_url=False, include_context=False, include_input=False)
    ]


class _Bulk(mixins._Host):
    """What the bulk mixins share: the batch limit, per-item throttling, the item results."""

    bulk_partial: bool = False  # write the valid items, answer 207 with per-item results
    bulk_throttle_items: bool = False  # each item counts as one request for the throttles
    bulk_max_items: int | None = None  # None: NINJA_VIEWSETS["BULK_MAX_ITEMS"]

    def get_bulk_max_items(self) -> int:
        """The most items one batch may hold (413 above it)."""
        limit = self.bulk_max_items
        return int(get_setting("BULK_MAX_ITEMS") if limit is None else limit)

    def get_bulk_lookup(self) -> str:
        """The key naming an object in a batch: ``lookup_field``, the pk's name for ``pk``."""
        field = str(getattr(self, "lookup_field", "pk"))
        if field == "pk":
            model = self.get_model()
            return model._meta.pk.name if model is not None else "id"
        return field

    def bulk_operation(self, action: str) -> BulkOperation | None:
        """The router's typing of ``action`` (see ``_signature._standard_spec``)."""
        return None

    async def check_batch(self, request: HttpRequest, size: int) -> None:
        """413 above the batch limit; with ``bulk_throttle_items`` each further item is
        one more request for the throttles (the batch itself was counted as one)."""
        limit = self.get_bulk_max_items()
        if size > limit:
            raise BulkTooLarge(
                f"A batch holds at most {limit} items; this one has {size}. Send it in parts "
                f"(NINJA_VIEWSETS['BULK_MAX_ITEMS'] / {type(self).__name__}.bulk_max_items)."
            )
        if self.bulk_throttle_items:
            for _ in range(size - 1):
                await self.check_throttles(request)

    def _write(self, model: type[Model]) -> tuple[RequestTransaction, bool]:
        transaction_ = self.write_transaction
        if transaction_ is not None:
            return transaction_, False
        return RequestTransaction(router.db_for_write(model)), True

    async def run_write(self, model: type[Model], func: Callable[[], Any]) -> Any:
        """``func`` (sync ORM code) in the request's transaction, one thread hop; without one
        (``atomic_writes = False``) in a transaction of its own."""
        transaction_, own = self._write(model)
        try:
            result = await transaction_.run(func)
        except BaseException as exc:
            if own:
                await transaction_.end(exc)
            raise
        if own:
            await transaction_.end()
        return result

    async def begin_write(self, model: type[Model]) -> RequestTransaction | None:
        """Begin the request's transaction before per-item user hooks (or ``None``: they
        run in a transaction of their own, ended by the caller)."""
        transaction_, own = self._write(model)
        await transaction_.begin()
        return transaction_ if own else None

    async def answer(self, rows: list[tuple[int, int, Any]], status: int) -> Any:
        """The batch's response: ``status`` with the objects in request order, or 207 with
        ``(index, status, data or detail)`` per item in partial mode."""
        objects = [value for _, code, value in rows if code < 400 and value is not None]
        loaded = {obj.pk: obj for obj in await self.refetch_many(objects)}
        if not self.bulk_partial:
            if status == 204:
                return respond(204, None)
            return respond(status, [loaded.get(obj.pk, obj) for obj in objects])
        results = []
        for index, code, value in sorted(rows, key=lambda r: r[0]):
            if code >= 400:
                results.append({"index": index, "status": code, "detail": value})
            elif value is None:
                results.append({"index": index, "status": code})
            else:
                results.append({"index": index, "status": code, "data": loaded.get(value.pk)})
        return respond(207, results)

    async def refetch_many(self, objects: list[Model]) -> list[Model]:
        """``objects`` reloaded with the relations the response reads, in one query each."""
        if not objects or not self.response_plan:
            return objects
        queryset = plan_queryset(self.get_queryset(), self.response_plan, columns=True)
        pks = [obj.pk for obj in objects]
        found = {obj.pk: obj async for obj in queryset.filter(pk__in=pks)}
        outside = [obj for obj in objects if obj.pk not in found]
        if outside:  # written outside the visible queryset: answer what was saved
            await load_relations(outside, self.response_plan)
        return [found.get(obj.pk, obj) for obj in objects]

    async def lookup_objects(self, values: list[Any], loc: Sequence[Any]) -> dict[Any, Model]:
        """The objects named by ``values`` in ``filter_queryset(get_queryset())``, by value;
        404 for the batch when any is not there."""
        queryset = await self.afilter_queryset(self.get_queryset())
        key = self.get_bulk_lookup()
        field = str(getattr(self, "lookup_field", "pk"))
        attr = key if field == "pk" else field
        seen: dict[Any, int] = {}
        errors = []
        for index, value in enumerate(values):
            if value in seen:
                message = f"{key}={value!r} is also item {seen[value]}: name each object once."
                errors.append({"type": "duplicate", "loc": [*loc, index], "msg": message})
            seen.setdefault(value, index)
        if errors:
            raise ValidationFailed(errors)
        found: dict[Any, Model] = {}
        async for obj in queryset.filter(**{f"{field}__in": values}):
            found[getattr(obj, attr)] = obj
        missing = [v for v in values if v not in found]
        if missing:
            name = queryset.model._meta.object_name
            raise NotFound(f"No {name} matches the given query: {key} {missing}.")
        return found

    async def check_related(
        self, model: type[Model], rows: dict[int, tuple[dict[str, Any], dict[str, Any]]]
    ) -> dict[int, list[dict[str, Any]]]:
        """422s at each item naming a foreign key or many-to-many id with no row in
        ``get_related_queryset()``: one query per relation field for the whole batch."""
        checks = related_checks(model, rows.values())
        nesting = getattr(self, "nesting", None)
        if nesting is not None:  # the parent, from the URL: it exists
            checks = {c: ids for c, ids in checks.items() if c.field.name != nesting.fk_name}
        if not checks:
            return {}
        found = await found_related(self, checks)
        errors: dict[int, list[dict[str, Any]]] = {}
        for index, (concrete, many) in rows.items():
            for name, kind, message in related_errors(checks, found, {**concrete, **many}):
                err = {"type": kind, "loc": [*_BODY, index, name], "msg": message}
                errors.setdefault(index, []).append(err)
        return errors

    async def _create_all(
        self, model: type[Model], rows: dict[int, tuple[dict[str, Any], dict[str, Any]]]
    ) -> list[tuple[int, int, Any]]:
        order = sorted(rows)
        manager = model._default_manager
        using = router.db_for_write(model)
        partial = self.bulk_partial

        def insert(indexes: list[int]) -> list[Model]:
            instances = [model(**rows[i][0]) for i in indexes]
            manager.bulk_create(instances)
            _set_many(instances, [rows[i][1] for i in indexes], clear=False)
            return instances

        def write() -> list[tuple[int, int, Any]]:
            if not partial:
                return [(i, 201, obj) for i, obj in zip(order, insert(order), strict=True)]
            try:
                with transaction.atomic(using=using):  # a savepoint: one INSERT if all fit
                    return [(i, 201, obj) for i, obj in zip(order, insert(order), strict=True)]
            except IntegrityError:  # find the items the database refuses, one by one
                out: list[tuple[int, int, Any]] = []
                for i in order:
                    try:
                        with transaction.atomic(using=using):
                            out.append((i, 201, insert([i])[0]))
                    except IntegrityError as exc:
                        out.append((i, 409, conflict_from(exc).detail))
                return out

        return await self.run_write(model, write)  # type: ignore[no-any-return]

    async def _update_all(
        self, model: type[Model], rows: dict[int, tuple[Model, dict[str, Any], dict[str, Any]]]
    ) -> list[tuple[int, int, Any]]:
        groups: dict[tuple[str, ...], list[Model]] = {}
        for obj, concrete, _ in rows.values():
            for attr, value in concrete.items():
                setattr(obj, attr, value)
            if concrete:
                groups.setdefault(tuple(sorted(concrete)), []).append(obj)
        manager = model._default_manager
        with_many = [(obj, many) for obj, _, many in rows.values() if many]

        def write() -> None:
            for fields, objs in groups.items():  # one UPDATE per set of changed fields
                manager.bulk_update(objs, list(fields))
            if with_many:
                _set_many([o for o, _ in with_many], [m for _, m in with_many], clear=True)

        if groups or with_many:
            await self.run_write(model, write)
        return [(i, 200, rows[i][0]) for i in sorted(rows)]


def _set_many(instances: list[Model], many: list[dict[str, Any]], *, clear: bool) -> None:
    """Many-to-many values of ``instances`` written through the join tables, one DELETE and
    one INSERT per field (sync: runs in the transaction's hop)."""
    if not instances:
        return
    model = type(instances[0])
    names = {name for values in many for name in values}
    for name in names:
        fld: Any = model._meta.get_field(name)  # a many-to-many field (model_values)
        through = fld.remote_field.through
        source, target = fld.m2m_field_name(), fld.m2m_reverse_field_name()
        touched = [
            (obj, values[name])
            for obj, values in zip(instances, many, strict=True)
            if name in values
        ]
        if clear:
            through._base_manager.filter(**{f"{source}__in": [o.pk for o, _ in touched]}).delete()
        rows = [
            through(**{f"{source}_id": obj.pk, f"{target}_id": pk})
            for obj, pks in touched
            for pk in dict.fromkeys(pks)
        ]
        through._base_manager.bulk_create(rows)
        for obj, _ in touched:
            getattr(obj, "_prefetched_objects_cache", {}).pop(name, None)
