"""The standard actions, one mixin each, with async ``perform_*`` hooks.

    class CreateListRetrieveViewSet(
        mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet
    ):
        queryset = Book.objects.all()

Each action's request and response schemas come from the viewset (``input_schema``,
``patch_schema``, ``output_schema``), and the router types its path and body parameters.
Override a hook to change a side effect, an action to change the whole behaviour:

    async def perform_create(self, data):
        return await Book.objects.acreate(owner=self.request.user, **data.model_dump())
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import router
from django.db.models import Model
from django.http import HttpRequest, HttpResponseNotModified
from pydantic import BaseModel

from ninja_viewsets._async import aatomic, acall
from ninja_viewsets._compat import respond
from ninja_viewsets._planning import plan_queryset
from ninja_viewsets.generics import _etag_matches

__all__ = [
    "CreateModelMixin",
    "DestroyModelMixin",
    "ListModelMixin",
    "RetrieveModelMixin",
    "UpdateModelMixin",
    "model_values",
]


def model_values(
    model: type[Model], data: BaseModel, *, partial: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split validated ``data`` into (concrete field values, many-to-many values) for ``model``.

    Keys are schema field names: ``author`` (a pk) and ``author_id`` both set the foreign key.
    With ``partial`` only the fields the client sent are returned.
    """
    concrete: dict[str, Any] = {}
    many: dict[str, Any] = {}
    for name, value in data.model_dump(exclude_unset=partial).items():
        try:
            fld = model._meta.get_field(name)
        except FieldDoesNotExist:
            fld = next((f for f in model._meta.concrete_fields if f.attname == name), None)  # type: ignore[assignment]
            if fld is None:
                raise ImproperlyConfigured(
                    f"{type(data).__name__}.{name} is not a field of {model.__name__}: remove it "
                    f"from the schema or override perform_create()/perform_update() to use it."
                ) from None
        if fld.many_to_many:
            many[fld.name] = value
        elif fld.is_relation and not isinstance(value, Model):
            concrete[fld.attname] = value  # type: ignore[union-attr]
        elif fld.concrete:
            concrete[getattr(fld, "attname", name) if name != fld.name else fld.name] = value
        else:
            raise ImproperlyConfigured(
                f"{type(data).__name__}.{name} maps to {model.__name__}.{fld.name}, which cannot "
                f"be written directly; override perform_create()/perform_update()."
            )
    return concrete, many


def _hook_transaction(view: Any, hook: str, mixin: type) -> AbstractAsyncContextManager[None]:
    """A transaction around an overridden ``perform_*`` hook (its writes: all or nothing).

    The library's own hooks make one statement, or open their own transaction, so they need
    none (and the common path stays free of extra thread hops).
    """
    if getattr(type(view), hook) is getattr(mixin, hook) or not view.atomic_writes:
        return nullcontext()
    model = view.get_queryset().model
    return aatomic(using=router.db_for_write(model))


class ListModelMixin:
    """``GET {prefix}/``: 200 with the (filtered) objects."""

    async def list(self, request: HttpRequest, **kwargs: Any) -> Any:
        queryset = await self.afilter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        queryset = plan_queryset(queryset, self.response_plan, columns=True)  # type: ignore[attr-defined]
        page = await self.paginate_queryset(queryset)  # type: ignore[attr-defined]
        if page is not None:
            return page
        return [obj async for obj in queryset]


class CreateModelMixin:
    """``POST {prefix}/``: validate ``input_schema``, ``perform_create``, 201 with the object."""

    async def create(self, request: HttpRequest, payload: BaseModel, **kwargs: Any) -> Any:
        async with _hook_transaction(self, "perform_create", CreateModelMixin):
            instance = await acall(self.perform_create, payload)
        if self.optimistic_concurrency:  # type: ignore[attr-defined]
            self.set_etag(instance)  # type: ignore[attr-defined]
        return respond(201, await self.refetch(instance))  # type: ignore[attr-defined]

    async def perform_create(self, data: BaseModel) -> Any:
        """Save a new object from validated ``data`` and return it (M2M in one transaction)."""
        model = self.get_queryset().model  # type: ignore[attr-defined]
        concrete, many = model_values(model, data)
        nesting = getattr(self, "nesting", None)
        if nesting is not None:  # the parent comes from the URL, never from the body
            fk = model._meta.get_field(nesting.fk_name)
            concrete.pop(fk.name, None)
            concrete[fk.attname] = self.parent_object.pk  # type: ignore[attr-defined]
        if not many:  # one INSERT: atomic by itself
            return await model._default_manager.acreate(**concrete)
        async with aatomic(using=router.db_for_write(model)):
            instance = await model._default_manager.acreate(**concrete)
            for name, value in many.items():
                await getattr(instance, name).aset(value)
        return instance


class RetrieveModelMixin:
    """``GET {prefix}/{lookup}/``: 200 with the object, 404 when missing."""

    async def retrieve(self, request: HttpRequest, **kwargs: Any) -> Any:
        instance = await self.get_object()  # type: ignore[attr-defined]
        if self.optimistic_concurrency:  # type: ignore[attr-defined]
            etag = self.set_etag(instance)  # type: ignore[attr-defined]
            if _etag_matches(request.headers.get("If-None-Match", ""), etag):
                not_modified = HttpResponseNotModified()
                not_modified["ETag"] = etag
                return not_modified
        return instance


class UpdateModelMixin:
    """``PUT`` validates the whole body, ``PATCH`` only what is sent; never creates."""

    partial: bool = False

    async def update(self, request: HttpRequest, payload: BaseModel, **kwargs: Any) -> Any:
        self.partial = bool(kwargs.pop("partial", False))
        async with self.write_guard():  # type: ignore[attr-defined]
            instance = await self.get_object()  # type: ignore[attr-defined]
            self.check_preconditions(instance)  # type: ignore[attr-defined]
            async with _hook_transaction(self, "perform_update", UpdateModelMixin):
                instance = await acall(self.perform_update, instance, payload)
        if self.optimistic_concurrency:  # type: ignore[attr-defined]
            self.set_etag(instance)  # type: ignore[attr-defined]
        overridden = type(self).perform_update is not UpdateModelMixin.perform_update
        return await self.reload_relations(instance, stale=overridden)  # type: ignore[attr-defined]

    async def partial_update(self, request: HttpRequest, payload: BaseModel, **kwargs: Any) -> Any:
        return await self.update(request, payload, partial=True, **kwargs)

    async def perform_update(self, instance: Any, data: BaseModel) -> Any:
        """Write validated ``data`` onto ``instance`` (only the sent fields on PATCH)."""
        concrete, many = model_values(type(instance), data, partial=self.partial)
        for attr, value in concrete.items():
            setattr(instance, attr, value)
        if not many:  # one UPDATE: atomic by itself
            if concrete:
                await instance.asave(update_fields=list(concrete))
            return instance
        async with aatomic(using=router.db_for_write(type(instance))):
            if concrete:
                await instance.asave(update_fields=list(concrete))
            for name, value in many.items():
                await getattr(instance, name).aset(value)
        return instance


class DestroyModelMixin:
    """``DELETE {prefix}/{lookup}/``: 204 with an empty body."""

    async def destroy(self, request: HttpRequest, **kwargs: Any) -> Any:
        async with self.write_guard():  # type: ignore[attr-defined]
            instance = await self.get_object()  # type: ignore[attr-defined]
            self.check_preconditions(instance)  # type: ignore[attr-defined]
            async with _hook_transaction(self, "perform_destroy", DestroyModelMixin):
                await acall(self.perform_destroy, instance)
        return respond(204, None)

    async def perform_destroy(self, instance: Any) -> None:
        await instance.adelete()
