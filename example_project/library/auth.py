"""Bearer tokens for the API: signed user ids, no table needed (``POST /api/token/``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.http import Http404, HttpRequest
from ninja.security import HttpBearer, SessionAuth

from ninja_viewsets.generics import aget_object_or_404

TOKEN_MAX_AGE = 24 * 3600
_SALT = "library.api-token"


def make_token(user: Any) -> str:
    return signing.dumps({"uid": user.pk}, salt=_SALT)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; the user becomes ``request.user``."""

    async def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            data = signing.loads(token, salt=_SALT, max_age=TOKEN_MAX_AGE)
        except signing.BadSignature:
            return None
        try:  # the user's query compiled once, reused with each id (DRF's get_object_or_404)
            user = await aget_object_or_404(get_user_model(), pk=data.get("uid"))
        except Http404:
            return None
        return user if user.is_active else None


class OptionalSessionAuth(SessionAuth):
    """Django's session, CSRF-checked only when the request carries a session (as DRF does):
    an anonymous request gets 401, not a CSRF error."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)


# a bearer token, else the session (Swagger UI after logging in at /admin/)
session_or_token = [TokenAuth(), OptionalSessionAuth()]
