"""Private: a query plan put to work: the queryset that loads what it names, and what is
missing loaded onto instances an action built itself.

    queryset = plan_queryset(self.get_queryset(), self.response_plan, columns=True)
    await load_relations([instance], self.response_plan)   # only what is not cached yet

The plans themselves are derived from output schemas in ``ninja_viewsets._planning``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from asgiref.sync import sync_to_async
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import QuerySet

from ninja_viewsets._object_queries import prefetch
from ninja_viewsets._planning import QueryPlan

__all__ = ["load_relations", "load_relations_now", "plan_queryset"]


def plan_queryset(
    queryset: QuerySet[Any], plan: QueryPlan, *, columns: bool = False
) -> QuerySet[Any]:
    """Apply ``plan`` on top of ``queryset``; the user's own select/prefetch/only wins.

    ``columns=True`` also narrows the columns with ``only()`` (serialization-only reads).
    """
    if not plan and not (columns and plan.only):
        return queryset
    qs = queryset
    if plan.select and qs.query.select_related is not True:
        qs = qs.select_related(*plan.select)
    existing = {
        p if isinstance(p, str) else getattr(p, "prefetch_to", "")
        for p in getattr(qs, "_prefetch_related_lookups", ())
    }
    missing = [
        p
        for p in plan.prefetch_objects
        if p.prefetch_to not in existing
        and not any(e.startswith(p.prefetch_to + "__") for e in existing)
    ]
    # under a relation the user prefetched themselves, keep their queryset and add ours below
    taken = [p.prefetch_to for p in plan.prefetch_objects if p not in missing]
    below = [
        lookup
        for lookup in plan.lookups
        if any(lookup.startswith(t + "__") for t in taken) and lookup not in existing
    ]
    if missing or below:
        qs = qs.prefetch_related(*missing, *below)
    if columns and plan.only is not None and _can_narrow(qs):
        selected = qs.query.select_related
        # a relation the user joined stays loadable (Django refuses deferring a joined one)
        joined = _joined_paths(selected) if isinstance(selected, dict) else []
        qs = qs.only(*plan.only, *(p for p in joined if p not in plan.only))
    return qs


def _joined_paths(selected: dict[str, Any], prefix: str = "") -> list[str]:
    paths = []
    for name, below in selected.items():
        paths.append(f"{prefix}{name}")
        paths.extend(_joined_paths(below, f"{prefix}{name}__"))
    return paths


def _can_narrow(queryset: QuerySet[Any]) -> bool:
    """Only when the user chose no columns and no annotations (they may be read elsewhere)."""
    query = queryset.query
    deferred, is_defer = query.deferred_loading
    return (
        not deferred
        and is_defer
        and query.select_related is not True
        and not query.annotations
        and not query.values_select
        and not query.extra
    )


async def load_relations(objs: Iterable[Any], plan: QueryPlan) -> None:
    """Load what ``plan`` needs onto instances an action built itself (cached ones skip).

    What is already loaded is checked here, on the event loop, so a fully loaded instance costs
    no thread hop.
    """
    instances, missing = _missing(objs, plan)
    if missing:
        await sync_to_async(prefetch)(instances, missing, _database_of(instances))


def load_relations_now(objs: Iterable[Any], plan: QueryPlan) -> None:
    """:func:`load_relations` for sync code in the ORM thread (a write's hop)."""
    instances, missing = _missing(objs, plan)
    if missing:
        prefetch(instances, missing, _database_of(instances))


def _database_of(instances: list[Any]) -> str:
    """Where the first of ``instances`` was read or saved (a prefetch reads there)."""
    return instances[0]._state.db or DEFAULT_DB_ALIAS


def _missing(objs: Iterable[Any], plan: QueryPlan) -> tuple[list[Any], list[str]]:
    """The model instances among ``objs`` and the lookups of ``plan`` not loaded on them."""
    instances = [o for o in objs if isinstance(o, models.Model)]
    if not plan or not instances:
        return instances, []
    return instances, [lk for lk in plan.lookups if not _loaded(instances, lk.split("__"))]


def _loaded(instances: list[Any], parts: list[str]) -> bool:
    """True when relation path ``parts`` is cached on every instance (no query to read it)."""
    from django.db.models.query import get_prefetcher

    try:
        for obj in instances:
            _, _, found, is_fetched = get_prefetcher(obj, parts[0], parts[0])
            if not found or not is_fetched(obj):  # type: ignore[operator]
                return False
        if len(parts) == 1:
            return True
        children: list[Any] = []
        for obj in instances:
            value = getattr(obj, parts[0])
            if value is None:
                continue
            if isinstance(value, models.Model):
                children.append(value)
            else:  # a related manager: its prefetched list, read without a query
                children.extend(value.all())
        return not children or _loaded(children, parts[1:])
    except Exception:  # unknown descriptor: let Django decide
        return False
