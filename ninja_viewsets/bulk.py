"""Bulk writes, opt in: create, update and delete many objects in one request.

    class TagViewSet(BulkModelViewSet):
        queryset = Tag.objects.all()
        output_schema = TagOut
        input_schema = TagIn

    POST   /tags/   {"name": "a"}                   201 {"id": 1, "name": "a"} (as before)
    POST   /tags/   [{"name": "a"}, {"name": "b"}]  201 [{"id": 1, ...}, {"id": 2, ...}]
    PATCH  /tags/   [{"id": 1, "name": "x"}, ...]   200 [{"id": 1, "name": "x"}, ...]
    DELETE /tags/?id=1&id=2   (or the body [1, 2])  204

All or nothing: one invalid item is a 422 whose ``loc`` is ``["body", "payload", <index>,
<field>]`` and nothing is written. ``bulk_partial = True`` writes the valid items and answers
207 with one result per item (``{"index", "status", "data" | "detail"}``). Items are looked up
in ``filter_queryset(get_queryset())``: an id outside it is a 404 for the whole batch. Object
permissions are checked per object; a batch counts as one request for the throttles unless
``bulk_throttle_items = True``. More than ``NINJA_VIEWSETS["BULK_MAX_ITEMS"]`` items (or the
viewset's ``bulk_max_items``) is a 413.

Without an overridden ``perform_create`` / ``perform_update`` / ``perform_destroy`` a batch is
one ``INSERT`` (``bulk_create``), one ``UPDATE`` per set of changed fields (``bulk_update``)
or one ``DELETE``, and many-to-many values are written in bulk through their join table (no
``m2m_changed`` signal). An overridden hook is called once per item, as DRF's serializers save.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any

from django.db import IntegrityError, router, transaction
from django.db.models import Model
from django.http import HttpRequest
from ninja import Body, Query, Schema
from pydantic import BaseModel, PlainValidator, TypeAdapter, create_model
from pydantic import ValidationError as PydanticValidationError

from ninja_viewsets import mixins
from ninja_viewsets._async import RequestTransaction, acall
from ninja_viewsets._compat import respond
from ninja_viewsets._planning import load_relations, plan_queryset
from ninja_viewsets._related import found_related, related_checks, related_errors
from ninja_viewsets.conf import get_setting
from ninja_viewsets.exceptions import (
    APIException,
    NotFound,
    RequestTooLarge,
    ValidationError,
    ValidationFailed,
    conflict_from,
)
from ninja_viewsets.generics import lookup_type
from ninja_viewsets.nesting import without_fields
from ninja_viewsets.viewsets import GenericViewSet

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "BulkCreateModelMixin",
    "BulkDestroyModelMixin",
    "BulkModelViewSet",
    "BulkOperation",
    "BulkTooLarge",
    "BulkUpdateModelMixin",
]

_BODY = ("body", "payload")


class BulkTooLarge(RequestTooLarge):
    default_code = "bulk_too_large"


class BulkOperation:
    """How the router types a bulk action: its parameters, responses (and the errors it
    documents beyond the usual ones) and the name of its body parameter."""

    __slots__ = ("body", "parameters", "response", "responses")

    def __init__(
        self,
        parameters: list[tuple[str, Any, Any]],
        response: Any,
        body: str | None,
        *,
        lookup: bool = False,
    ) -> None:
        self.parameters, self.response, self.body = parameters, response, body
        self.responses = _error_docs(lookup)


# one error of Ninja's validation shape, as _openapi documents it (generated clients read `loc`)
_VALIDATION_ITEM: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
        "msg": {"type": "string"},
    },
    "required": ["type", "loc", "msg"],
}


def _error(description: str, detail: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {"detail": detail}
    if detail.get("type") == "string":
        properties["code"] = {"type": "string"}
    schema = {"type": "object", "properties": properties, "required": ["detail"]}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error_docs(lookup: bool) -> dict[int, Any]:
    items = {"type": "array", "items": _VALIDATION_ITEM}
    docs = {
        422: _error(
            'Invalid items: each error\'s `loc` is `["body", "payload", <index>, <field>]` '
            '(a single object: `["body", "payload", <field>]`); nothing was written',
            items,
        ),
        413: _error(
            "More items than NINJA_VIEWSETS['BULK_MAX_ITEMS'] (or a body over "
            "DATA_UPLOAD_MAX_MEMORY_SIZE)",
            {"type": "string"},
        ),
    }
    if lookup:
        docs[404] = _error(
            "An id is not among the objects this viewset serves: nothing was written",
            {"type": "string"},
        )
    return docs


def _raw(value: Any) -> Any:
    return value  # validated per item by the action, so errors carry the item's index


def _as_sent(annotation: Any) -> Any:
    """``annotation`` in OpenAPI, the JSON as sent to the action (validated there per item)."""
    return Annotated[annotation, PlainValidator(_raw, json_schema_input_type=annotation)]


_results: dict[Any, type[BaseModel]] = {}
_lookup_items: dict[tuple[type[BaseModel], str, type], type[BaseModel]] = {}
_adapters: dict[Any, TypeAdapter[Any]] = {}


def _adapter(tp: Any) -> TypeAdapter[Any]:
    if tp not in _adapters:
        _adapters[tp] = TypeAdapter(tp)
    return _adapters[tp]


def bulk_result_schema(output: Any) -> type[BaseModel]:
    """One item of a 207: ``index`` in the batch, ``status``, and ``data`` or ``detail``."""
    if output not in _results:
        _results[output] = create_model(
            f"{getattr(output, '__name__', 'Item')}BulkResult",
            __base__=Schema,
            index=(int, ...),
            status=(int, ...),
            data=(type(None) if output is None else output | None, None),
            detail=(Any, None),
        )
    return _results[output]


def _with_lookup(schema: type[BaseModel], key: str, tp: type) -> type[BaseModel]:
    """``schema`` (a patch schema) with the lookup ``key`` required: one item of a bulk PATCH."""
    cache = (schema, key, tp)
    if cache not in _lookup_items:
        fields: dict[str, Any] = {key: (tp, ...)}
        _lookup_items[cache] = create_model(f"{schema.__name__}Bulk", __base__=schema, **fields)
    return _lookup_items[cache]


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


class _Bulk:
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
            model = self.get_model()  # type: ignore[attr-defined]
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
                await self.check_throttles(request)  # type: ignore[attr-defined]

    def _write(self, model: type[Model]) -> tuple[RequestTransaction, bool]:
        transaction_ = self.write_transaction  # type: ignore[attr-defined]
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
        if not objects or not self.response_plan:  # type: ignore[attr-defined]
            return objects
        queryset = plan_queryset(self.get_queryset(), self.response_plan, columns=True)  # type: ignore[attr-defined]
        pks = [obj.pk for obj in objects]
        found = {obj.pk: obj async for obj in queryset.filter(pk__in=pks)}
        outside = [obj for obj in objects if obj.pk not in found]
        if outside:  # written outside the visible queryset: answer what was saved
            await load_relations(outside, self.response_plan)  # type: ignore[attr-defined]
        return [found.get(obj.pk, obj) for obj in objects]

    async def lookup_objects(self, values: list[Any], loc: Sequence[Any]) -> dict[Any, Model]:
        """The objects named by ``values`` in ``filter_queryset(get_queryset())``, by value;
        404 for the batch when any is not there."""
        queryset = await self.afilter_queryset(self.get_queryset())  # type: ignore[attr-defined]
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


def _set_many(instances: list[Model], many: list[dict[str, Any]], *, clear: bool) -> None:
    """Many-to-many values of ``instances`` written through the join tables, one DELETE and
    one INSERT per field (sync: runs in the transaction's hop)."""
    if not instances:
        return
    model = type(instances[0])
    names = {name for values in many for name in values}
    for name in names:
        fld = model._meta.get_field(name)
        through = fld.remote_field.through  # type: ignore[union-attr]
        source, target = fld.m2m_field_name(), fld.m2m_reverse_field_name()  # type: ignore[union-attr]
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


class BulkCreateModelMixin(_Bulk, mixins.CreateModelMixin):
    """``POST {prefix}/`` with an array: every item created, ``201`` with the list.

    A single object is created as by ``CreateModelMixin``. One ``INSERT`` for the batch unless
    ``perform_create`` is overridden (then it runs once per item).
    """

    def bulk_operation(self, action: str) -> BulkOperation | None:
        found = super().bulk_operation(action)
        if action != "create":
            return found
        item = self.get_bulk_item_schema("create")
        output = self.get_output_schema()
        response: dict[int, Any] = {201: output | list[output]}  # type: ignore[valid-type]
        if self.bulk_partial:
            response[207] = list[bulk_result_schema(output)]  # type: ignore[misc]
        body = _as_sent(item | list[item])  # type: ignore[valid-type]
        return BulkOperation([("payload", body, Body(...))], response, "payload", lookup=False)

    def get_bulk_item_schema(self, action: str) -> type[BaseModel]:
        """The schema of one item of ``action``'s batch (the input schema for create)."""
        body = self.get_input_schema()
        nesting = getattr(self, "nesting", None)
        model = self.get_model()
        if nesting is not None and model is not None:  # the parent comes from the URL
            fk = model._meta.get_field(nesting.fk_name)
            body = without_fields(body, {fk.name, getattr(fk, "attname", fk.name)})
        return body

    async def create(self, request: HttpRequest, payload: Any, **kwargs: Any) -> Any:
        if isinstance(payload, list):
            return await self.bulk_create(request, payload)
        item = self.get_bulk_item_schema("create")
        try:
            data = _adapter(item).validate_python(payload, context={"request": request})
        except PydanticValidationError as exc:
            raise ValidationFailed(
                [{**e, "loc": [*_BODY, *e["loc"]]} for e in _pydantic_errors(exc)]
            ) from None
        return await super().create(request, data, **kwargs)

    async def bulk_create(self, request: HttpRequest, items: list[Any]) -> Any:
        """Create every item of ``items`` (the JSON array as sent)."""
        await self.check_batch(request, len(items))
        model = self.get_queryset().model
        adapter = _adapter(self.get_bulk_item_schema("create"))
        errors: dict[int, list[dict[str, Any]]] = {}
        valid: dict[int, BaseModel] = {}
        rows: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
        for index, raw in enumerate(items):
            try:
                data = valid[index] = adapter.validate_python(raw, context={"request": request})
            except PydanticValidationError as exc:
                errors[index] = _at(index, _pydantic_errors(exc))
                continue
            concrete, many = mixins.model_values(model, data)
            nesting = getattr(self, "nesting", None)
            if nesting is not None:  # the parent comes from the URL, never from the body
                fk = model._meta.get_field(nesting.fk_name)
                concrete.pop(fk.name, None)
                concrete[fk.attname] = self.parent_object.pk
            try:
                mixins.check_strings(self, model, concrete)
            except ValidationFailed as exc:
                errors[index] = _at(index, exc.body()["detail"])
                continue
            rows[index] = (concrete, many)
        await _settle_rows(self, model, rows, errors)
        results: list[tuple[int, int, Any]] = [(i, 422, errs) for i, errs in errors.items()]
        if type(self).perform_create is not mixins.CreateModelMixin.perform_create:
            results += await self._create_each(model, {i: valid[i] for i in rows})
        else:
            results += await self._create_all(model, rows)
        return await self.answer(results, 201)

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

    async def _create_each(
        self, model: type[Model], valid: dict[int, BaseModel]
    ) -> list[tuple[int, int, Any]]:
        own = await self.begin_write(model)
        out: list[tuple[int, int, Any]] = []
        try:
            for index in sorted(valid):
                self.saved_object = None
                try:
                    instance = await acall(self.perform_create, valid[index])
                except ValidationError as exc:
                    if not self.bulk_partial:
                        raise ValidationFailed(_at(index, exc.errors(()))) from None
                    out.append((index, 422, _at(index, exc.errors(()))))
                    continue
                instance = instance if instance is not None else self.saved_object
                if instance is None:
                    raise mixins._returned_none(
                        self, "perform_create", "Model.objects.acreate(...)"
                    )
                out.append((index, 201, instance))
        except BaseException as exc:
            if own is not None:
                await own.end(exc)
            raise
        if own is not None:
            await own.end()
        return out


class BulkUpdateModelMixin(_Bulk, mixins.UpdateModelMixin):
    """``PATCH {prefix}/`` with an array of objects, each with its lookup field (``id``):
    every object updated with the fields sent, ``200`` with the list."""

    def bulk_operation(self, action: str) -> BulkOperation | None:
        found = super().bulk_operation(action)
        if action != "bulk_update":
            return found
        item = self.get_bulk_update_schema()
        output = self.get_output_schema()
        response: dict[int, Any] = {200: list[output]}  # type: ignore[valid-type]
        if self.bulk_partial:
            response[207] = list[bulk_result_schema(output)]  # type: ignore[misc]
        body = _as_sent(list[item])  # type: ignore[valid-type]
        return BulkOperation([("payload", body, Body(...))], response, "payload", lookup=True)

    def get_bulk_update_schema(self) -> type[BaseModel]:
        """One item of a bulk PATCH: ``patch_schema`` plus the lookup key, required."""
        patch = self.get_patch_schema()
        model = self.get_model()
        key = self.get_bulk_lookup()
        field = str(getattr(self, "lookup_field", "pk"))
        return _with_lookup(patch, key, lookup_type(model, field))

    async def bulk_update(self, request: HttpRequest, payload: Any, **kwargs: Any) -> Any:
        """Update the objects named in ``payload`` (the JSON array as sent)."""
        if not isinstance(payload, list):
            msg = "Input should be a valid list"
            raise ValidationFailed([{"type": "list_type", "loc": list(_BODY), "msg": msg}])
        await self.check_batch(request, len(payload))
        self.partial = True
        model = self.get_queryset().model
        adapter = _adapter(self.get_bulk_update_schema())
        key = self.get_bulk_lookup()
        errors: dict[int, list[dict[str, Any]]] = {}
        valid: dict[int, BaseModel] = {}
        for index, raw in enumerate(payload):
            try:
                valid[index] = adapter.validate_python(raw, context={"request": request})
            except PydanticValidationError as exc:
                errors[index] = _at(index, _pydantic_errors(exc))
        if errors and not self.bulk_partial:
            raise ValidationFailed([e for i in sorted(errors) for e in errors[i]])
        values = [getattr(valid[i], key) for i in sorted(valid)]
        objects = await self.lookup_objects(values, _BODY)
        targets: dict[int, Model] = {}
        rows: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
        results: list[tuple[int, int, Any]] = []
        for index in sorted(valid):
            obj = objects[getattr(valid[index], key)]
            try:
                await self.check_object_permissions(request, obj)
            except APIException as exc:
                if not self.bulk_partial:
                    raise
                results.append((index, exc.status_code, exc.body()["detail"]))
                continue
            targets[index] = obj
            data = valid[index]
            concrete, many = mixins.model_values(model, data, partial=True)
            field = mixins._field(model, key)
            if field is not None and key in concrete and field.primary_key:
                concrete.pop(key)  # the lookup names the object; a pk never changes
            try:
                mixins.check_strings(self, model, concrete)
            except ValidationFailed as exc:
                errors[index] = _at(index, exc.body()["detail"])
                continue
            rows[index] = (concrete, many)
        await _settle_rows(self, model, rows, errors)
        results += [(i, 422, errs) for i, errs in errors.items()]
        if type(self).perform_update is not mixins.UpdateModelMixin.perform_update:
            results += await self._update_each(model, {i: (targets[i], valid[i]) for i in rows})
        else:
            results += await self._update_all(model, {i: (targets[i], *rows[i]) for i in rows})
        return await self.answer(results, 200)

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

    async def _update_each(
        self, model: type[Model], rows: dict[int, tuple[Model, BaseModel]]
    ) -> list[tuple[int, int, Any]]:
        own = await self.begin_write(model)
        out: list[tuple[int, int, Any]] = []
        try:
            for index in sorted(rows):
                instance, data = rows[index]
                try:
                    saved = await acall(self.perform_update, instance, data)
                except ValidationError as exc:
                    if not self.bulk_partial:
                        raise ValidationFailed(_at(index, exc.errors(()))) from None
                    out.append((index, 422, _at(index, exc.errors(()))))
                    continue
                out.append((index, 200, instance if saved is None else saved))
        except BaseException as exc:
            if own is not None:
                await own.end(exc)
            raise
        if own is not None:
            await own.end()
        return out


class BulkDestroyModelMixin(_Bulk, mixins.DestroyModelMixin):
    """``DELETE {prefix}/?id=1&id=2`` (or a JSON array of ids as the body): every object
    deleted, ``204``. One ``DELETE`` unless ``perform_destroy`` is overridden."""

    def bulk_operation(self, action: str) -> BulkOperation | None:
        found = super().bulk_operation(action)
        if action != "bulk_destroy":
            return found
        key = self.get_bulk_lookup()
        tp = lookup_type(self.get_model(), str(getattr(self, "lookup_field", "pk")))
        response: dict[int, Any] = {204: None}
        if self.bulk_partial:
            response[207] = list[bulk_result_schema(None)]  # type: ignore[misc]
        parameters = [
            ("ids", list[tp] | None, Query(None, alias=key, description=f"{key} of each object")),  # type: ignore[valid-type]
            ("payload", list[tp] | None, Body(None, description="or the ids as a JSON array")),  # type: ignore[valid-type]
        ]
        return BulkOperation(parameters, response, "payload", lookup=True)

    async def bulk_destroy(
        self,
        request: HttpRequest,
        ids: list[Any] | None = None,
        payload: list[Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Delete the objects named by ``?{lookup}=`` or the body's array."""
        key = self.get_bulk_lookup()
        if ids and payload:
            msg = f"Name the objects either as ?{key}= or in the body, not both."
            raise ValidationFailed([{"type": "ambiguous", "loc": ["query", key], "msg": msg}])
        values, loc = (list(ids), ["query", key]) if ids else (list(payload or ()), list(_BODY))
        if not values:
            msg = f"Name the objects to delete: ?{key}=1&{key}=2, or the body [1, 2]."
            raise ValidationFailed([{"type": "missing", "loc": loc, "msg": msg}])
        await self.check_batch(request, len(values))
        model = self.get_queryset().model
        objects = await self.lookup_objects(values, loc)
        results: list[tuple[int, int, Any]] = []
        doomed: dict[int, Model] = {}
        for index, value in enumerate(values):
            try:
                await self.check_object_permissions(request, objects[value])
            except APIException as exc:
                if not self.bulk_partial:
                    raise
                results.append((index, exc.status_code, exc.body()["detail"]))
                continue
            doomed[index] = objects[value]
        if type(self).perform_destroy is not mixins.DestroyModelMixin.perform_destroy:
            own = await self.begin_write(model)
            try:
                for obj in doomed.values():
                    await acall(self.perform_destroy, obj)
            except BaseException as exc:
                if own is not None:
                    await own.end(exc)
                raise
            if own is not None:
                await own.end()
        elif doomed:
            pks = [obj.pk for obj in doomed.values()]
            manager = model._base_manager

            def write() -> None:
                manager.filter(pk__in=pks).delete()

            await self.run_write(model, write)
        results += [(index, 204, None) for index in doomed]
        return await self.answer(results, 204)


class BulkModelViewSet(
    BulkCreateModelMixin,
    mixins.RetrieveModelMixin,
    BulkUpdateModelMixin,
    BulkDestroyModelMixin,
    mixins.ListModelMixin,
    GenericViewSet,
):
    """``ModelViewSet`` plus bulk create, update and delete on the list URL."""
