"""Private: the SQL of ``get_object()``'s query, compiled once and reused with each lookup value.

    template = ObjectQuery.build(queryset, "pk", alias)   # in the ORM thread, once
    obj = template.get(value, alias)                       # in the ORM thread, per request

A detail lookup builds the same query on every request: the viewset's queryset, its query plan
(``select_related`` / ``only``), ``filter(pk=value)``, no ordering, ``LIMIT 21``. Building it
(``filter()``, clones) and compiling it to SQL cost about as much as the rest of a retrieve in
the library together. Only the lookup's value changes, so the query is built and compiled
once, with a sentinel value, and each request compiles just the lookup (``Exact(Col, value)``:
the value checked and converted by the field as Django does, ``EmptyResultSet`` for an integer
out of the column's range) and splices its parameters into the SQL's. The rows are read by
Django's own ``ModelIterable`` (``from_db``, ``select_related`` populators, fetch modes), and
``prefetch_related`` runs as ``QuerySet`` runs it: only the SQL string is remembered.

A list's page is kept the same way (:class:`PageQuery`, through :class:`KeptPages`, the
queryset a page-number or limit/offset paginator is handed): the ``COUNT``'s SQL as Django ran it
the first time, and the page's ``SELECT`` compiled once with sentinel limits, of which each
request changes only the ``LIMIT`` / ``OFFSET`` at its end.

With ``_inserts`` (a create's ``INSERT``), this is where the library reaches into Django's
query compiler (``SQLCompiler.as_sql`` / ``compile``, ``Query.where``): whatever it cannot vouch
for (a lookup that is not one ``exact`` condition, a custom ``QuerySet`` that overrides how
rows are fetched, a sentinel that shows up twice in the parameters, a compiled lookup whose SQL
differs from the template's; a page whose ``COUNT`` was not one statement or whose SQL does not
end in its limits) gives ``None`` from :meth:`ObjectQuery.build` / :meth:`PageQuery.build` or
:data:`UNSUPPORTED` from :meth:`ObjectQuery.get`, and Django's ``QuerySet`` runs instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections
from django.db.models import Model, Prefetch, QuerySet, prefetch_related_objects
from django.db.models.fields.related_descriptors import ManyToManyDescriptor
from django.db.models.lookups import Exact
from django.db.models.query import prefetch_one_level
from django.db.models.sql.compiler import SQLCompiler

__all__ = [
    "UNSUPPORTED",
    "KeptPages",
    "ObjectQuery",
    "PageQuery",
    "PlannedPrefetch",
    "PrefetchQuery",
    "get_object",
    "prefetch",
]

UNSUPPORTED: Any = object()  # get(): this value cannot use the template; run QuerySet.get()

# fetching rows: what a QuerySet subclass must leave as Django's for the template to stand in
_FETCHING = ("get", "filter", "order_by", "_filter_or_exclude", "_fetch_all", "_clone", "_chain")

_INTEGERS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
    }
)
_STRINGS = frozenset({"CharField", "SlugField", "TextField", "EmailField", "URLField"})
# values no query of a user's is likely to hold; found exactly once in the parameters, or no
# template (a field of another type: no template either)
_SENTINELS: dict[str, Any] = {
    **dict.fromkeys(_INTEGERS, 31_847),  # in every integer column's range, SmallAutoField's too
    **dict.fromkeys(_STRINGS, "ninja-viewsets:\x1fsentinel"),
    "UUIDField": uuid.UUID("6e696e6a-6176-6965-7773-657473656e74"),
}
_VALUE_TYPES = (int, str, uuid.UUID)  # what a URL's path parameter gives; others: no template

_MAX_GET_RESULTS = 21  # QuerySet.get()'s LIMIT (django.db.models.query.MAX_GET_RESULTS)


class ObjectQuery:
    """``queryset.get(<lookup>=value)`` with the SQL compiled once (see the module doc)."""

    __slots__ = ("_compiler", "_i", "_lookup", "_params", "_piece", "_queryset", "_sql")

    def __init__(
        self,
        queryset: QuerySet[Any],
        compiler: SQLCompiler,
        sql: str,
        params: tuple[Any, ...],
        lookup: Exact,
        piece: str,
        index: int,
    ) -> None:
        self._queryset = queryset
        self._compiler = compiler
        self._sql = sql
        self._params = params
        self._lookup = lookup
        self._piece = piece
        self._i = index

    @classmethod
    def build(cls, queryset: QuerySet[Any], lookup_field: str, alias: str) -> ObjectQuery | None:
        """The template of ``queryset.get(**{lookup_field: value})`` on database ``alias``, or
        ``None`` when the query is not one this module can stand in for. Sync: it compiles SQL
        (the ORM thread)."""
        qs_class = type(queryset)
        if any(getattr(qs_class, name) is not getattr(QuerySet, name) for name in _FETCHING):
            return None
        if queryset.query.combinator or queryset.query.select_for_update:
            return None
        sentinel = _sentinel(queryset.model, lookup_field)
        if sentinel is None:
            return None
        template = queryset.using(alias).filter(**{lookup_field: sentinel})
        if template.query.can_filter() and not template.query.distinct_fields:
            template = template.order_by()
        template.query.set_limits(high=_MAX_GET_RESULTS)
        node = template.query.where.children[-1] if template.query.where.children else None
        if not isinstance(node, Exact) or template.query.where.negated:
            return None  # (IntegerFieldExact and the like are Exact's, with their checks)
        compiler = template.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        piece, piece_params = compiler.compile(node)
        if not sql or len(piece_params) != 1 or sql.count(piece) != 1:
            return None
        (prepared,) = piece_params
        hits = [i for i, p in enumerate(params) if type(p) is type(prepared) and p == prepared]
        if len(hits) != 1:
            return None
        return cls(template, compiler, sql, tuple(params), node, piece, hits[0])

    def get(self, value: Any, alias: str) -> Any:
        """The one object whose lookup field is ``value`` (``DoesNotExist``,
        ``MultipleObjectsReturned``, ``ValueError`` / ``TypeError`` / ``ValidationError`` for a
        malformed value, as ``QuerySet.get()``), or :data:`UNSUPPORTED`. Sync (the ORM thread).
        """
        if type(value) not in _VALUE_TYPES:
            return UNSUPPORTED
        template: Any = self._queryset
        lookup = type(self._lookup)(self._lookup.lhs, value)  # the field checks the value
        query = _copy(template.query)
        compiler = _compiler_for(self._compiler, query, alias)
        piece, params = compiler.compile(lookup)  # EmptyResultSet: out of the column's range
        if piece != self._piece or len(params) != 1:
            return UNSUPPORTED
        i = self._i
        all_params = (*self._params[:i], *params, *self._params[i + 1 :])
        rows = _fetch(template, query, compiler, self._sql, all_params)
        if len(rows) == 1:
            return rows[0]
        model = template.model
        if not rows:
            raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        more = f"more than {len(rows) - 1}" if len(rows) >= _MAX_GET_RESULTS else len(rows)
        raise model.MultipleObjectsReturned(
            f"get() returned more than one {model._meta.object_name} -- it returned {more}!"
        )


def _sentinel(model: type[Model], lookup_field: str) -> Any:
    """A value of the lookup field's type that the template is compiled with, or ``None``."""
    if "__" in lookup_field:
        return None
    try:
        field = model._meta.pk if lookup_field == "pk" else model._meta.get_field(lookup_field)
    except Exception:  # FieldDoesNotExist: QuerySet.get() says so
        return None
    if field is None or field.is_relation or not getattr(field, "concrete", False):
        return None
    return _SENTINELS.get(field.get_internal_type())


def _compiler_for(kept: SQLCompiler, query: Any, alias: str) -> Any:
    """A copy of the ``kept`` compiler (its select, joins and converters, set up when it
    compiled the template) for ``query`` on this thread's connection to ``alias``."""
    compiler: Any = _copy(kept)
    compiler.query = query
    compiler.connection = connections[alias]  # this thread's
    compiler.using = alias
    return compiler


def _fetch(template: Any, query: Any, compiler: Any, sql: str, params: tuple[Any, ...]) -> Any:
    """The rows of a copy of the ``template`` queryset whose ``query`` runs ``sql`` with
    ``params`` through ``compiler``, read by Django (``_fetch_all``: ``from_db``, the
    ``select_related`` populators), then its ``prefetch_related`` lookups (:func:`prefetch`)."""
    queryset = _running(template, query, compiler, sql, params)
    queryset._fetch_all()
    rows = queryset._result_cache
    lookups = template._prefetch_related_lookups
    if lookups and rows:
        prefetch(rows, lookups, compiler.using)
    return rows


def _running(template: Any, query: Any, compiler: Any, sql: str, params: tuple[Any, ...]) -> Any:
    """A copy of the ``template`` queryset, not evaluated and without its ``prefetch_related``
    lookups, whose ``query`` runs ``sql`` with ``params`` through ``compiler``."""
    compiler.as_sql = lambda *args, **kwargs: (sql, params)
    query.get_compiler = lambda *args, **kwargs: compiler
    queryset: Any = _copy(template)
    queryset.query = query
    queryset._result_cache = None
    queryset._prefetch_done = False
    queryset._prefetch_related_lookups = ()
    return queryset


def _copy(obj: Any) -> Any:
    """A shallow copy: the same class, a copy of its attributes (``copy.copy`` would evaluate a
    ``QuerySet``: its ``__getstate__`` fetches the rows)."""
    new = object.__new__(type(obj))
    new.__dict__ = obj.__dict__.copy()
    return new


_templates: dict[tuple[Any, ...], tuple[Any, ObjectQuery | None]] = {}
_MAX_TEMPLATES = 1024  # viewsets x operation plans x databases; past it, start over


def _remember(memo: dict[Any, Any], key: Any, plan: Any, template: Any) -> tuple[Any, Any]:
    """``memo[key] = (plan, template)``; a full memo starts over (its templates are rebuilt
    by the next requests)."""
    if len(memo) >= _MAX_TEMPLATES:
        memo.clear()
    memo[key] = kept = (plan, template)
    return kept


def get_object(
    key: tuple[Any, ...],
    plan: Any,
    build: Callable[[], QuerySet[Any]],
    lookup_field: str,
    value: Any,
    alias: str,
) -> Any:
    """``build().get(**{lookup_field: value})``, through the template kept for ``key`` (the
    viewset, its queryset, the database) and ``plan`` (the operation's query plan, by
    identity) when there is one. Sync: the ORM thread."""
    full_key = (*key, id(plan), lookup_field, alias)
    kept = _templates.get(full_key)
    if kept is None or kept[0] is not plan:
        template = ObjectQuery.build(build(), lookup_field, alias)
        kept = _remember(_templates, full_key, plan, template)
    template = kept[1]
    if template is not None:
        obj = template.get(value, alias)
        if obj is not UNSUPPORTED:
            return obj
    return build().get(**{lookup_field: value})


# -- a list's page ------------------------------------------------------------------------------

# the page's LIMIT / OFFSET a template is compiled with: numbers no query of a user's holds
_PAGE_LOW, _PAGE_HIGH = 31_847, 31_847 + 59


class PageQuery:
    """A list's two queries with their SQL kept: the ``COUNT`` as Django ran it once, the page's
    ``SELECT`` compiled once with sentinel limits (only its ``LIMIT`` / ``OFFSET`` change)."""

    __slots__ = ("_base", "_compiler", "_count_params", "_count_sql", "_params", "_queryset")

    def __init__(
        self,
        queryset: QuerySet[Any],
        compiler: SQLCompiler,
        base: str,
        params: tuple[Any, ...],
        count_sql: str,
        count_params: tuple[Any, ...],
    ) -> None:
        self._queryset = queryset
        self._compiler = compiler
        self._base = base
        self._params = params
        self._count_sql = count_sql
        self._count_params = count_params

    @classmethod
    def build(cls, queryset: QuerySet[Any], alias: str) -> tuple[PageQuery | None, int]:
        """The template of ``queryset``'s pages on ``alias`` (or ``None``) and its count, which
        building it ran. Sync: it queries and compiles SQL (the ORM thread)."""
        connection = connections[alias]
        ran: list[tuple[str, Any, bool]] = []

        def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            ran.append((sql, params, many))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(capture):
            count = queryset.using(alias).count()
        qs_class = type(queryset)
        query = queryset.query
        if (
            len(ran) != 1
            or ran[0][2]
            or type(count) is not int
            or connection.vendor not in ("postgresql", "sqlite")
            or any(getattr(qs_class, name) is not getattr(QuerySet, name) for name in _PAGING)
            or query.combinator
            or query.select_for_update
            or query.is_sliced
        ):
            return None, count
        template = queryset.using(alias)
        template.query.set_limits(_PAGE_LOW, _PAGE_HIGH)
        compiler = template.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        suffix = " " + connection.ops.limit_offset_sql(_PAGE_LOW, _PAGE_HIGH)
        if not sql.endswith(suffix) or sql.count(str(_PAGE_LOW)) != 1:
            return None, count
        count_sql, count_params = ran[0][0], tuple(ran[0][1] or ())
        page = cls(template, compiler, sql[: -len(suffix)], tuple(params), count_sql, count_params)
        return page, count

    def count(self, alias: str) -> int:
        """``queryset.count()`` (sync: the ORM thread)."""
        with connections[alias].cursor() as cursor:
            cursor.execute(self._count_sql, self._count_params)
            row = cursor.fetchone()
        return int(row[0])

    def page(self, low: int, high: int, alias: str) -> list[Any]:
        """``list(queryset[low:high])``, its rows read by Django (sync: the ORM thread)."""
        template: Any = self._queryset
        query = _copy(template.query)
        query.low_mark, query.high_mark = low, high
        compiler = _compiler_for(self._compiler, query, alias)
        sql = f"{self._base} {compiler.connection.ops.limit_offset_sql(low, high)}"
        return list(_fetch(template, query, compiler, sql, self._params))


# fetching a page: what a QuerySet subclass must leave as Django's
_PAGING = ("count", "all", "__getitem__", "using", "_fetch_all", "_clone", "_chain", "iterator")

_pages: dict[tuple[Any, ...], tuple[Any, PageQuery | None]] = {}


class KeptPages:
    """What a page-number or limit/offset paginator of Ninja's or the library's asks of a
    queryset (``all().count()``, ``[low:high]``), answered by the :class:`PageQuery` kept for
    ``key`` (the viewset, its queryset) and ``plan`` (by identity) on ``alias``; by ``build()``'s
    queryset where there is none. Sync methods: the ORM thread."""

    __slots__ = ("_alias", "_build", "_key", "_plan")

    def __init__(
        self, key: tuple[Any, ...], plan: Any, build: Callable[[], QuerySet[Any]], alias: str
    ) -> None:
        self._key = (*key, id(plan), alias)
        self._plan = plan
        self._build = build
        self._alias = alias

    def all(self) -> KeptPages:
        return self

    def count(self) -> int:
        kept = _pages.get(self._key)
        if kept is None or kept[0] is not self._plan:
            template, count = PageQuery.build(self._build(), self._alias)
            _remember(_pages, self._key, self._plan, template)
            return count
        template = kept[1]
        return template.count(self._alias) if template is not None else self._build().count()

    def __getitem__(self, window: slice) -> list[Any]:
        kept = _pages.get(self._key)
        low, high = window.start or 0, window.stop
        if (
            kept is not None
            and kept[0] is self._plan
            and kept[1] is not None
            and type(low) is int
            and type(high) is int
            and 0 <= low < high
            and window.step is None
        ):
            return kept[1].page(low, high, self._alias)
        return list(self._build()[window])


# -- a many-to-many list, prefetched -----------------------------------------------------------


def prefetch(instances: list[Any], lookups: Sequence[Any], alias: str) -> None:
    """``prefetch_related_objects(instances, *lookups)`` (sync: the ORM thread), a many-to-many
    relation's query through its :class:`PrefetchQuery` when its lookup is a plain name or a
    :class:`PlannedPrefetch`; the others by Django."""
    rest: list[Any] = []
    if all(isinstance(lookup, str) or type(lookup) is PlannedPrefetch for lookup in lookups):
        for lookup in lookups:
            one = Prefetch(lookup) if isinstance(lookup, str) else lookup
            if (
                "__" in one.prefetch_through
                or one.to_attr is not None
                or not _prefetch_kept(instances, one, alias)
            ):
                rest.append(lookup)
    else:  # a Prefetch of the user's: Django's, all of them, as given
        rest = list(lookups)
    if rest:
        prefetch_related_objects(instances, *rest)


class PlannedPrefetch(Prefetch):
    """A ``Prefetch`` the library's query plan made once and gives every request (its
    queryset, ``only()`` the columns the schema reads, is the same object each time): its
    query may be kept (:class:`PrefetchQuery`). A user's ``Prefetch`` is run by Django."""


class PrefetchQuery:
    """The prefetch of one many-to-many relation of a model (``prefetch_related("tags")``)
    with its SQL kept, per number of objects it is run for.

    Django builds the prefetch's queryset for every page (``filter(<relation>__in=objects)``,
    the join table's column selected with ``extra()``) and compiles it: together several
    times the cost of the query itself. Only the objects' keys change, so the query is built
    and compiled the first time a page of ``n`` objects is prefetched, its parameters checked
    to be exactly those keys, and a later page of ``n`` runs the same SQL with its own keys.
    Django's ``prefetch_one_level()`` reads the rows and fills each object's prefetch cache,
    as ``prefetch_related_objects()`` does (the cache holds each object's own filtered
    ``QuerySet``: ``book.tags.all()``, ``.filter()`` on it, as before).
    """

    __slots__ = ("_by_count", "_match")

    _MAX_COUNTS = 64  # page sizes seen; past it, start over

    def __init__(self) -> None:
        self._by_count: dict[int, tuple[Any, ...] | None] = {}
        self._match: tuple[Any, ...] | None = None  # rel_obj_attr, instance_attr, cache name

    def run(self, instances: list[Any], lookup: Prefetch, alias: str) -> bool:
        """Prefetch ``lookup`` onto ``instances`` (``False``: not done, Django's to do)."""
        match = self._match
        if match is None:
            return self._build(instances, lookup, alias)
        rel_obj_attr, instance_attr, cache_name = match
        keys = list(dict.fromkeys(instance_attr(obj) for obj in instances))
        kept = self._by_count.get(len(keys), _MISSING)
        if kept is _MISSING:
            return self._build(instances, lookup, alias)
        if kept is None:
            return False
        template, compiler, sql = kept
        params = tuple(value for key in keys for value in key)
        if None in params:
            return False
        query = _copy(template.query)
        queryset = _running(template, query, _compiler_for(compiler, query, alias), sql, params)
        _prefetch_one(instances, lookup, (queryset, rel_obj_attr, instance_attr, cache_name))
        return True

    def _build(self, instances: list[Any], lookup: Prefetch, alias: str) -> bool:
        """Django's prefetch, run here so that its queryset is kept for the next pages of as
        many objects (when its SQL's parameters are exactly their keys)."""
        manager = getattr(instances[0], lookup.prefetch_through)
        queryset, rel_obj_attr, instance_attr, single, cache_name, is_descriptor = (
            manager.get_prefetch_querysets(instances, lookup.get_current_querysets(0))
        )
        keys = list(dict.fromkeys(instance_attr(obj) for obj in instances))
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        qs_class = type(queryset)
        kept = (
            not single
            and not is_descriptor
            and not queryset._prefetch_related_lookups
            and queryset.db == alias
            and not any(getattr(qs_class, n) is not getattr(QuerySet, n) for n in _FETCHING)
            and list(params) == [value for key in keys for value in key]
        )
        if len(self._by_count) >= self._MAX_COUNTS:
            self._by_count.clear()
        self._by_count[len(keys)] = (queryset, compiler, sql) if kept else None
        self._match = (rel_obj_attr, instance_attr, cache_name)
        if not kept:
            return False
        queryset._db, queryset._hints = alias, {}  # its database fixed: no router asked again
        return self.run(instances, lookup, alias)  # its first run: the kept SQL, as later


_MISSING: Any = object()
_prefetch_queries: dict[tuple[Any, ...], PrefetchQuery] = {}


def _prefetch_kept(instances: list[Any], lookup: Prefetch, alias: str) -> bool:
    """:class:`PrefetchQuery` for a forward or reverse many-to-many relation (``lookup``, one
    level) of fresh objects of one model; ``False`` for anything else (Django prefetches it)."""
    name = lookup.prefetch_through
    model = type(instances[0])
    if not isinstance(getattr(model, name, None), ManyToManyDescriptor):
        return False
    for obj in instances:
        if type(obj) is not model:
            return False
        cache = obj.__dict__.get("_prefetched_objects_cache")
        if cache is None:
            obj._prefetched_objects_cache = {}
        elif name in cache:  # already there: Django skips it, so do we (it decides)
            return False
    key = (model, name, alias, lookup.queryset)  # (the plan's queryset: the same object)
    kept = _prefetch_queries.get(key)
    if kept is None:
        if len(_prefetch_queries) >= _MAX_TEMPLATES:
            _prefetch_queries.clear()
        kept = _prefetch_queries[key] = PrefetchQuery()
    return kept.run(instances, lookup, alias)


class _Prefetcher:
    """What ``prefetch_one_level()`` asks of a related manager, answered with a kept query."""

    __slots__ = ("_answer",)

    def __init__(self, answer: tuple[Any, ...]) -> None:
        self._answer = answer

    def get_prefetch_querysets(self, instances: Any, querysets: Any = None) -> tuple[Any, ...]:
        queryset, rel_obj_attr, instance_attr, cache_name = self._answer
        return queryset, rel_obj_attr, instance_attr, False, cache_name, False


def _prefetch_one(instances: list[Any], lookup: Prefetch, answer: tuple[Any, ...]) -> None:
    """Django's ``prefetch_one_level()`` (the rows read, each object's cache filled), its
    query the kept one."""
    prefetch_one_level(instances, _Prefetcher(answer), lookup, 0)
