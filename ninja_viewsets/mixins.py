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

    async def perform_create(self, data):  # DRF's serializer.save(owner=...), no return
        await super().perform_create(data, owner=self.request.user)

A write request runs its action, hooks and rendering in one transaction (``atomic_writes``):
an error answer or an exception leaves the database as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponseBase, HttpResponseNotModified
from pydantic import BaseModel

from ninja_viewsets._async import acall, awaitable_or_result
from ninja_viewsets._compat import respond
from ninja_viewsets._etags import _etag_matches, checks_if_match
from ninja_viewsets._exports import stream_queryset, streams_list
from ninja_viewsets._loading import plan_queryset
from ninja_viewsets._related import missing_related
from ninja_viewsets._values import _detail_url, _returned_none, model_values
from ninja_viewsets._writes import (
    create_object,
    created,
    created_now,
    update_now,
    update_object,
    updated_now,
)
from ninja_viewsets.conf import get_setting
from ninja_viewsets.generics import GenericAPIView

if TYPE_CHECKING:  # the class a mixin is mixed into: a generic viewset
    from ninja_viewsets._types import ViewSetHost
    from ninja_viewsets.generics import GenericAPIView
    from ninja_viewsets.viewsets import ViewSetMixin

    class _Host(ViewSetMixin, GenericAPIView[Any], ViewSetHost):
        """What the mixins may use of ``self``: the ``ViewSetHost`` protocol, as a
        ``GenericViewSet`` implements it (the checker verifies that it does). Not the protocol
        alone: a class explicitly based on a protocol is abstract until it defines every
        member, and the mixins come before ``GenericViewSet`` in a viewset's bases."""

else:
    _Host = object

__all__ = [
    "CreateModelMixin",
    "DestroyModelMixin",
    "ListModelMixin",
    "RetrieveModelMixin",
    "UpdateModelMixin",
    "missing_related",
    "model_values",
]


class ListModelMixin(_Host):
    """``GET {prefix}/``: 200 with the (filtered) objects."""

    export_unpaginated: bool = False  # ?export=all streams every row (CSV, JSON Lines)
    export_chunk_size: int | None = None  # rows per fetch of a streamed list; None: setting

    async def list(self, request: HttpRequest, **kwargs: Any) -> Any:
        kept = self._kept_pages()
        if kept is not None and not streams_list(self, request):  # SQL kept: _object_queries
            return await self.paginate_queryset(kept)  # type: ignore[arg-type]
        queryset = await self.afilter_queryset(self.get_queryset())
        queryset = plan_queryset(queryset, self.response_plan, columns=True)
        if streams_list(self, request):  # a streamed export: see ninja_viewsets.renderers
            renderer = self.accepted_renderer
            assert renderer is not None  # streams_list(): a streaming renderer was negotiated
            return stream_queryset(
                renderer,
                self.sparse.schema if self.sparse is not None else self.get_output_schema(),
                queryset,
                request,
                chunk_size=self.export_chunk_size or get_setting("EXPORT_CHUNK_SIZE"),
                filename=getattr(self, "basename", None),
                sync=self.response_plan.sync,
            )
        page = await self.paginate_queryset(queryset)
        if page is not None:
            return page
        return [obj async for obj in queryset]


class CreateModelMixin(_Host):
    """``POST {prefix}/``: validate ``input_schema``, ``perform_create``, 201 with the object."""

    saved_object: Any = None  # what the library's perform_create saved in this request

    async def create(self, request: HttpRequest, payload: BaseModel, **kwargs: Any) -> Any:
        if type(self).perform_create is CreateModelMixin.perform_create:
            if self.answers_in_one_hop() and type(self).refetch is GenericAPIView.refetch:
                # one hop: the INSERT, the 201 and the COMMIT
                return await create_object(self, payload, {}, then=created_now)
            instance = await self.perform_create(payload)
        else:  # the user's hook: DRF's way (no return) saves through super().perform_create()
            if self.write_transaction is not None:
                await self.write_transaction.begin()
            instance = await acall(self.perform_create, payload)
            if instance is None:
                instance = self.saved_object
            if instance is None:
                raise _returned_none(self, "perform_create", "Model.objects.acreate(...)")
            transaction = self.write_transaction
            if (
                transaction is not None
                and self.renders_now()
                and type(self).refetch is GenericAPIView.refetch
            ):
                # one hop after your hook: the reload, the 201 and the COMMIT
                return await transaction.run_now(
                    transaction.to_end_now, created_now, self, instance
                )
        return created(self, instance, await self.refetch(instance))

    def get_success_headers(self, instance: Any) -> dict[str, str]:
        """Headers of the 201: ``Location``, the new object's URL, when the viewset has a
        detail route (override to add or drop headers)."""
        url = _detail_url(self, instance)
        return {"Location": url} if url is not None else {}

    if TYPE_CHECKING:  # awaited in async code, as typed here

        async def perform_create(self, data: BaseModel, **values: Any) -> Any: ...

    else:

        def perform_create(self, data, **values):
            """Save a new object from validated ``data`` and return it (M2M in one transaction).

            ``values`` set more fields, as DRF's ``serializer.save(owner=request.user)``:
            ``await super().perform_create(data, owner=self.request.user)`` (in a ``def`` hook,
            without ``await``: the object). A foreign key or many-to-many id in ``data`` that
            names no row is a 422 at its field, checked first.
            """
            return awaitable_or_result(create_object, self, data, values)


class RetrieveModelMixin(_Host):
    """``GET {prefix}/{lookup}/``: 200 with the object, 404 when missing."""

    async def retrieve(self, request: HttpRequest, **kwargs: Any) -> Any:
        instance = await self.get_object()
        if self.optimistic_concurrency:
            etag = self.set_etag(instance)
            if _etag_matches(request.headers.get("If-None-Match", ""), etag):
                not_modified = HttpResponseNotModified()
                not_modified["ETag"] = etag
                return not_modified
        return instance


class UpdateModelMixin(_Host):
    """``PUT`` validates the whole body, ``PATCH`` only what is sent; never creates."""

    partial: bool = False

    async def update(self, request: HttpRequest, payload: BaseModel, **kwargs: Any) -> Any:
        self.partial = bool(kwargs.pop("partial", False))
        transaction = self.write_transaction
        if transaction is not None and checks_if_match(self):
            await transaction.begin()  # write_guard()'s lock nests in it
        overridden = type(self).perform_update is not UpdateModelMixin.perform_update
        if not overridden and self.answers_in_one_hop() and _reloads(self):
            if self._fetches_with_write() and _checks_no_preconditions(self):
                # one hop: the read, the UPDATE, the response and the COMMIT
                saved = await self._get_object(then=update_now(self, payload, updated_now))
            else:
                instance = await self.get_object()
                self.check_preconditions(instance)
                # one hop: the UPDATE, the response and the COMMIT (nothing to write: no hop)
                saved = await update_object(self, instance, payload, {}, then=updated_now)
            if isinstance(saved, HttpResponseBase):
                return saved
            return await self.reload_relations(saved, stale=False)
        async with self.write_guard():
            instance = await self.get_object()
            self.check_preconditions(instance)
            if not overridden:
                instance = await self.perform_update(instance, payload)
            else:
                if transaction is not None:
                    await transaction.begin()
                saved = await acall(self.perform_update, instance, payload)
                instance = instance if saved is None else saved  # DRF's way: no return
        if self.optimistic_concurrency:
            self.set_etag(instance)
        return await self.reload_relations(instance, stale=overridden)

    async def partial_update(self, request: HttpRequest, payload: BaseModel, **kwargs: Any) -> Any:
        return await self.update(request, payload, partial=True, **kwargs)

    if TYPE_CHECKING:  # awaited in async code, as typed here

        async def perform_update(self, instance: Any, data: BaseModel, **values: Any) -> Any: ...

    else:

        def perform_update(self, instance, data, **values):
            """Write validated ``data`` onto ``instance`` (only the sent fields on PATCH).

            ``values`` set more fields: ``await super().perform_update(instance, data,
            editor=user)`` (in a ``def`` hook, without ``await``). A foreign key or many-to-many
            id in ``data`` that names no row is a 422 at its field.
            """
            return awaitable_or_result(update_object, self, instance, data, values)


class DestroyModelMixin(_Host):
    """``DELETE {prefix}/{lookup}/``: 204 with an empty body."""

    async def destroy(self, request: HttpRequest, **kwargs: Any) -> Any:
        transaction = self.write_transaction
        if (
            type(self).perform_destroy is DestroyModelMixin.perform_destroy
            and (transaction is None or not transaction.begun)
            and self._fetches_with_write()
            and _checks_no_preconditions(self)
        ):
            # one hop: the read and the DELETE (atomic by itself: Django's collector), as below
            await self._get_object(then=_delete)
            return respond(204, None)
        if transaction is not None and checks_if_match(self):
            await transaction.begin()  # write_guard()'s lock nests in it
        async with self.write_guard():
            instance = await self.get_object()
            self.check_preconditions(instance)
            if type(self).perform_destroy is DestroyModelMixin.perform_destroy:
                if transaction is not None and not transaction.begun:
                    # the request's one write, and its 204 cannot fail: the delete is atomic
                    # by itself (Django's collector), so it needs no transaction of its own
                    # (no BEGIN / COMMIT, no thread hop to end it)
                    await instance.adelete()
                else:
                    await self.perform_destroy(instance)
            else:
                if transaction is not None:
                    await transaction.begin()
                await acall(self.perform_destroy, instance)
        return respond(204, None)

    if TYPE_CHECKING:  # awaited in async code, as typed here

        async def perform_destroy(self, instance: Any) -> None: ...

    else:

        def perform_destroy(self, instance):
            """Delete ``instance`` (``await super().perform_destroy(instance)``; in a ``def``
            hook, without ``await``)."""
            return awaitable_or_result(_destroy, self, instance)


def _delete(instance: Any) -> None:
    instance.delete()


async def _destroy(view: Any, instance: Any) -> None:
    transaction = view.write_transaction
    if transaction is not None:
        await transaction.run(instance.delete)
    else:
        await instance.adelete()


def _checks_no_preconditions(view: Any) -> bool:
    """No ``If-Match`` check between reading the object and writing it (the library's
    ``check_preconditions``, and no ETags or no ``If-Match`` header in this request): the two
    may share a thread hop."""
    librarys = type(view).check_preconditions is GenericAPIView.check_preconditions
    return librarys and not checks_if_match(view)


def _reloads(view: Any) -> bool:
    """The library's own ``reload_relations`` (its sync twin may stand in for it)."""
    return type(view).reload_relations is GenericAPIView.reload_relations
