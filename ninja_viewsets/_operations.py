"""Private: the Ninja-facing side of a viewset URL: its operations and its view.

A viewset URL is one ``ViewSetPathView`` in the router's ``path_operations`` holding one
``ViewSetOperation`` per routed method; ``HEAD``, ``OPTIONS`` and the methods it does not route
are answered by the view itself. Everything Ninja does not document as public is reached
through ``ninja_viewsets._ninja``.
"""

from __future__ import annotations

from collections.abc import Callable
from inspect import getdoc
from typing import Any, cast

from asgiref.sync import sync_to_async
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponseBase, JsonResponse

from ninja_viewsets._ninja import SeamOperation, SeamPathView
from ninja_viewsets.exceptions import APIException, MethodNotAllowed, ParseError, RequestTooLarge
from ninja_viewsets.renderers import current_operation

__all__ = ["ViewSetOperation", "ViewSetPathView"]


class ViewSetOperation(SeamOperation):
    """The operation of one routed method: Ninja's async operation, its response wrappers
    shared process-wide (see ``_ninja.SeamOperation``)."""


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

        async def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            return await path_view.dispatch(request, *args, **kwargs)

        view.csrf_exempt = True  # type: ignore[attr-defined]  # as Ninja's: auth checks CSRF
        return view

    async def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        operation = self.operation_for(str(request.method))
        if operation is None:
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
        """``OPTIONS``: the view's name and description; any other method: a JSON 405."""
        if request.method == "OPTIONS":
            viewset = self.fallback_viewset
            response = JsonResponse(
                {
                    "name": viewset(**self.fallback_attributes).get_view_name(),
                    "description": getdoc(viewset) or "",
                }
            )
            response["Allow"] = ", ".join(self.allow)
            return response
        return self.error(MethodNotAllowed(str(request.method), list(self.allow)))

    def error(self, exc: APIException) -> HttpResponseBase:
        """``exc`` as the viewset's own error response (its ``handle_exception``)."""
        viewset = self.fallback_viewset(**self.fallback_attributes)
        return cast(HttpResponseBase, viewset.handle_exception(exc))
