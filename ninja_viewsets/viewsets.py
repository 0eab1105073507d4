"""ViewSets: one class, many related operations, DRF's model on Django Ninja.

    class UserViewSet(ViewSet):
        async def list(self, request) -> list[UserOut]:
            return [u async for u in User.objects.all()]

        async def retrieve(self, request, pk: int) -> UserOut:
            return await User.objects.aget(pk=pk)

    class MovieViewSet(ModelViewSet):
        queryset = Movie.objects.all()
        output_schema = MovieOut
        input_schema = MovieIn

A new instance serves each request, with ``request``, ``kwargs``, ``action``, ``detail``,
``basename``, ``name``, ``description`` and ``suffix`` set before permissions run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, SuspiciousOperation
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError
from django.db import router as db_router
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils.functional import classproperty
from pydantic import ValidationError as PydanticValidationError

from ninja_viewsets import mixins
from ninja_viewsets._async import RequestTransaction, acall
from ninja_viewsets._auth import ANONYMOUS, challenge, effective_auth
from ninja_viewsets._compat import respond, split_status
from ninja_viewsets._formats import BaseRenderer, negotiate, render_other, renderer_classes_of
from ninja_viewsets._ninja import (
    NOT_SET,
    exception_handler_of,
    is_streaming,
    result_to_response,
)
from ninja_viewsets._planning import (
    EMPTY_PLAN,
    QueryPlan,
    get_plan,
    load_relations,
    plan_queryset,
)
from ninja_viewsets._schemas import unique_field_error
from ninja_viewsets._signature import RESPONSE_PARAM, VALIDATE_PARAM
from ninja_viewsets._uploads import is_multipart
from ninja_viewsets.conf import get_setting
from ninja_viewsets.decorators import is_action
from ninja_viewsets.exceptions import (
    AuthenticationFailed,
    NotAuthenticated,
    ParseError,
    PermissionDenied,
    RequestTooLarge,
    UnsupportedMediaType,
    field_errors,
    is_retryable,
)
from ninja_viewsets.generics import _MT, NOT_GIVEN, GenericAPIView, _NotGiven
from ninja_viewsets.nesting import Nesting, apply_scope
from ninja_viewsets.permissions import BasePermission
from ninja_viewsets.renderers import current_operation, render
from ninja_viewsets.throttling import Throttled

if TYPE_CHECKING:
    from ninja_viewsets._signature import OperationSpec

logger = logging.getLogger("ninja_viewsets")

HTTP_METHOD_NAMES = ("get", "post", "put", "patch", "delete", "head", "options", "trace")
# ``as_view()``'s builder, from the router layer (``ninja_viewsets._as_view``, imported with the
# package): registered there, so that this module never imports the routers.
_view_builder: list[Callable[..., Callable[..., Any]]] = []


def register_view_builder(
    builder: Callable[..., Callable[..., Any]],
) -> Callable[..., Callable[..., Any]]:
    _view_builder[:] = [builder]
    return builder


__all__ = [
    "CreateAPIView",
    "DestroyAPIView",
    "GenericAPIViewSet",
    "GenericViewSet",
    "ListAPIView",
    "ListCreateAPIView",
    "ModelViewSet",
    "ReadOnlyModelViewSet",
    "RetrieveAPIView",
    "RetrieveDestroyAPIView",
    "RetrieveUpdateAPIView",
    "RetrieveUpdateDestroyAPIView",
    "UpdateAPIView",
    "ViewSet",
    "ViewSetMixin",
]


class ViewSetMixin:
    """Binds HTTP methods to actions (``{"get": "list"}``) and runs one request."""

    permission_classes: Sequence[Any] | None = None  # None: NINJA_VIEWSETS default
    # with `auth`: True (Ninja's meaning) answers 401 when no authenticator accepts the
    # request; False (DRF's meaning) lets it through anonymous and the permissions decide
    authentication_required: bool = True
    parent_permissions: bool = False  # nested: require the parent's object permissions too
    nesting: Nesting | None = None  # set by the router on nested resources
    parent_object: Any = None  # nested: the parent named in the URL
    throttle_classes: Sequence[Any] | None = None  # None: NINJA_VIEWSETS default
    throttle_scope: str | None = None  # for ScopedRateThrottle
    auth: Any = NOT_SET  # any Ninja auth; passed to every operation of this viewset
    atomic_writes: bool = True  # a write request, its hooks and rendering: one transaction
    renderer_classes: Sequence[Any] | None = None  # None: NINJA_VIEWSETS default (JSON)
    accepted_renderer: BaseRenderer | None = None  # per request: the negotiated format

    # route-level attributes, set by the router (or as_view initkwargs)
    basename: str | None = None
    detail: bool | None = None
    suffix: str | None = None
    name: str | None = None
    description: str | None = None

    # per request
    request: HttpRequest
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    action: str | None = None
    action_map: dict[str, str]
    response: HttpResponse | None = None  # headers set here reach the client
    params: dict[str, Any]
    collection: bool = False
    object_plan: QueryPlan = EMPTY_PLAN
    response_plan: QueryPlan = EMPTY_PLAN
    body_param: str | None = None  # the action's body parameter (error locations)
    write_transaction: RequestTransaction | None = None  # while a write request runs

    def __init__(self, **kwargs: Any) -> None:
        for key, value in kwargs.items():
            setattr(self, key, value)

    # -- binding -------------------------------------------------------------------------

    @classmethod
    def as_view(
        cls, actions: dict[str, str] | None = None, **initkwargs: Any
    ) -> Callable[..., Any]:
        """A Django async view serving ``actions`` (``{"get": "list", "post": "create"}``).

        Usable directly in ``urlpatterns``; requests are validated and permission-checked
        exactly as through a router. URL keyword arguments become path parameters.
        """
        if not actions:
            raise TypeError(
                "The `actions` argument must be provided when calling `.as_view()` on a "
                "ViewSet. For example `.as_view({'get': 'list'})`"
            )
        for key in initkwargs:
            if key in HTTP_METHOD_NAMES:
                raise TypeError(
                    f"You tried to pass in the {key} method name as a keyword argument to "
                    f"{cls.__name__}(). Don't do that."
                )
            if not hasattr(cls, key):
                raise TypeError(
                    f"{cls.__name__}() received an invalid keyword {key!r}. as_view only "
                    f"accepts arguments that are already attributes of the class."
                )
        if "name" in initkwargs and "suffix" in initkwargs:
            raise TypeError(
                f"{cls.__name__}() received both `name` and `suffix`, which are mutually "
                f"exclusive arguments."
            )
        return _view_builder[0](cls, actions, initkwargs)

    @classmethod
    def get_extra_actions(cls) -> list[Callable[..., Any]]:
        """The methods decorated with ``@action`` (inherited ones too), sorted by name."""
        members: dict[str, Any] = {}
        for klass in cls.__mro__:  # the first definition of a name wins, as for getattr
            for attr, member in vars(klass).items():
                members.setdefault(attr, member)
        found = []
        for attr in sorted(members):
            member = members[attr]
            if not is_action(member):
                continue
            if member.__name__ != attr:
                raise ValueError(
                    f"Expected function (`{member.__name__}`) to match its attribute name "
                    f"(`{attr}`). If using a decorator, ensure the inner function is decorated "
                    f"with `functools.wraps`, or that `{member.__name__}.__name__` is otherwise "
                    f"set to `{attr}`."
                )
            found.append(member)
        return found

    @classproperty
    def view_name(cls) -> str:
        name: str = cls.__name__  # type: ignore[attr-defined]
        for suffix in ("ViewSet", "View"):
            name = name.removesuffix(suffix)
        return _split_camel(name)

    def get_view_name(self) -> str:
        """``name`` if set, else the class name minus "ViewSet" plus the route's suffix."""
        if self.name:
            return self.name
        name = type(self).view_name
        return f"{name} {self.suffix}" if self.suffix else name

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
        apply_scope(self)
        try:
            self.accepted_renderer = negotiate(request, renderer_classes_of(self))
            await self.initial(request)
            try:
                multipart = spec.uploads and is_multipart(request)  # a body with files
                if spec.body is not None and not multipart and request.body:
                    self.check_media_type(request)
                if validate is not None:
                    params.update(validate())
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
        if transaction is not None and not _is_library(handler):
            await transaction.begin()  # user code may write through the async ORM
        if spec.accepts is None:
            call_kwargs = params
        else:
            call_kwargs = {k: v for k, v in params.items() if k in spec.accepts}
        result = await acall(handler, request, **call_kwargs)
        renderer = self.accepted_renderer
        if renderer is not None and not renderer.json:  # CSV, JSON Lines...: see _formats
            return await render_other(self, renderer, result, spec)
        if spec.finalize:
            result = await self.finalize_result(result, spec)
        response: HttpResponseBase
        if isinstance(result, HttpResponseBase):  # rendered by the action (render_now())
            response = result
        elif spec.response_plan.sync:  # resolvers, properties: where the sync ORM is allowed
            response = await acall(to_response, request, result, self.response)
        else:
            response = to_response(request, result, self.response)
        return response

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
        renderer = self.accepted_renderer
        return (
            transaction is not None
            and not transaction.begun
            and (renderer is None or renderer.json)
        )

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
        request.auth = auth  # type: ignore[attr-defined]  # Ninja leaves it unset without auth
        if auth is ANONYMOUS or getattr(request, "_viewset_anonymous", False):
            # every authenticator of this operation failed
            request.auth = auth = None  # type: ignore[attr-defined]
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
        await self.check_permissions(request)
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
                queryset = plan_queryset(queryset, get_plan(model, spec.item_schema), columns=True)
            if spec.collection:
                queryset = await self.afilter_queryset(queryset)  # type: ignore[attr-defined]
                page = await self.paginate_queryset(queryset)  # type: ignore[attr-defined]
                if page is not None:
                    return page
            return [obj async for obj in queryset]
        if not planning:
            return result
        items = result if isinstance(result, list | tuple) else [result]
        models = {type(item) for item in items if isinstance(item, Model)}
        for model in models:  # usually one: the instances' own model decides the plan
            plan = get_plan(model, spec.item_schema)
            if plan:
                await load_relations([i for i in items if type(i) is model], plan)
        return result

    def handle_exception(self, exc: Exception) -> HttpResponseBase:
        """The response for ``exc``, or ``exc`` raised again for Ninja's own handlers.

        Override to answer some exceptions yourself (call ``super()`` for the rest), or set
        ``NINJA_VIEWSETS["EXCEPTION_HANDLER"]`` project-wide. In order:

        - a handler added with ``api.add_exception_handler`` for the exception's type (or a
          base class more specific than ``Exception``) receives it;
        - ``NINJA_VIEWSETS["EXCEPTION_HANDLER"](exc, context)`` answers it, or returns ``None``;
        - anything else is a server error: Ninja's handlers see it when ``DEBUG`` is on or the
          API has a catch-all handler; otherwise a JSON 500 ``{"detail", "code":
          "server_error"}``, logged at ERROR with its traceback.
        """
        found = _ninja_handler(exc)  # (handler, catch_all, ninja_default)
        if found is not None and not found[1] and not found[2]:
            raise exc  # the user's handler for this type
        handler = get_setting("EXCEPTION_HANDLER")
        context = {
            "view": self,
            "request": getattr(self, "request", None),
            "args": getattr(self, "args", ()),
            "kwargs": getattr(self, "kwargs", {}),
        }
        response: HttpResponseBase | None = handler(exc, context)
        if response is not None:
            return response
        if found is not None and not (found[1] and found[2]):
            raise exc  # Ninja's HttpError / ValidationError handlers, or the API's catch-all
        if settings.DEBUG:
            raise exc  # Ninja's debug answer: the traceback
        logger.error(
            "Internal server error in %s.%s", type(self).__name__, self.action, exc_info=exc
        )
        return JsonResponse(
            {"detail": "A server error occurred.", "code": "server_error"}, status=500
        )

    async def ahandle_exception(self, exc: Exception) -> HttpResponseBase:
        """:meth:`handle_exception`, after naming the field of a related id that failed.

        The database checks foreign keys at commit (PostgreSQL and SQLite defer them), so a
        write naming a missing row fails late: at the commit, or earlier when the response
        reads the relation. When a write request fails that way, its related ids are checked
        (after the rollback, so the common path costs no query): any that names no row is a
        422 at its field.
        """
        if self.body_param is not None and _may_be_a_missing_row(exc):
            request = getattr(self, "request", None)
            if request is not None and request.method in _WRITES:
                explained = await self.explain_missing_related()
                if explained is not None:
                    exc = explained
        elif isinstance(exc, IntegrityError):  # one unique field of a derived schema: its 422
            exc = unique_field_error(self, exc) or exc
        return self.handle_exception(exc)

    async def explain_missing_related(self) -> Exception | None:
        """A 422 naming the fields whose related ids in the body do not exist, or ``None``."""
        payload = self.params.get(self.body_param) if self.body_param else None
        model = getattr(getattr(self, "queryset", None), "model", None)
        if payload is None or model is None or not hasattr(payload, "model_dump"):
            return None
        try:
            errors = await mixins.missing_related(model, payload)
        except (DatabaseError, OverflowError, ValueError, TypeError):  # ids it cannot look up
            return None
        return field_errors(errors, ("body", str(self.body_param))) if errors else None

    # -- permissions ---------------------------------------------------------------------

    def get_authenticators(self) -> Any:
        """This operation's Ninja ``auth``: the action's or the viewset's ``auth``, else
        ``NINJA_VIEWSETS["DEFAULT_AUTHENTICATION"]`` (read at ``register()``)."""
        return effective_auth(self.auth, get_setting("DEFAULT_AUTHENTICATION"))

    def get_permissions(self) -> list[BasePermission]:
        """Instantiate this action's permission classes (override to branch on ``self.action``)."""
        classes = self.permission_classes
        if classes is None:
            classes = get_setting("DEFAULT_PERMISSION_CLASSES")
        return [permission() for permission in classes]

    async def check_permissions(self, request: HttpRequest) -> None:
        """Raise 401/403 unless every permission allows the request (in order, stops early)."""
        for permission in self.get_permissions():
            if not await acall(permission.has_permission, request, self):
                self.permission_denied(
                    request,
                    message=getattr(permission, "message", None),
                    code=getattr(permission, "code", None),
                )

    async def check_parent(self, request: HttpRequest) -> None:
        """Nested resources: 404 unless the parent in the URL exists (and is visible).

        One query, through the parent viewset's ``get_queryset()``; with
        ``parent_permissions = True`` the parent's object permissions are checked too.
        """
        assert self.nesting is not None
        parent_view, self.parent_object = await self.nesting.fetch_parent(request, self.kwargs)
        if self.parent_permissions:
            await parent_view.check_object_permissions(request, self.parent_object)

    def get_throttles(self) -> list[Any]:
        """Instantiate this action's throttle classes (override to branch on ``self.action``)."""
        classes = self.throttle_classes
        if classes is None:
            classes = get_setting("DEFAULT_THROTTLE_CLASSES")
        return [throttle() for throttle in classes]

    async def check_throttles(self, request: HttpRequest) -> None:
        """Raise 429 with ``Retry-After`` (the longest wait) when any throttle refuses."""
        waits = []
        for throttle in self.get_throttles():
            if not await acall(throttle.allow_request, request, self):
                waits.append(throttle.wait())
        if waits:
            known = [w for w in waits if w is not None]
            raise Throttled(max(known) if known else None)

    async def check_object_permissions(self, request: HttpRequest, obj: Any) -> None:
        """Raise 401/403 unless every permission allows access to ``obj``."""
        for permission in self.get_permissions():
            if not await acall(permission.has_object_permission, request, self, obj):
                self.permission_denied(
                    request,
                    message=getattr(permission, "message", None),
                    code=getattr(permission, "code", None),
                )

    def permission_denied(
        self, request: HttpRequest, message: str | None = None, code: str | None = None
    ) -> None:
        """401 when the request is not authenticated, 403 otherwise."""
        user = getattr(request, "user", None)
        authenticated = bool(getattr(request, "auth", None)) or bool(
            user is not None and user.is_authenticated
        )
        if not authenticated:
            scheme = challenge(_as_list(self.get_authenticators()))
            raise NotAuthenticated(headers={"WWW-Authenticate": scheme} if scheme else None)
        raise PermissionDenied(message, code=code)

    # -- reversing -----------------------------------------------------------------------

    def reverse_action(
        self,
        url_name: str,
        args: Sequence[Any] | None = None,
        kwargs: dict[str, Any] | None = None,
        request: HttpRequest | _NotGiven | None = NOT_GIVEN,
    ) -> str:
        """The URL of another route of this viewset: ``reverse_action("set-password", ["1"])``.

        Absolute when built for a request (by default the one this viewset serves), relative
        with ``request=None`` or outside a request, as DRF's.
        """
        name = f"{self.basename}-{url_name}"
        if isinstance(request, _NotGiven):
            request = getattr(self, "request", None)
        if self.nesting is not None:  # the parents in the URL come along
            own = getattr(self, "kwargs", {})
            parents = {k.kwarg: own[k.kwarg] for k in self.nesting.links if k.kwarg in own}
            if args:
                lookup = str(
                    getattr(self, "lookup_url_kwarg", None) or getattr(self, "lookup_field", "pk")
                )
                kwargs = {lookup: args[0], **(kwargs or {})}
                args = None
            kwargs = {**parents, **(kwargs or {})}
        url = reverse_in_api(name, args=args, kwargs=kwargs, request=request)
        return request.build_absolute_uri(url) if request is not None else url

    def get_extra_action_url_map(self) -> dict[str, str]:
        """``{action name: URL}`` for the extra actions on the same level (list or detail)."""
        if self.detail is None:
            return {}
        result = {}
        for extra in self.get_extra_actions():
            if extra.detail != self.detail:  # type: ignore[attr-defined]
                continue
            try:
                url = self.reverse_action(
                    extra.url_name,  # type: ignore[attr-defined]
                    kwargs=self.kwargs if self.detail else None,
                )
            except NoReverseMatch:
                continue
            result[self._action_display_name(extra)] = url
        return result

    def _action_display_name(self, extra: Any) -> str:
        """An action's ``name``, else this viewset's name with the action's ``suffix`` (DRF)."""
        options = getattr(extra, "kwargs", {})
        if options.get("name"):
            return str(options["name"])
        suffix = options.get("suffix")
        name = type(self).view_name
        return f"{name} {suffix}" if suffix else name


def reverse_in_api(
    name: str,
    *,
    args: Sequence[Any] | None = None,
    kwargs: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> str:
    """``reverse(name)`` in the API's URL namespace (the request's, or the one that has it)."""
    match = getattr(request, "resolver_match", None) if request is not None else None
    namespaces = [match.namespace] if match is not None and match.namespace else []
    namespaces += [ns for ns in get_resolver().namespace_dict if ns not in namespaces]
    for namespace in [*namespaces, ""]:
        try:
            return reverse(f"{namespace}:{name}" if namespace else name, args=args, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise NoReverseMatch(f"Reverse for {name!r} not found in any URL namespace.")


_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _may_be_a_missing_row(exc: Exception) -> bool:
    """A foreign key refused at commit, or a relation the response could not read (Django's
    ``RelatedObjectDoesNotExist``, also wrapped in pydantic's error while rendering)."""
    if isinstance(exc, IntegrityError):
        return "foreign key" in str(exc).lower()
    if isinstance(exc, ObjectDoesNotExist):
        return True
    return isinstance(exc, PydanticValidationError)  # the response could not be rendered


def _is_library(handler: Any) -> bool:
    return str(getattr(handler, "__module__", "")).startswith("ninja_viewsets.")


def to_response(request: HttpRequest, result: Any, response: HttpResponse | None) -> Any:
    """What an action returned, as the response Ninja would build (inside the transaction).

    A ``Status(code, body)`` whose code the operation has no schema for is answered with
    ``code``: a success rendered with the operation's success schema (``Status(202, obj)`` from
    an action typed ``-> BookOut``), an error (4xx, 5xx) as plain JSON.
    """
    operation = current_operation.get()
    if (
        operation is None
        or response is None
        or isinstance(result, HttpResponseBase)
        or is_streaming(operation)  # an async generator: Ninja streams it
    ):
        return result
    status, body = split_status(result)
    models = operation.response_models
    if status is not None and status not in models and Ellipsis not in models:
        response.status_code = status
        if body is None:
            return response
        if status >= 400:  # an error body of the action's own making: plain JSON
            return operation.api.create_response(request, body, temporal_response=response)
        known = next((c for c in models if isinstance(c, int) and 200 <= c < 300), None)
        rendered = to_response(request, respond(known or next(iter(models)), body), response)
        rendered.status_code = status
        return rendered
    rendered = render(request, result, response)
    if isinstance(rendered, HttpResponseBase):
        return rendered
    # Ninja's own rendering (no fast path applies), here so that its errors are ours
    return result_to_response(operation, request, rendered, response)


def _ninja_handler(exc: Exception) -> tuple[Any, bool, bool] | None:
    """The handler the operation's ``NinjaAPI`` has for ``exc`` (see ``_ninja``)."""
    operation = current_operation.get()
    api = getattr(operation, "api", None)
    return exception_handler_of(api, exc) if api is not None else None


def _as_list(auth: Any) -> list[Any]:
    if auth is NOT_SET or auth is None:
        return []
    return list(auth) if isinstance(auth, list | tuple) else [auth]


def _split_camel(name: str) -> str:
    words, current = [], ""
    for char in name:
        if char.isupper() and current and not current[-1].isupper():
            words.append(current)
            current = char
        else:
            current += char
    if current:
        words.append(current)
    return " ".join(words)


class ViewSet(ViewSetMixin):
    """No actions of its own: write ``list``, ``retrieve``, ... and ``@action`` methods."""


class GenericViewSet(ViewSetMixin, GenericAPIView[_MT]):
    """Queryset, lookups and schemas, no actions: compose it with the mixins."""


class ReadOnlyModelViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, GenericViewSet[_MT]):
    """``list`` and ``retrieve``."""


class ModelViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    GenericViewSet[_MT],
):
    """``list``, ``create``, ``retrieve``, ``update``, ``partial_update`` and ``destroy``."""


# -- DRF's single-purpose generic views ----------------------------------------------------

_LIST_LEVEL = {"get": "list", "post": "create"}
_DETAIL_LEVEL = {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}


class GenericAPIViewSet(GenericViewSet[_MT]):
    """A generic view: one URL, its HTTP methods bound to the mixins' actions.

        class BookList(ListCreateAPIView):
            queryset = Book.objects.all()

        urlpatterns = [path("books/", BookList.as_view())]         # DRF's way, or
        router.register("books", BookList, basename="book-list")   # in the API's OpenAPI

    ``as_view()`` needs no ``actions``: ``http_actions()`` maps ``get`` to ``list`` or
    ``retrieve``, ``post`` to ``create``, and so on, from the mixins the view has.
    """

    @classmethod
    def http_actions(cls) -> dict[str, str]:
        """``{http method: action}`` of this view (list level, else detail level)."""
        for level in (_LIST_LEVEL, _DETAIL_LEVEL):
            found = {m: a for m, a in level.items() if callable(getattr(cls, a, None))}
            if found:
                return found
        return {}

    @classmethod
    def as_view(
        cls, actions: dict[str, str] | None = None, **initkwargs: Any
    ) -> Callable[..., Any]:
        """A Django async view of this generic view's methods (``actions`` to override)."""
        return super().as_view(actions or cls.http_actions(), **initkwargs)


class CreateAPIView(mixins.CreateModelMixin, GenericAPIViewSet[_MT]):
    """``POST``: create an object."""


class ListAPIView(mixins.ListModelMixin, GenericAPIViewSet[_MT]):
    """``GET``: the (filtered, paginated) list of objects."""


class RetrieveAPIView(mixins.RetrieveModelMixin, GenericAPIViewSet[_MT]):
    """``GET``: one object."""


class DestroyAPIView(mixins.DestroyModelMixin, GenericAPIViewSet[_MT]):
    """``DELETE``: delete one object."""


class UpdateAPIView(mixins.UpdateModelMixin, GenericAPIViewSet[_MT]):
    """``PUT`` and ``PATCH``: update one object."""


class ListCreateAPIView(mixins.ListModelMixin, mixins.CreateModelMixin, GenericAPIViewSet[_MT]):
    """``GET`` the list, ``POST`` a new object."""


class RetrieveUpdateAPIView(
    mixins.RetrieveModelMixin, mixins.UpdateModelMixin, GenericAPIViewSet[_MT]
):
    """``GET``, ``PUT`` and ``PATCH`` one object."""


class RetrieveDestroyAPIView(
    mixins.RetrieveModelMixin, mixins.DestroyModelMixin, GenericAPIViewSet[_MT]
):
    """``GET`` and ``DELETE`` one object."""


class RetrieveUpdateDestroyAPIView(
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    GenericAPIViewSet[_MT],
):
    """``GET``, ``PUT``, ``PATCH`` and ``DELETE`` one object."""
