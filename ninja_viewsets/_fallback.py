"""Private: a JSON answer for the URLs under a router that no route matches.

``SimpleRouter.register()`` keeps one catch-all URL last on the router (``{path:rest}``, not in
OpenAPI). A request that reaches it is resolved again, skipping the catch-alls, so a route
mounted later (another router of the same API) is still served; otherwise:

- a routed URL without its trailing slash is served by the route with the slash (Django's
  ``APPEND_SLASH`` would redirect a GET and refuse a POST with a ``RuntimeError`` in DEBUG);
- any other URL is ``404 {"detail": "Not found: /api/nope/", "code": "not_found"}``, never
  Django's HTML page.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, cast

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import ResolverMatch
from ninja import Router

from ninja_viewsets._ninja import SeamPathView, path_key, plant_path_view

__all__ = ["FALLBACK_PATH", "FallbackPathView", "keep_fallback_last", "plant_fallback"]

FALLBACK_PATH = "/{path:rest}"
URL_NAME = "ninja-viewsets-fallback"


def _resolve(resolver: URLResolver, path: str) -> ResolverMatch | None:
    """``resolver.resolve(path)``, skipping the catch-alls (``None``: nothing else matches)."""
    match = resolver.pattern.match(path)
    if not match:
        return None
    rest, _args, kwargs = match
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            found = _resolve(pattern, rest)
        elif isinstance(pattern, URLPattern):
            if getattr(pattern.callback, "ninja_viewsets_fallback", False):
                continue
            found = pattern.resolve(rest)
        else:  # pragma: no cover - another kind of pattern
            continue
        if found is not None:
            if kwargs:
                found.kwargs = {**kwargs, **found.kwargs}
            return found
    return None


async def _serve(request: HttpRequest, match: ResolverMatch) -> HttpResponseBase:
    request.resolver_match = match
    func: Callable[..., Any] = match.func
    if inspect.iscoroutinefunction(func):
        response = await func(request, *match.args, **match.kwargs)
    else:
        response = await sync_to_async(func)(request, *match.args, **match.kwargs)
    if inspect.isawaitable(response):
        response = await response
    return cast(HttpResponseBase, response)  # a Django view's answer


async def answer(request: HttpRequest) -> HttpResponseBase:
    """The route another pattern has for this URL (or for it with a trailing slash), or a
    JSON 404."""
    root = get_resolver(getattr(request, "urlconf", None))
    path = request.path_info
    match = _resolve(root, path)
    if match is None and not path.endswith("/"):
        match = _resolve(root, path + "/")
    if match is not None:
        return await _serve(request, match)
    return JsonResponse({"detail": f"Not found: {request.path}", "code": "not_found"}, status=404)


class FallbackPathView(SeamPathView):
    """The catch-all URL's view: :func:`answer` for every method."""

    def get_view(self) -> Callable[..., Any]:
        async def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            return await answer(request)

        vars(view).update(
            csrf_exempt=True,  # the route served checks it
            should_append_slash=False,  # CommonMiddleware
            ninja_viewsets_fallback=True,
        )
        return view


async def _unrouted(request: HttpRequest, rest: str) -> None:  # pragma: no cover - never run
    """Stands for the catch-all URL in Ninja's table (its view answers by itself)."""


def keep_fallback_last(router: Router, path: str) -> None:
    """After ``path`` was added to ``router``: the catch-all, if planted, goes last again (a
    plain Ninja function added after ``register()`` must not sit behind it)."""
    if path != FALLBACK_PATH and path_key(FALLBACK_PATH) in router.path_operations:
        plant_fallback(router)


def plant_fallback(router: Router) -> None:
    """Put the catch-all URL last on ``router`` (planting it on the first call)."""
    key = path_key(FALLBACK_PATH)
    view = router.path_operations.pop(key, None)
    if view is not None:
        router.path_operations[key] = view  # last again, after the routes just added
        return
    plant_path_view(router, FALLBACK_PATH, FallbackPathView)
    router.add_api_operation(
        FALLBACK_PATH,
        ["GET"],
        _unrouted,
        include_in_schema=False,
        url_name=URL_NAME,
        auth=None,
    )
