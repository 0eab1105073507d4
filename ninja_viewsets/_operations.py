"""Private: the Ninja-facing side of a viewset URL: its operations and its view.

A viewset URL is one ``ViewSetPathView`` in the router's ``path_operations`` holding one
``ViewSetOperation`` per routed method; ``HEAD``, ``OPTIONS`` and the methods it does not route
are answered by the view itself. Everything Ninja does not document as public is reached
through ``ninja_viewsets._ninja``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from asgiref.sync import sync_to_async
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from ninja import NinjaAPI
from pydantic import BaseModel

from ninja_viewsets._auth import ViewSetRequest, anonymous_as_none, carries_cookie_credentials
from ninja_viewsets._formats import renderer_classes_of
from ninja_viewsets._ninja import SeamOperation, SeamPathView
from ninja_viewsets._openapi import TAG_DESCRIPTIONS, document_tags
from ninja_viewsets._uploads import MULTIPART
from ninja_viewsets.exceptions import APIException, MethodNotAllowed, ParseError, RequestTooLarge
from ninja_viewsets.renderers import current_operation

__all__ = ["ViewSetOperation", "ViewSetPathView"]

_JSON_TYPES = {
    "string": "string",
    "integer": "integer",
    "number": "float",
    "boolean": "boolean",
    "array": "list",
    "object": "nested object",
}


def _field_info(schema: type[BaseModel]) -> dict[str, Any]:
    """DRF's ``SimpleMetadata`` per field (``type``, ``required``, ``read_only``, ``label``,
    bounds), read from the schema's JSON schema."""
    described = schema.model_json_schema()
    required = set(described.get("required", ()))
    fields: dict[str, Any] = {}
    for name, prop in described.get("properties", {}).items():
        branches = [b for b in prop.get("anyOf", [prop]) if b.get("type") != "null"]
        concrete = branches[0] if len(branches) == 1 else prop
        info: dict[str, Any] = {
            "type": _JSON_TYPES.get(concrete.get("type", ""), "field"),
            "required": name in required,
            "read_only": False,
            "label": prop.get("title", name),
        }
        for key, drf in (
            ("maxLength", "max_length"),
            ("minLength", "min_length"),
            ("maximum", "max_value"),
            ("minimum", "min_value"),
        ):
            if key in concrete:
                info[drf] = concrete[key]
        if "enum" in concrete:
            info["choices"] = [{"value": v, "display_name": str(v)} for v in concrete["enum"]]
        fields[name] = info
    return fields


class ViewSetOperation(SeamOperation):
    """The operation of one routed method: Ninja's async operation, its response wrappers
    shared process-wide (see ``_ninja.SeamOperation``)."""

    def authenticated(self, request: HttpRequest) -> None:
        anonymous_as_none(request)  # request.auth None for Ninja's throttles (see _auth)

    def checks_csrf(self, request: HttpRequest) -> bool:
        """Only a request with a cookie of a cookie authenticator (``django_auth``: a session)
        is checked for CSRF, as DRF's ``SessionAuthentication`` checks only the requests its
        session authenticates; any other is anonymous or another authenticator's."""
        return carries_cookie_credentials(self.auth_callbacks, request)

    def bound(self, api: NinjaAPI) -> None:
        """The viewset's docstring becomes its tag's description in ``api``'s document."""
        descriptions = getattr(self.view_func, TAG_DESCRIPTIONS, None)
        if descriptions:
            document_tags(api, descriptions)


class ViewSetPathView(SeamPathView):
    """A viewset URL's operations, and the answer for the methods it does not route.

    ``HEAD`` runs the ``GET`` operation (no second operation, nothing in OpenAPI); ``OPTIONS``
    answers the view's name and description; any other method is a JSON 405 with ``Allow``.
    Ninja mounts it through its public hook ``get_view()`` (what ``Router.urls_paths`` calls).
    """

    operation_class = ViewSetOperation
    cloned_attributes = ("fallback_viewset", "fallback_attributes", "allow")

    fallback_viewset: type[Any]
    fallback_attributes: dict[str, Any]
    allow: tuple[str, ...]

    def set_fallback(self, viewset: type[Any], attributes: dict[str, Any]) -> None:
        self.fallback_viewset, self.fallback_attributes = viewset, attributes
        methods = [m for op in self.operations for m in op.methods]
        if "GET" in methods and "HEAD" not in methods:
            methods.append("HEAD")
        self.allow = tuple(dict.fromkeys([*methods, "OPTIONS"]))

    def operation_for(self, method: str) -> Any:
        """The Ninja operation serving ``method`` (``HEAD``: the ``GET`` one), or ``None``."""
        for wanted in (method, "GET") if method == "HEAD" else (method,):
            for operation in self.operations:
                if wanted in operation.methods:
                    return operation
        return None

    def get_view(self) -> Callable[..., Any]:
        """The Django view of this URL (Ninja's public hook: ``Router.urls_paths`` calls it)."""
        path_view = self
        self.urls_built = True  # the router refuses later registrations (Ninja 1.5 does not)

        async def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            return await path_view.dispatch(request, *args, **kwargs)

        attributes = getattr(self, "fallback_attributes", {})
        view.__dict__.update(
            csrf_exempt=True,  # as Ninja's: auth checks CSRF
            # DRF's: resolve(url).func.cls / .initkwargs / .actions
            cls=getattr(self, "fallback_viewset", None),
            initkwargs={k: v for k, v in attributes.items() if k not in ("action_map", "nesting")},
            actions=dict(attributes.get("action_map", {})),
        )
        return view

    async def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        operation = self.operation_for(str(request.method))
        if operation is None:
            if request.method == "OPTIONS":
                return await self.options(request, kwargs)
            return self.fallback(request)
        token = current_operation.set(operation)  # renderers.render() answers as it
        try:
            if operation.is_async:
                return cast(HttpResponseBase, await operation.run(request, *args, **kwargs))
            return cast(
                HttpResponseBase, await sync_to_async(operation.run)(request, *args, **kwargs)
            )
        except SuspiciousOperation as exc:  # Ninja leaves these to Django's HTML pages
            # Django refused the request while Ninja read it: a body over
            # DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, ...
            refused = RequestTooLarge() if isinstance(exc, RequestDataTooBig) else ParseError()
            return self.error(refused)
        finally:
            current_operation.reset(token)

    def fallback(self, request: HttpRequest) -> HttpResponseBase:
        """Any method this URL does not route: a JSON 405 with ``Allow``."""
        return self.error(MethodNotAllowed(str(request.method), list(self.allow)))

    async def options(self, request: HttpRequest, kwargs: dict[str, Any]) -> HttpResponseBase:
        """``OPTIONS``: DRF's metadata, with ``Allow``.

        ``name``, ``description``, ``renders``, ``parses``, and ``actions``: for ``POST`` and
        ``PUT``, when this URL routes them and the user may call them (the permissions pass;
        for ``PUT`` the object exists and its permissions pass too), the input schema's
        fields. The user is the session's (an ``auth`` of the operation is not run here).
        """
        viewset = self.fallback_viewset
        view = viewset(**self.fallback_attributes)
        metadata: dict[str, Any] = {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in renderer_classes_of(view)],
            "parses": self._parses(),
        }
        actions = {}
        for method in ("POST", "PUT"):
            if method in self.allow:
                fields = await self._writable_fields(request, method, kwargs)
                if fields is not None:
                    actions[method] = fields
        if actions:
            metadata["actions"] = actions
        response = JsonResponse(metadata)
        response["Allow"] = ", ".join(self.allow)
        return response

    def _parses(self) -> list[str]:
        """The request media types of this URL: JSON, and ``multipart/form-data`` where an
        operation takes uploads (as its OpenAPI documents it)."""
        media = ["application/json"]
        for operation in self.operations:
            extra = getattr(operation, "openapi_extra", None) or {}
            if MULTIPART in (extra.get("requestBody") or {}).get("content", {}):
                return [*media, MULTIPART]
        return media

    async def _writable_fields(
        self, request: HttpRequest, method: str, kwargs: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The input fields of ``method`` if the user may call it, else ``None``."""
        action = self.fallback_attributes.get("action_map", {}).get(method.lower())
        if action is None:
            return None
        view = self.fallback_viewset(**self.fallback_attributes)
        view.request, view.args, view.kwargs, view.action = request, (), dict(kwargs), action
        view.params = {}
        if not hasattr(request, "auth"):
            cast(ViewSetRequest, request).auth = None
        if hasattr(request, "auser"):
            request.user = await request.auser()
        original = request.method
        request.method = method  # DRF checks a clone of the request with this method
        try:
            await view.check_permissions(request)
            if method == "PUT" and hasattr(view, "get_object"):
                await view.get_object()
        except (APIException, ObjectDoesNotExist, DjangoPermissionDenied):
            return None
        finally:
            request.method = original
        schema = getattr(view, "get_input_schema", None)
        return _field_info(schema()) if schema is not None else {}

    def error(self, exc: APIException) -> HttpResponseBase:
        """``exc`` as the viewset's own error response (its ``handle_exception``)."""
        viewset = self.fallback_viewset(**self.fallback_attributes)
        return cast(HttpResponseBase, viewset.handle_exception(exc))
