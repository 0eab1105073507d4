"""Errors that become ``{"detail": ...}`` responses.

Raise them from actions, hooks or permissions. The viewset turns them into JSON responses
itself, so they work on any ``NinjaAPI`` without registering exception handlers.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "APIException",
    "MethodNotAllowed",
    "NotAuthenticated",
    "NotFound",
    "PermissionDenied",
]


class APIException(Exception):
    """An error with an HTTP status, a ``detail`` and an optional ``code``."""

    status_code: int = 500
    default_detail: str = "A server error occurred."
    default_code: str | None = None

    def __init__(
        self,
        detail: Any = None,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.detail = self.default_detail if detail is None else detail
        self.code = code if code is not None else self.default_code
        self.headers = headers or {}
        super().__init__(self.detail)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": self.detail}
        if self.code is not None:
            body["code"] = self.code
        return body


class NotAuthenticated(APIException):
    status_code = 401
    default_detail = "Authentication credentials were not provided."
    default_code = "not_authenticated"


class PermissionDenied(APIException):
    status_code = 403
    default_detail = "You do not have permission to perform this action."
    default_code = "permission_denied"


class NotFound(APIException):
    status_code = 404
    default_detail = "Not found."
    default_code = "not_found"


class MethodNotAllowed(APIException):
    status_code = 405
    default_code = "method_not_allowed"

    def __init__(self, method: str, allowed: list[str]) -> None:
        super().__init__(f'Method "{method}" not allowed.', headers={"Allow": ", ".join(allowed)})
