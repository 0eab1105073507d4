"""Errors that become ``{"detail": ...}`` responses.

Raise them from actions, hooks or permissions. The viewset turns them into JSON responses
itself, so they work on any ``NinjaAPI`` without registering exception handlers.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "APIException",
    "Conflict",
    "MethodNotAllowed",
    "NotAuthenticated",
    "NotFound",
    "ParseError",
    "PermissionDenied",
    "PreconditionFailed",
    "RequestTooLarge",
    "ServiceUnavailable",
    "UnsupportedMediaType",
    "ValidationFailed",
    "ValueOutOfRange",
    "conflict_from",
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


class PreconditionFailed(APIException):
    status_code = 412
    default_detail = "The object changed since you read it (If-Match does not match its ETag)."
    default_code = "precondition_failed"


class UnsupportedMediaType(APIException):
    status_code = 415
    default_code = "unsupported_media_type"

    def __init__(self, media_type: str) -> None:
        super().__init__(
            f'Unsupported media type "{media_type}" in request: send "application/json".'
        )


class Conflict(APIException):
    status_code = 409
    default_detail = "The request conflicts with the current state of the data."
    default_code = "conflict"


class ServiceUnavailable(APIException):
    status_code = 503
    default_detail = "The database is unavailable; try again later."
    default_code = "service_unavailable"

    def __init__(self, detail: Any = None) -> None:
        super().__init__(detail, headers={"Retry-After": "5"})


class ValidationFailed(APIException):
    """422 in Ninja's validation-error shape: ``{"detail": [{"type", "loc", "msg"}, ...]}``."""

    status_code = 422

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail}


class ValueOutOfRange(ValidationFailed):
    """A value its database column cannot hold (an integer past 64 bits, a string longer than
    its column): the database refuses it, so the client gets a 422, not a 500. Which field it
    was is not known."""

    def __init__(self) -> None:
        message = "A value is out of range for the database (too large or too long)."
        super().__init__([{"type": "out_of_range", "loc": [], "msg": message}])


class ParseError(APIException):
    status_code = 400
    default_detail = "Bad request."
    default_code = "bad_request"


class RequestTooLarge(APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "request_too_large"


_UNIQUE = (
    re.compile(r"UNIQUE constraint failed: (?P<cols>[\w., ]+)"),  # SQLite
    re.compile(r"Key \((?P<cols>[^)]+)\)=.*already exists"),  # PostgreSQL
    re.compile(r"Duplicate entry .* for key '(?P<cols>[^']+)'"),  # MySQL / MariaDB
)


def conflict_from(error: Exception) -> Conflict:
    """A 409 naming what failed (the columns, never the values or the SQL)."""
    message = str(error)
    for pattern in _UNIQUE:
        match = pattern.search(message)
        if match:
            cols = [c.strip().rsplit(".", 1)[-1] for c in match.group("cols").split(",")]
            return Conflict(
                f"An object with the same {', '.join(cols)} already exists.", code="unique"
            )
    lowered = message.lower()
    if "foreign key" in lowered:
        return Conflict("A related object does not exist.", code="foreign_key")
    if "check constraint" in lowered or "violates check" in lowered:
        return Conflict("A value breaks a database check constraint.", code="check")
    if "not null" in lowered or "null value" in lowered:
        return Conflict("A required value is missing.", code="not_null")
    return Conflict()
