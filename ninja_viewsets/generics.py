"""The generic half of a viewset: queryset, object lookup and schemas per action.

    class BookViewSet(GenericViewSet):
        queryset = Book.objects.all()
        output_schema = BookOut          # list items, retrieve, create and update responses
        input_schema = BookIn            # create / update body
        patch_schema = None              # partial_update body: input_schema, every field optional
        lookup_field = "slug"

        def get_queryset(self):
            return super().get_queryset().filter(owner=self.request.user)

Schemas are resolved per action when the router registers the viewset (OpenAPI is static), so
``get_output_schema()`` and friends may branch on ``self.action`` but not on the request.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from asgiref.sync import sync_to_async
from django.core.exceptions import (
    EmptyResultSet,
    ImproperlyConfigured,
    ObjectDoesNotExist,
    ValidationError,
)
from django.db import connections
from django.db.models import Manager, Model, QuerySet
from django.db.models.manager import BaseManager
from django.http import Http404
from django.shortcuts import get_object_or_404 as _django_get_object_or_404
from pydantic import BaseModel

from ninja_viewsets._async import awaitable_or_result, is_async
from ninja_viewsets._etags import ETagMixin
from ninja_viewsets._loading import plan_queryset
from ninja_viewsets._lookups import lookup_type
from ninja_viewsets._object_queries import KeptPages
from ninja_viewsets._object_queries import get_object as get_compiled_object
from ninja_viewsets._planning import EMPTY_PLAN, QueryPlan, get_plan
from ninja_viewsets._reloads import ReloadMixin
from ninja_viewsets._schemas import derived_input as _derived_input
from ninja_viewsets._schemas import derived_output as _derived_output
from ninja_viewsets._schemas import patch_schema_for
from ninja_viewsets.conf import get_setting
from ninja_viewsets.exceptions import NotFound
from ninja_viewsets.filters import idle_for
from ninja_viewsets.pagination import apaginate, counts_with_count, pages_in_one_hop

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["GenericAPIView", "aget_object_or_404", "get_object_or_404", "lookup_type"]

# DRF's single-purpose generic views are viewset compositions (ninja_viewsets.viewsets, a layer
# above this one); they are importable from here too, where DRF users look for them.
_GENERIC_VIEWS = frozenset(
    {
        "CreateAPIView",
        "DestroyAPIView",
        "ListAPIView",
        "ListCreateAPIView",
        "RetrieveAPIView",
        "RetrieveDestroyAPIView",
        "RetrieveUpdateAPIView",
        "RetrieveUpdateDestroyAPIView",
        "UpdateAPIView",
    }
)


def __getattr__(name: str) -> Any:
    if name in _GENERIC_VIEWS:
        from ninja_viewsets import viewsets

        return getattr(viewsets, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


PAGINATION_PARAM = "pagination"


class _NotGiven:
    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()


_MT = TypeVar("_MT", bound=Model)


class GenericAPIView(ETagMixin, ReloadMixin, Generic[_MT]):
    """Configuration and lookups shared by every generic viewset.

    Subscript it with the model for typing (``GenericViewSet[Book]``, ``ModelViewSet[Book]``):
    ``get_queryset()`` is then a ``QuerySet[Book]`` and ``get_object()`` a ``Book`` to mypy.
    Optimistic concurrency (ETags) comes from ``_etags.ETagMixin``, the reloads after a write
    (``refetch()``, ``reload_relations()``) from ``_reloads.ReloadMixin``.
    """

    queryset: ClassVar[QuerySet[Any] | None] = None
    output_schema: type[BaseModel] | None = None
    input_schema: type[BaseModel] | None = None
    patch_schema: type[BaseModel] | None = None
    lookup_field: str = "pk"
    lookup_url_kwarg: str | None = None
    pagination_class: Any = NOT_GIVEN  # None: unpaginated; unset: DEFAULT_PAGINATION_CLASS
    filter_backends: Sequence[Any] | None = None  # None: DEFAULT_FILTER_BACKENDS
    filter_schema: type[BaseModel] | None = None  # a ninja FilterSchema
    ordering_fields: Sequence[str] | str | None = None
    ordering: Sequence[str] | str | None = None  # a string is one field
    search_fields: Sequence[str] | None = None
    query_planning: bool = True  # derive select/prefetch/only from the output schema
    sparse_fields: bool = False  # ?fields= / ?omit= on reads (see docs/sparse-fields.md)
    expandable_fields: dict[str, Any] | None = None  # ?expand=: {"author": AuthorOut, ...}
    atomic_writes: bool = True  # run overridden perform_* hooks in one transaction
    optimistic_concurrency: bool = False  # ETag on objects; If-Match / If-None-Match honoured

    # set per request by the viewset machinery
    request: HttpRequest
    kwargs: dict[str, Any]
    action: str | None
    params: dict[str, Any]
    paginator: Any = None
    object_plan: QueryPlan = EMPTY_PLAN
    response_plan: QueryPlan = EMPTY_PLAN
    lock_object: bool = False  # get_object() uses select_for_update()
    request_plan: Any = None  # the operation's policies, resolved once (_request_plans.RequestPlan)
    _filtering: bool = False  # inside an overridden filter_queryset()

    if TYPE_CHECKING:  # the request engine's (views.APIView), which a viewset always has

        async def check_object_permissions(self, request: HttpRequest, obj: Any) -> None: ...

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        queryset = vars(cls).get("queryset")
        if isinstance(queryset, QuerySet):
            _guard_class_queryset(cls, queryset)

    def get_queryset(self) -> QuerySet[_MT]:
        """The objects this viewset works on; override to scope them to the request.

        Sync and lazy: build the queryset, never evaluate it here.
        """
        if self.queryset is None:
            raise ImproperlyConfigured(
                f"'{type(self).__name__}' should either include a `queryset` attribute, "
                f"or override the `get_queryset()` method."
            )
        return self.queryset.all()

    def get_related_queryset(self, field: Any) -> QuerySet[Any]:
        """The rows a foreign key or many-to-many id in a write's body may name (DRF: the
        related field's ``queryset``): the related model's default manager. An id outside it
        is a 422 at its field, checked before the write.

        Override to narrow it (``field`` is the model field), e.g. to the request's tenant::

            def get_related_queryset(self, field):
                return super().get_related_queryset(field).filter(tenant=self.request.tenant)
        """
        return field.related_model._default_manager.all()  # type: ignore[no-any-return]

    def get_filter_backends(self) -> list[Any]:
        """The filter backend classes, in order: ``filter_backends`` or the setting."""
        if self.filter_backends is None:
            backends: list[Any] = get_setting("DEFAULT_FILTER_BACKENDS")
            return backends
        return list(self.filter_backends)

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """Apply each of ``filter_backends`` in order (DRF's), sync: every backend must be.

        The built-in backends (``filter_schema``, search, ordering) read query parameters that
        exist on list and ``paginate=True`` list-level actions only, so they leave detail
        lookups alone; a backend of yours applies to ``get_object()`` too, as in DRF.
        Override it (sync or ``async def``) to change the whole filtering.
        """
        for backend_class in self.get_filter_backends():
            backend = backend_class()
            if is_async(backend.filter_queryset):
                raise ImproperlyConfigured(
                    f"{backend_class.__name__}.filter_queryset is async: call "
                    f"`await self.afilter_queryset(queryset)` in {type(self).__name__}."
                )
            queryset = backend.filter_queryset(self.request, queryset, self)
        return queryset

    async def afilter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """``filter_queryset()`` for the async path: async backends are awaited, sync ones run
        inline (they only build the lazy queryset).

        An overridden ``filter_queryset`` (sync, or ``async def``) is called instead; inside
        it, ``super().filter_queryset()`` or ``await super().afilter_queryset()`` apply the
        backends.
        """
        if type(self).filter_queryset is not GenericAPIView.filter_queryset and not self._filtering:
            self._filtering = True
            try:
                result = self.filter_queryset(queryset)
                filtered: QuerySet[Any] = await result if inspect.isawaitable(result) else result
                return filtered
            finally:
                self._filtering = False
        plan = self.request_plan
        if plan is not None and plan.backends is not None:  # a detail lookup's, resolved once
            backends: Sequence[Any] = plan.backends
        else:
            backends = self.get_filter_backends()
        for backend_class in backends:
            result = backend_class().filter_queryset(self.request, queryset, self)
            if not isinstance(result, QuerySet) and inspect.isawaitable(result):
                result = await result
            queryset = result
        return queryset

    def get_pagination_class(self) -> Any:
        """This action's paginator class, or ``None`` (``pagination_class`` or the setting)."""
        if self.pagination_class is NOT_GIVEN:
            return get_setting("DEFAULT_PAGINATION_CLASS")
        return self.pagination_class

    async def paginate_queryset(self, queryset: QuerySet[Any]) -> Any:
        """One page of ``queryset`` as the paginator's output, or ``None`` when unpaginated."""
        if self.paginator is None:
            return None
        return await apaginate(
            self.paginator, queryset, self.params[PAGINATION_PARAM], self.request, view=self
        )

    def get_model(self) -> type[Model] | None:
        """The model this viewset serves: from ``queryset``, else from ``get_queryset()``.

        At registration there is no request: a ``get_queryset()`` that needs one gives ``None``
        (then set ``queryset`` too, or explicit schemas, for derived schemas and query plans).
        """
        if self.queryset is not None:
            return self.queryset.model
        try:
            return self.get_queryset().model
        except Exception:
            return None

    # -- schemas -------------------------------------------------------------------------

    def get_output_schema(self) -> type[BaseModel]:
        """Response schema of list items, retrieve, create and update."""
        if self.output_schema is not None:
            return self.output_schema
        return _derived_output(self._require_model("output_schema"))

    def get_input_schema(self) -> type[BaseModel]:
        """Body schema of create and update (PUT)."""
        if self.input_schema is not None:
            return self.input_schema
        return _derived_input(self._require_model("input_schema"))

    def get_patch_schema(self) -> type[BaseModel]:
        """Body schema of partial_update: ``input_schema`` with every field optional."""
        if self.patch_schema is not None:
            return self.patch_schema
        return patch_schema_for(self.get_input_schema())

    def _require_model(self, attribute: str) -> type[Model]:
        model = self.get_model()
        if model is None:
            raise ImproperlyConfigured(
                f"'{type(self).__name__}' has no `{attribute}` and no model to derive it from: "
                f"set `{attribute} = YourSchema`, and either include a `queryset` attribute, or "
                f"override the `get_queryset()` method."
            )
        return model

    def get_sparse_fields(self) -> bool:
        """Whether clients choose the fields of this action's response (``?fields=``,
        ``?omit=``): ``sparse_fields``. Decided at ``register()`` (OpenAPI is static): may
        branch on ``self.action``, not on the request."""
        return bool(self.sparse_fields)

    def get_expandable_fields(self) -> dict[str, Any]:
        """The relations clients may expand (``?expand=``), each with the schema it expands
        to: ``expandable_fields``; dotted keys reach into an expansion or a nested schema
        (``"author.publisher"``). Decided at ``register()``, like :meth:`get_sparse_fields`."""
        return dict(self.expandable_fields or {})

    def get_query_plan(self, schema: Any) -> QueryPlan:
        """Relations ``schema`` reads on this viewset's model (what to select/prefetch)."""
        model = self.get_model()
        if model is None or not self.query_planning:
            return EMPTY_PLAN
        return get_plan(model, schema)

    # -- lookups -------------------------------------------------------------------------

    def narrows_object(self) -> bool:
        """Whether :meth:`get_object` reads only the columns of the representation it answers
        (``only()``, as a list does: ``?fields=id,title`` selects ``id, title``), rather than
        the whole row.

        Only for a representation the client chose (``?fields=``, ``?omit=``, ``?expand=``:
        the default one reads the row, which costs less than narrowing it by a column or two),
        and only where nothing but serialization reads the object: a ``GET`` of the library's
        own ``retrieve``, ``get_object()`` not overridden, no ETags (``get_etag()`` reads every
        column), and no object permission that can refuse (``has_object_permission`` may
        read any attribute; a deferred one would be a query on the event loop, which Django
        refuses). Writes and detail actions of yours read the whole row. Override it to
        narrow a detail action whose code reads only what its response schema reads.
        """
        plan = self.request_plan
        sparse = getattr(self, "sparse", None)  # the request engine's: views.APIView.sparse
        return (
            sparse is not None
            and bool(sparse.key)
            and self.action == "retrieve"
            and self.request.method in ("GET", "HEAD")
            and not self.optimistic_concurrency
            and plan is not None
            and plan.library_handler
            and plan.object_permissions == ()
            and type(self).get_object is GenericAPIView.get_object
        )

    def _compiles_lookup(self, narrow: bool) -> QuerySet[Any] | None:
        """The class's ``queryset`` when :meth:`get_object`'s query may come from SQL compiled
        once (``_object_queries``): the library's ``get_queryset()``, no filter backend with
        anything to do on a detail lookup (the operation's plan says so), the whole row, no
        ``select_for_update()``. Else ``None``: the query is built per request."""
        plan = self.request_plan
        if narrow or self.lock_object or plan is None or plan.backends != ():
            return None
        return self._queryset_as_is()

    def _queryset_as_is(self) -> QuerySet[Any] | None:
        """The class's ``queryset`` when the library's ``get_queryset()`` and
        ``filter_queryset()`` run (on the instance too: nested routes scope the queryset per
        request there), so that each request starts from it as it is; else ``None``."""
        if (
            getattr(self.get_queryset, "__func__", None) is not GenericAPIView.get_queryset
            or getattr(self.filter_queryset, "__func__", None) is not GenericAPIView.filter_queryset
        ):
            return None
        return self.queryset

    def _kept_pages(self) -> KeptPages | None:
        """A list's queryset for its paginator, with the SQL of its COUNT and of its page kept
        (``_object_queries.PageQuery``): the library's ``get_queryset()``, ``filter_queryset()``
        and ``paginate_queryset()``, the library's or Ninja's page-number or limit/offset
        paginator, a representation whose query plan is kept (the schema's own, or a
        ``?fields=`` choice among the cached ones), and filter backends with nothing
        to do in this request (``filters.idle_for``: no filter value, search term or
        ``?ordering=``); else ``None``."""
        paginator = self.paginator
        if (
            paginator is None
            or not getattr(getattr(self, "sparse", None), "cached", True)  # a one-off ?fields=
            or type(self).paginate_queryset is not GenericAPIView.paginate_queryset
            or not pages_in_one_hop(paginator)
            or not counts_with_count(paginator)
        ):
            return None
        operation = self.request_plan
        queryset = self._queryset_as_is()
        if (
            queryset is None
            or operation is None
            or operation.backends is None  # backends of the user's choosing per request
            or not all(idle_for(b, self, self.request) for b in operation.backends)
        ):
            return None
        plan = self.response_plan

        def build() -> QuerySet[Any]:  # idle backends: the same for every such request
            return plan_queryset(self.filter_queryset(self.get_queryset()), plan, columns=True)

        return KeptPages((type(self), queryset), plan, build, queryset.db)

    if TYPE_CHECKING:  # awaited in async code (the usual case), as typed here

        async def get_object(self) -> _MT: ...

    else:

        def get_object(self):
            """The object of a detail action: looked up in ``filter_queryset(get_queryset())``.

            404 when it is missing, filtered out or the lookup value is malformed; then the
            object permissions are checked (403). ``await self.get_object()`` in async code; in
            a ``def`` action or hook (sync code, DRF's habit) ``self.get_object()`` is the
            object itself.
            """
            return awaitable_or_result(self._get_object)

    def _fetches_with_write(self) -> bool:
        """Whether a write of the library's may run in the thread hop that fetches its object
        (``get_object()`` then the DELETE or UPDATE, one hop): the library's ``get_object()``,
        no object permission that can refuse between the two, no row lock (it takes the
        request's transaction, begun before the read)."""
        plan = self.request_plan
        return (
            plan is not None
            and plan.object_permissions == ()
            and not self.lock_object
            and getattr(self.get_object, "__func__", None) is GenericAPIView.get_object
        )

    async def _get_object(self, then: Callable[[Any], Any] | None = None) -> Any:
        """The object; with ``then`` (sync, only where :meth:`_fetches_with_write`), what
        ``then(obj)`` returns, run in the hop that fetched it."""
        narrow = self.narrows_object()
        loads = self.object_plan
        if narrow and loads is EMPTY_PLAN:  # a detail action of yours: its response's plan
            loads = self.response_plan
        compiled = self._compiles_lookup(narrow)
        if compiled is None:
            queryset = plan_queryset(
                await self.afilter_queryset(self.get_queryset()), loads, columns=narrow
            )
        else:
            queryset = compiled
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        if lookup_url_kwarg not in self.kwargs:
            raise ImproperlyConfigured(
                f"Expected view {type(self).__name__} to be called with a URL keyword argument "
                f"named '{lookup_url_kwarg}'. Fix your URL conf, or set the `.lookup_field` "
                f"attribute on the view correctly."
            )
        value = self.kwargs[lookup_url_kwarg]
        if self.lock_object:
            features = connections[queryset.db].features
            of = ("self",) if features.has_select_for_update_of else ()
            queryset = queryset.select_for_update(of=of)
        lookup = {self.lookup_field: value}
        if compiled is not None:  # the query's SQL compiled once (_object_queries), same rows
            alias = compiled.db  # the router's choice, asked per request as get() does

            def fetch() -> Any:
                return get_compiled_object(
                    (type(self), compiled),
                    loads,
                    lambda: plan_queryset(compiled.all(), loads),
                    self.lookup_field,
                    value,
                    alias,
                )

            obj = await sync_to_async(_fetch_then)(fetch, then)
        elif then is not None:
            obj = await sync_to_async(_fetch_then)(lambda: queryset.get(**lookup), then)
        else:
            try:
                obj = await queryset.aget(**lookup)  # the queryset's own aget()
            except _LOOKUP_ERRORS:
                obj = _NOT_FOUND
        if obj is _NOT_FOUND:
            raise NotFound(f"No {queryset.model._meta.object_name} matches the given query.")
        if then is not None:
            return obj  # then()'s result
        plan = self.request_plan
        if plan is None or plan.object_permissions != ():  # () : none of them can say no
            await self.check_object_permissions(self.request, obj)
        return obj


# a lookup value that names no row, or cannot name one (malformed, out of the column's range)
_LOOKUP_ERRORS = (ObjectDoesNotExist, ValueError, TypeError, ValidationError, EmptyResultSet)
_NOT_FOUND: Any = object()


def get_object_or_404(queryset: Any, *filter_args: Any, **filter_kwargs: Any) -> Any:
    """DRF's ``generics.get_object_or_404``: Django's shortcut (a model, a manager or a
    queryset; ``Http404`` when no row matches), and ``Http404`` too for a value that cannot
    name a row (``pk="abc"``, an integer out of the column's range). Sync: the ORM thread.

    Given a model or its plain manager and one column, ``get_object_or_404(User, pk=uid)``,
    the query's SQL is compiled once and reused with each value, as ``get_object()``'s is
    (see performance). ``aget_object_or_404()`` in async code.
    """
    try:
        manager = None if filter_args or len(filter_kwargs) != 1 else _plain_manager(queryset)
        if manager is None:
            return _django_get_object_or_404(queryset, *filter_args, **filter_kwargs)
        ((field, value),) = filter_kwargs.items()
        return get_compiled_object((manager,), None, manager.all, field, value, manager.db)
    except _LOOKUP_ERRORS:
        model: Any = queryset if isinstance(queryset, type) else queryset.model
        raise Http404(f"No {model._meta.object_name} matches the given query.") from None


async def aget_object_or_404(queryset: Any, *filter_args: Any, **filter_kwargs: Any) -> Any:
    """:func:`get_object_or_404` from async code (one thread hop, as ``aget()`` takes)."""
    return await sync_to_async(get_object_or_404)(queryset, *filter_args, **filter_kwargs)


def _plain_manager(source: Any) -> BaseManager[Any] | None:
    """The manager ``source`` reads through (a model: its default manager) when it is one whose
    queryset is the same on every call (its class's ``get_queryset()`` is Django's: not a
    related manager, not one of yours); else ``None``."""
    if isinstance(source, type) and issubclass(source, Model):
        source = source._default_manager
    if isinstance(source, Manager) and type(source).get_queryset is BaseManager.get_queryset:
        return source
    return None


def _fetch_then(fetch: Callable[[], Any], then: Callable[[Any], Any] | None) -> Any:
    """``fetch()``, or :data:`_NOT_FOUND`; then ``then(obj)`` when given (sync: the ORM thread;
    an error of ``then``'s is its own, never a 404)."""
    try:
        obj = fetch()
    except _LOOKUP_ERRORS:
        return _NOT_FOUND
    return obj if then is None else then(obj)


def _guard_class_queryset(cls: type, queryset: QuerySet[Any]) -> None:
    """Evaluating the class's own ``queryset`` raises, as DRF's ``as_view()`` makes it do.

    Its rows would be cached on the class and served to every later request (stale, and to
    other users). ``.all()``, ``.filter()`` and ``get_queryset()`` make fresh clones, which
    are not affected.
    """

    def force_evaluation() -> None:
        raise RuntimeError(
            f"Do not evaluate {cls.__name__}.queryset directly: the result would be cached "
            f"and reused between requests. Call `self.get_queryset()` (or `.all()`) instead."
        )

    queryset._fetch_all = force_evaluation  # type: ignore[method-assign]
