"""The request engine: DRF's ``APIView`` part of a viewset, one request from Ninja to response.

    view = BookViewSet(basename="book", detail=True)     # a new instance per request
    response = await view.run(request, spec, params)    # what the viewset's operation does

:meth:`APIView.run` follows DRF's order: :meth:`~APIView.initial` (the user, permissions,
throttles, a nested route's parent), the input's validation, the action, its rendering; a write
runs in one transaction; every exception becomes a response through
:meth:`~APIView.handle_exception`. The permission and throttle checks live in
``ninja_viewsets._policies``, the exception handling in ``_handling``, the per-operation
request plan in ``_request_plans``; binding HTTP methods to actions, in ``viewsets``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DEFAULT_DB_ALIAS, DatabaseError
from django.db import router as db_router
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from ninja_viewsets import conf
from ninja_viewsets._async import RequestTransaction, acall
from ninja_viewsets._auth import ANONYMOUS, ViewSetRequest
from ninja_viewsets._compat import respond, split_status
from ninja_viewsets._endpoints import RESPONSE_PARAM, VALIDATE_PARAM
from ninja_viewsets._exports import render_other
from ninja_viewsets._formats import BaseRenderer, negotiate
from ninja_viewsets._handling import _WRITES, ExceptionHandling
from ninja_viewsets._loading import load_relations, plan_queryset
from ninja_viewsets._planning import EMPTY_PLAN, QueryPlan, get_plan
from ninja_viewsets._policies import PolicyChecks
from ninja_viewsets._request_plans import RequestPlan, _is_library
from ninja_viewsets._uploads import is_multipart
from ninja_viewsets.exceptions import (
    AuthenticationFailed,
    NotAuthenticated,
    ParseError,
    RequestTooLarge,
    UnsupportedMediaType,
    is_retryable,
)
from ninja_viewsets.nesting import apply_scope
from ninja_viewsets.renderers import to_response

if TYPE_CHECKING:
    from ninja_viewsets._endpoints import OperationSpec
    from ninja_viewsets._sparse import SparseRequest
    from ninja_viewsets._types import ViewSetHost

logger = logging.getLogger("ninja_viewsets")

__all__ = ["APIView"]


class APIView(ExceptionHandling, PolicyChecks):
    """Runs one request of a viewset action: policies, validation, the action, its response.

    The engine under :class:`~ninja_viewsets.viewsets.ViewSetMixin`; not routable on its own
    (``as_view()`` and the routers bind a viewset's actions to HTTP methods).
    """

    atomic_writes: bool = True  # a write request, its hooks and rendering: one transaction
    renderer_classes: Sequence[Any] | None = None  # None: NINJA_VIEWSETS default (JSON)
    accepted_renderer: BaseRenderer | None = None  # per request: the negotiated format

    # per request
    request: HttpRequest
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    action: str | None = None
    response: HttpResponse | None = None  # headers set here reach the client
    params: dict[str, Any]
    collection: bool = False
    paginator: Any  # the action's paginator instance, or None
    object_plan: QueryPlan = EMPTY_PLAN
    response_plan: QueryPlan = EMPTY_PLAN
    sparse: SparseRequest | None = None  # the representation ?fields= / ?expand= chose
    body_param: str | None = None  # the action's body parameter (error locations)
    write_transaction: RequestTransaction | None = None  # while a write request runs
    request_plan: RequestPlan | None = None  # the operation's, while a request runs

    def __init__(self, **kwargs: Any) -> None:
        for key, value in kwargs.items():
            setattr(self, key, value)

    # -- one request ---------------------------------------------------------------------

    async def run(
        self, request: HttpRequest, spec: OperationSpec, params: dict[str, Any]
    ) -> HttpResponseBase:
        """Check permissions and throttles, validate the input, call the action, render its
        response (DRF's order: Ninja authenticated the request; ``params`` holds the path values
        and, under ``VALIDATE_PARAM``, the validator of the rest, called after :meth:`initial`).

        A write (``POST``, ``PUT``, ``PATCH``, ``DELETE``) runs the action, its hooks and the
        rendering in one transaction (see :meth:`get_write_database`): an error response or an
        exception rolls it back; a deadlock or serialization failure runs it once more. Every
        exception becomes a response through :meth:`handle_exception`.
        """
        self.request = request
        self.args = ()  # URL parameters are named: they are all in kwargs
        self.response = params.pop(RESPONSE_PARAM, None)
        validate = params.pop(VALIDATE_PARAM, None)  # the query, body...: after the policies
        self.kwargs = {name: params[name] for name in spec.path_params if name in params}
        self.action = spec.action
        self.params = params
        self.body_param = spec.body
        self.collection = spec.collection
        self.paginator = spec.paginator
        self.object_plan = spec.object_plan
        self.response_plan = spec.response_plan
        self.write_transaction = None
        if self.nesting is not None:
            apply_scope(self)
        try:
            key = (  # what the operation's plan was read from (compared, no call)
                conf.generation,
                self.permission_classes,
                self.throttle_classes,
                self.renderer_classes,
                getattr(self, "filter_backends", None),
            )
            plan = spec.memo.plan
            if plan is None or plan.key != key:
                plan = spec.memo.plan = RequestPlan(self, spec, key)
            self.request_plan = plan
            self.accepted_renderer = negotiate(request, plan.renderers)
            await self.initial(request)
            try:
                multipart = spec.uploads and is_multipart(request)  # a body with files
                if spec.body is not None and not multipart and request.body:
                    self.check_media_type(request)
                if validate is not None:
                    params.update(validate())
                if spec.sparse is not None:  # ?fields=, ?omit=, ?expand=: schema and plan
                    self.choose_representation(request, spec)
            except SuspiciousOperation as exc:  # Django refused the body while it was read:
                # over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields... (not its HTML page)
                refused = RequestTooLarge() if isinstance(exc, RequestDataTooBig) else ParseError()
                raise refused from exc
            using = self.get_write_database() if request.method in _WRITES else None
            if using is None:
                return await self.respond(request, spec, params)
            try:
                return await self.respond_atomically(request, spec, params, using)
            except DatabaseError as exc:
                if not is_retryable(exc):
                    raise
                logger.warning(
                    "%s.%s: %s; running the request's transaction again",
                    type(self).__name__,
                    spec.action,
                    exc,
                )
                return await self.respond_atomically(request, spec, params, using)
        except Exception as exc:
            return await self.ahandle_exception(exc)

    async def respond(
        self, request: HttpRequest, spec: OperationSpec, params: dict[str, Any]
    ) -> HttpResponseBase:
        """Call the action and render what it returns."""
        handler = getattr(self, spec.action)
        if spec.response_param is not None:  # the handler's own HttpResponse parameter
            params[spec.response_param] = self.response
        transaction = self.write_transaction
        plan = self.request_plan
        if transaction is not None and not (
            plan.library_handler if plan is not None else _is_library(handler)
        ):
            await transaction.begin()  # user code may write through the async ORM
        if spec.accepts is None:
            call_kwargs = params
        else:
            call_kwargs = {k: v for k, v in params.items() if k in spec.accepts}
        if plan is not None and plan.async_handler:
            result = await handler(request, **call_kwargs)
        else:
            result = await acall(handler, request, **call_kwargs)
        renderer = self.accepted_renderer
        if renderer is not None and not renderer.json:  # CSV, JSON Lines...: see _formats
            return await render_other(self, renderer, result, spec)
        if spec.finalize:
            result = await self.finalize_result(result, spec)
        response: HttpResponseBase
        sparse = self.sparse
        if isinstance(result, HttpResponseBase):  # rendered by the action (render_now())
            response = result
        elif self.response_plan.sync:  # resolvers, properties: where the sync ORM is allowed
            response = await acall(to_response, request, result, self.response, sparse=sparse)
        else:
            response = to_response(request, result, self.response, sparse=sparse)
        return response

    def choose_representation(self, request: HttpRequest, spec: OperationSpec) -> None:
        """The representation the query asks for (``?fields=``, ``?omit=``, ``?expand=``):
        its schema renders the response, its plan loads what it reads (422 for an unknown
        name). See ``ninja_viewsets._sparse``."""
        assert spec.sparse is not None
        sparse = self.sparse = spec.sparse.resolve(request.GET)
        self.response_plan = sparse.plan
        if spec.object_plan is not EMPTY_PLAN or not spec.finalize:
            self.object_plan = sparse.plan  # retrieve: its joins and prefetches follow too

    async def respond_atomically(
        self, request: HttpRequest, spec: OperationSpec, params: dict[str, Any], using: str
    ) -> HttpResponseBase:
        """:meth:`respond` in one transaction on ``using``, committed only on a success."""
        transaction = self.write_transaction = RequestTransaction(using)
        try:
            response = await self.respond(request, spec, params)
        except BaseException as exc:
            self.write_transaction = None
            await transaction.end(exc)
            raise
        self.write_transaction = None
        await transaction.end(rollback=response.status_code >= 400)
        return response

    def answers_in_one_hop(self) -> bool:
        """Whether the library's own write may also render the response and end the request's
        transaction, in its one ORM-thread hop (:meth:`render_now`): the transaction has not
        begun (no user code ran in it, no ``If-Match`` lock) and the response is JSON.
        Otherwise the write is a hop, and committing another."""
        transaction = self.write_transaction
        return transaction is not None and not transaction.begun and self.renders_now()

    def renders_now(self) -> bool:
        """Whether the response may be rendered in the ORM thread, with the write it answers
        (:meth:`render_now`): it is JSON."""
        renderer = self.accepted_renderer
        return renderer is not None and renderer.json

    def render_now(self, result: Any) -> HttpResponseBase:
        """``result`` rendered as :meth:`respond` renders what an action returns (sync: in the
        ORM thread, with the write it answers, inside the request's transaction)."""
        response: HttpResponseBase = to_response(self.request, result, self.response)
        return response

    def get_write_database(self) -> str | None:
        """The database alias of a write request's transaction; ``None``: no transaction.

        ``atomic_writes = False`` opts out (each statement then commits on its own). Override to
        pick another database than the router's ``db_for_write`` for the viewset's model.
        """
        if not self.atomic_writes:
            return None
        queryset = getattr(self, "queryset", None)
        if queryset is None and hasattr(self, "get_queryset"):
            queryset = self.get_queryset()
        if queryset is None:
            return DEFAULT_DB_ALIAS
        return str(db_router.db_for_write(queryset.model))

    def check_media_type(self, request: HttpRequest) -> None:
        """415 when a body declares another type than JSON (``application/json``, ``*+json``).

        Ninja parses any body as JSON; a ``text/plain`` or form body is refused here, as DRF
        does, so a cross-site form can never write. A body without a Content-Type (Ninja's
        ``TestClient``) is read as JSON.
        """
        media_type = getattr(request, "content_type", None)  # Ninja 1.5's TestClient: none
        if (
            isinstance(media_type, str)
            and media_type
            and not (
                media_type == "application/json"
                or (media_type.startswith("application/") and media_type.endswith("+json"))
            )
        ):
            raise UnsupportedMediaType(media_type)

    async def initial(self, request: HttpRequest) -> None:
        """Runs before the action: load the user once, check permissions, then throttles."""
        auth = getattr(request, "auth", None)
        state = cast(ViewSetRequest, request)
        state.auth = auth  # Ninja leaves it unset without auth
        if auth is ANONYMOUS or getattr(request, "_viewset_anonymous", False):
            # every authenticator of this operation failed
            state.auth = auth = None
            failed = getattr(request, "_viewset_auth_failed", None)
            if failed is not None or self.authentication_required:
                challenge = getattr(request, "_viewset_challenge", None)
                headers = {"WWW-Authenticate": challenge} if challenge else None
                if failed is not None:  # credentials presented and refused: never anonymous
                    raise AuthenticationFailed(failed, headers=headers)
                raise NotAuthenticated(headers=headers)
        if isinstance(auth, AbstractBaseUser):
            request.user = auth
        elif hasattr(request, "auser"):
            request.user = await request.auser()
        plan = self.request_plan
        if plan is None or plan.permissions != ():
            await self.check_permissions(request)
        if plan is None or plan.throttles != ():
            await self.check_throttles(request)
        if self.nesting is not None:
            await self.check_parent(request)

    async def finalize_result(self, result: Any, spec: OperationSpec) -> Any:
        """Make what a user action returned safe to serialize on the event loop.

        A queryset is evaluated (with the relations the response schema reads); model
        instances get those relations loaded; ``None`` becomes the action's empty status.
        """
        if isinstance(result, HttpResponseBase):
            return result
        status, body = split_status(result)
        if status is not None:
            return respond(status, await self.finalize_result(body, spec))
        if result is None and spec.empty_status is not None:
            return respond(spec.empty_status, None)
        planning = spec.item_schema is not None and getattr(self, "query_planning", True)
        if isinstance(result, QuerySet):
            queryset = result
            if planning:  # planned for the queryset's own model
                model: Any = result.model
                planned = (
                    self.response_plan
                    if self.sparse is not None  # the representation ?fields= chose
                    else get_plan(model, spec.item_schema)
                )
                queryset = plan_queryset(queryset, planned, columns=True)
            if spec.collection:  # paginate=True: a GenericViewSet (checked at register())
                host = cast("ViewSetHost", self)
                queryset = await host.afilter_queryset(queryset)
                page = await host.paginate_queryset(queryset)
                if page is not None:
                    return page
            return [obj async for obj in queryset]
        if not planning:
            return result
        items = result if isinstance(result, list | tuple) else [result]
        models = {type(item) for item in items if isinstance(item, Model)}
        for model in models:  # usually one: the instances' own model decides the plan
            plan = (
                self.response_plan if self.sparse is not None else get_plan(model, spec.item_schema)
            )
            if plan:
                await load_relations([i for i in items if type(i) is model], plan)
        return result
