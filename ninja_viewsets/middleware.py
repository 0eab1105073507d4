"""Django's stock middleware, without a thread hop per request under ASGI.

Under ASGI Django runs each ``MiddlewareMixin`` middleware's ``process_request``,
``process_view`` and ``process_response`` in a worker thread (``sync_to_async``), for every
request: the ``MIDDLEWARE`` of a new project (``django-admin startproject``) costs a dozen thread
hops per request, about a quarter of an API request's CPU in the example project, before the
view runs. These are Django's own classes with the same settings and behaviour; what they do
without I/O (headers, redirects, lazy sessions and users, cookies) runs in the event loop, and
what may read or write the session or the database still runs in the thread:

- ``SessionMiddleware``: the response's save (a modified session, ``SESSION_SAVE_EVERY_REQUEST``);
- ``CsrfViewMiddleware``: everything when ``CSRF_USE_SESSIONS``; the view check of a write to a
  view that is not ``csrf_exempt`` (it may parse the form body); API views are exempt
  (authentication checks CSRF), so an API request never hops;
- ``MessageMiddleware``: storing messages a view added or read (they may go to the session).

Use them in place of Django's, in the same order::

    MIDDLEWARE = [
        "ninja_viewsets.middleware.SecurityMiddleware",
        "ninja_viewsets.middleware.SessionMiddleware",
        "ninja_viewsets.middleware.CommonMiddleware",
        "ninja_viewsets.middleware.CsrfViewMiddleware",
        "ninja_viewsets.middleware.AuthenticationMiddleware",
        "ninja_viewsets.middleware.MessageMiddleware",
        "ninja_viewsets.middleware.XFrameOptionsMiddleware",
    ]

Under WSGI (and Django's sync test ``Client``) they are Django's classes unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpRequest, HttpResponseBase
from django.middleware import clickjacking, common, csrf, security

__all__ = [
    "AuthenticationMiddleware",
    "CommonMiddleware",
    "CsrfViewMiddleware",
    "InLoopMixin",
    "MessageMiddleware",
    "SecurityMiddleware",
    "SessionMiddleware",
    "XFrameOptionsMiddleware",
]

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class InLoopMixin:
    """``MiddlewareMixin.__acall__`` with ``process_request`` / ``process_response`` called in
    the event loop, unless :meth:`request_needs_thread` / :meth:`response_needs_thread` say they
    may do I/O (then in the thread, as Django does). Put it before the Django class."""

    get_response: Callable[[HttpRequest], Any]

    def request_needs_thread(self, request: HttpRequest) -> bool:
        """Whether ``process_request`` may do I/O for ``request`` (override)."""
        return False

    def response_needs_thread(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        """Whether ``process_response`` may do I/O for ``response`` (override)."""
        return False

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response = None
        process_request = getattr(self, "process_request", None)
        if process_request is not None:
            if self.request_needs_thread(request):
                response = await sync_to_async(process_request, thread_sensitive=True)(request)
            else:
                response = process_request(request)
        response = response or await self.get_response(request)
        process_response = getattr(self, "process_response", None)
        if process_response is not None:
            if self.response_needs_thread(request, response):
                response = await sync_to_async(process_response, thread_sensitive=True)(
                    request, response
                )
            else:
                response = process_response(request, response)
        return cast(HttpResponseBase, response)


class SecurityMiddleware(InLoopMixin, security.SecurityMiddleware):
    """Django's ``SecurityMiddleware``; headers and the HTTPS redirect in the event loop."""


class CommonMiddleware(InLoopMixin, common.CommonMiddleware):
    """Django's ``CommonMiddleware``; ``APPEND_SLASH`` / ``PREPEND_WWW`` in the event loop."""


class XFrameOptionsMiddleware(InLoopMixin, clickjacking.XFrameOptionsMiddleware):
    """Django's ``XFrameOptionsMiddleware``; the header in the event loop."""


class AuthenticationMiddleware(InLoopMixin, auth.AuthenticationMiddleware):
    """Django's ``AuthenticationMiddleware``: ``request.user`` / ``request.auser`` stay lazy (the
    user is read where it is first used), set in the event loop."""


class SessionMiddleware(InLoopMixin, sessions.SessionMiddleware):
    """Django's ``SessionMiddleware``: the lazy session set in the event loop; the response's
    save of a modified session (or every session, ``SESSION_SAVE_EVERY_REQUEST``) in the
    thread."""

    def response_needs_thread(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        session = getattr(request, "session", None)
        if session is None:
            return False
        return bool(session.modified or settings.SESSION_SAVE_EVERY_REQUEST)


class MessageMiddleware(InLoopMixin, messages.MessageMiddleware):
    """Django's ``MessageMiddleware``; messages a view added or read are stored in the thread
    (the session storage writes the session)."""

    def response_needs_thread(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        storage = getattr(request, "_messages", None)
        return storage is not None and bool(storage.used or storage.added_new)


class CsrfViewMiddleware(InLoopMixin, csrf.CsrfViewMiddleware):
    """Django's ``CsrfViewMiddleware``: the token cookie read and set in the event loop; the
    check of a write to a view that is not ``csrf_exempt`` in the thread (it may parse the
    form body), and everything when the token lives in the session (``CSRF_USE_SESSIONS``)."""

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        super().__init__(get_response)
        # an async chain (ASGI): Django reads process_view after this, and hops to the thread
        # for a sync one
        if iscoroutinefunction(self.get_response):
            self.process_view = self._process_view_in_loop  # type: ignore[method-assign,assignment]

    def request_needs_thread(self, request: HttpRequest) -> bool:
        return bool(settings.CSRF_USE_SESSIONS)

    def response_needs_thread(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        return bool(settings.CSRF_USE_SESSIONS)

    async def _process_view_in_loop(
        self,
        request: HttpRequest,
        callback: Callable[..., Any],
        callback_args: tuple[Any, ...],
        callback_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        check = csrf.CsrfViewMiddleware.process_view
        if not settings.CSRF_USE_SESSIONS and (
            getattr(callback, "csrf_exempt", False) or request.method in _SAFE_METHODS
        ):
            return check(self, request, callback, callback_args, callback_kwargs)
        return await sync_to_async(check, thread_sensitive=True)(
            self, request, callback, callback_args, callback_kwargs
        )
