"""Private: after a write, the relations the response reads (the reload half of a generic
viewset, ``GenericAPIView``).

    instance = await self.perform_create(data)
    return await self.refetch(instance)         # the relations not loaded yet (annotated: the row)

    await self.perform_update(instance, data)
    return await self.reload_relations(instance, stale=False)  # only what the update dropped

The response plan (``response_plan``, from the output schema) says which relations; with none,
the saved instance serializes as it is. ``GenericAPIView`` is based on :class:`ReloadMixin`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet

from ninja_viewsets._loading import load_relations, load_relations_now, plan_queryset
from ninja_viewsets._planning import EMPTY_PLAN, QueryPlan

__all__ = ["ReloadMixin", "annotates"]


class ReloadMixin:
    """``refetch()`` and ``reload_relations()`` (and their sync twins for the ORM thread)."""

    response_plan: QueryPlan = EMPTY_PLAN  # set per request by the viewset machinery

    if TYPE_CHECKING:  # GenericAPIView's

        def get_queryset(self) -> QuerySet[Any]: ...

    async def reload_relations(self, instance: Model, *, stale: bool) -> Model:
        """After an update: the relations the response reads, loaded where missing.

        ``get_object()`` already joined and prefetched them; Django drops a changed foreign
        key's cached object and ``aset()`` its own prefetch, so only those are fetched again.
        ``stale``: forget every prefetched list first (an overridden hook may have changed any).
        """
        if not self.response_plan:
            return instance
        if stale:
            instance._prefetched_objects_cache = {}  # type: ignore[attr-defined]
        await load_relations([instance], self.response_plan)
        return instance

    async def refetch(self, instance: Model) -> Model:
        """``instance`` with the relations the response reads (after a create).

        Those not loaded yet are loaded (a foreign key checked before the write is already
        there: no query); when ``get_queryset()`` annotates its rows, the row is read again
        through it, so the response has the annotations too.
        """
        if not self.response_plan:
            return instance  # nothing to load: the saved instance serializes as it is
        base = self.get_queryset()
        if not annotates(base):
            await load_relations([instance], self.response_plan)
            return instance
        queryset = plan_queryset(base, self.response_plan, columns=True)
        try:
            refreshed: Model = await queryset.aget(pk=instance.pk)
            return refreshed
        except ObjectDoesNotExist:  # written outside the visible queryset: answer what we have
            await load_relations([instance], self.response_plan)
            return instance

    def refetch_now(self, instance: Model) -> Model:
        """:meth:`refetch` for sync code in the ORM thread (the hop of the library's write)."""
        if not self.response_plan:
            return instance
        base = self.get_queryset()
        if not annotates(base):
            load_relations_now([instance], self.response_plan)
            return instance
        queryset = plan_queryset(base, self.response_plan, columns=True)
        try:
            refreshed: Model = queryset.get(pk=instance.pk)
            return refreshed
        except ObjectDoesNotExist:
            load_relations_now([instance], self.response_plan)
            return instance

    def reload_relations_now(self, instance: Model) -> Model:
        """:meth:`reload_relations` (not ``stale``) for sync code in the ORM thread."""
        load_relations_now([instance], self.response_plan)
        return instance


def annotates(queryset: QuerySet[Any]) -> bool:
    """Whether rows read through ``queryset`` carry more than the model's own attributes."""
    query = queryset.query
    return bool(query.annotations or query.extra)
