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

from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from ninja import Body, Query
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from ninja_viewsets import _values, mixins
from ninja_viewsets._async import acall
from ninja_viewsets._bulk import _BODY, BulkTooLarge, _at, _Bulk, _pydantic_errors, _settle_rows
from ninja_viewsets._bulk_schemas import (
    BulkOperation,
    _adapter,
    _as_sent,
    _with_lookup,
    bulk_result_schema,
)
from ninja_viewsets._types import list_of
from ninja_viewsets.exceptions import APIException, ValidationError, ValidationFailed
from ninja_viewsets.generics import lookup_type
from ninja_viewsets.nesting import without_fields
from ninja_viewsets.viewsets import GenericViewSet

__all__ = [
    "BulkCreateModelMixin",
    "BulkDestroyModelMixin",
    "BulkModelViewSet",
    "BulkOperation",
    "BulkTooLarge",
    "BulkUpdateModelMixin",
]


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
        response: dict[int, Any] = {201: output | list_of(output)}
        if self.bulk_partial:
            response[207] = list_of(bulk_result_schema(output))
        body = _as_sent(item | list_of(item))
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
                _values.check_strings(self, model, concrete)
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
                    raise _values._returned_none(
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
        response: dict[int, Any] = {200: list_of(output)}
        if self.bulk_partial:
            response[207] = list_of(bulk_result_schema(output))
        body = _as_sent(list_of(item))
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
            field = _values._field(model, key)
            if field is not None and key in concrete and field.primary_key:
                concrete.pop(key)  # the lookup names the object; a pk never changes
            try:
                _values.check_strings(self, model, concrete)
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
            response[207] = list_of(bulk_result_schema(None))
        parameters = [
            (
                "ids",
                list_of(tp) | None,
                Query(None, alias=key, description=f"{key} of each object"),
            ),
            ("payload", list_of(tp) | None, Body(None, description="or the ids as a JSON array")),
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
