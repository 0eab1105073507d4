"""Errors that become ``{"detail": ...}`` responses, and the handler that turns them into one.

Raise them from actions, hooks or permissions. The viewset turns them into JSON responses
itself, so they work on any ``NinjaAPI`` without registering exception handlers:

    from ninja_viewsets.exceptions import ValidationError

    async def perform_create(self, data):
        if data.end < data.start:
            raise ValidationError({"end": "must be after start"})  # 422 at that field
        return await super().perform_create(data)

``exception_handler(exc, context)`` is the default of ``NINJA_VIEWSETS["EXCEPTION_HANDLER"]``
(DRF's ``EXCEPTION_HANDLER``): a project's own handler may call it and adjust its answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, DataError, IntegrityError
from django.http import Http404, HttpResponse, JsonResponse

from ninja_viewsets._db_errors import (
    _NUL,
    NUL_MESSAGE,
    database_unavailable,
    is_retryable,
    nul_field,
    out_of_range_field,
    too_long_field,
)

logger = logging.getLogger("ninja_viewsets")

__all__ = [
    "APIException",
    "AuthenticationFailed",
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
    "ValidationError",
    "ValidationFailed",
    "ValueOutOfRange",
    "conflict_from",
    "database_unavailable",
    "exception_handler",
    "field_errors",
    "is_retryable",
    "too_long_field",
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


class AuthenticationFailed(APIException):
    """401: credentials were presented and are wrong (DRF's ``AuthenticationFailed``)."""

    status_code = 401
    default_detail = "Incorrect authentication credentials."
    default_code = "authentication_failed"


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

    def __init__(self, detail: Any = None, *, code: str | None = None) -> None:
        super().__init__(detail, code=code, headers={"Retry-After": "5"})


class ValidationFailed(APIException):
    """422 in Ninja's validation-error shape: ``{"detail": [{"type", "loc", "msg"}, ...]}``."""

    status_code = 422

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail}


class ValidationError(ValidationFailed):
    """422 with each message at its field, DRF's ``serializers.ValidationError`` for hooks.

    ``detail`` is a message, a list of messages (about the whole body) or a mapping
    ``{field: message or [messages]}``; ``"non_field_errors"`` / Django's ``NON_FIELD_ERRORS``
    name the whole body. Each message lands at ``["body", <body parameter>, field]`` in Ninja's
    error shape (at ``[field]`` when the action has no body)::

        raise ValidationError({"title": "Already taken.", "isbn": ["Not an ISBN."]})
        # 422 {"detail": [{"type": "invalid", "loc": ["body", "payload", "title"],
        #                  "msg": "Already taken."}, ...]}
    """

    def __init__(
        self, detail: str | Sequence[str] | Mapping[str, Any], *, code: str = "invalid"
    ) -> None:
        self.fields: dict[str | None, list[tuple[str, str]]] = {}
        if isinstance(detail, Mapping):
            for name, messages in detail.items():
                key = None if name in (NON_FIELD_ERRORS, "non_field_errors") else str(name)
                for message in [messages] if isinstance(messages, str) else list(messages):
                    self.fields.setdefault(key, []).append((str(message), code))
        else:
            for message in [detail] if isinstance(detail, str) else list(detail):
                self.fields.setdefault(None, []).append((str(message), code))
        super().__init__(self.errors(()))

    @classmethod
    def from_django(cls, error: DjangoValidationError) -> ValidationError:
        """A Django ``ValidationError`` (``full_clean()``, a model's ``clean()``) by field."""
        result = cls([])
        if hasattr(error, "error_dict"):
            items = [
                (None if name == NON_FIELD_ERRORS else name, errors)
                for name, errors in error.error_dict.items()
            ]
        else:
            items = [(None, error.error_list)]
        for name, errors in items:
            for item in errors:
                message = " ".join(str(m) for m in DjangoValidationError([item]).messages)
                result.fields.setdefault(name, []).append((message, item.code or "invalid"))
        result.detail = result.errors(())
        return result

    def errors(self, prefix: Sequence[str]) -> list[dict[str, Any]]:
        """Ninja's error items, each ``loc`` under ``prefix`` (``("body", "payload")``)."""
        return [
            {"type": code, "loc": [*prefix, *([name] if name else [])], "msg": message}
            for name, messages in self.fields.items()
            for message, code in messages
        ]


def field_errors(errors: Sequence[tuple[str, str, str]], prefix: Sequence[str]) -> ValidationFailed:
    """A 422 from ``(field, type, message)`` triples, each at ``[*prefix, field]``."""
    return ValidationFailed(
        [{"type": kind, "loc": [*prefix, name], "msg": message} for name, kind, message in errors]
    )


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


_NOT_NULL = (
    re.compile(r"NOT NULL constraint failed: (?P<col>[\w.]+)"),  # SQLite
    re.compile(r'null value in column "(?P<col>[^"]+)"'),  # PostgreSQL
    re.compile(r"Column '(?P<col>[^']+)' cannot be null"),  # MySQL / MariaDB
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
    if "not null" in lowered or "null value" in lowered or "cannot be null" in lowered:
        for pattern in _NOT_NULL:
            match = pattern.search(message)
            if match:
                column = match.group("col").rsplit(".", 1)[-1]
                return Conflict(f"A required value is missing: {column}.", code="not_null")
        return Conflict("A required value is missing.", code="not_null")
    return Conflict()


def exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
    """The response for ``exc``, or ``None`` when it is not one of the known kinds (a 500).

    The default ``NINJA_VIEWSETS["EXCEPTION_HANDLER"]``. ``context`` holds ``view`` (the viewset
    instance), ``request``, ``args`` and ``kwargs``, as DRF's. A project handler may call this one
    first and change or replace its answer::

        def handler(exc, context):
            response = exception_handler(exc, context)
            if response is not None:
                response["X-Request-Id"] = context["request"].headers.get("X-Request-Id", "")
            return response
    """
    view = context.get("view")
    action = f"{type(view).__name__}.{getattr(view, 'action', None)}"
    body = getattr(view, "body_param", None)
    prefix: tuple[str, ...] = ("body", body) if body else ()
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError.from_django(exc)
    elif isinstance(exc, ObjectDoesNotExist | Http404):
        exc = NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(str(exc) or None)
    elif isinstance(exc, IntegrityError):  # a constraint of the database refused the write
        exc = conflict_from(exc)
    elif isinstance(exc, DataError | ValueError) and _NUL in str(exc):  # PostgreSQL
        name = nul_field(exc)  # written by a hook: the schema never saw it
        loc = [*prefix, *([name] if name else [])]
        exc = ValidationFailed([{"type": "null_characters", "loc": loc, "msg": NUL_MESSAGE}])
    elif isinstance(exc, DataError) and (too_long := too_long_field(exc)) is not None:
        name, limit = too_long
        message = f"Ensure this value has at most {limit} characters."
        exc = field_errors([(name, "string_too_long", message)], prefix)
    elif isinstance(exc, DataError | OverflowError):  # SQLite: OverflowError
        out_of_range = out_of_range_field(exc)
        exc = field_errors([out_of_range], prefix) if out_of_range else ValueOutOfRange()
    elif isinstance(exc, DatabaseError):
        if not database_unavailable(exc):
            return None  # a bug (missing table or column, bad SQL): a logged 500
        logger.warning("database unavailable in %s: %s", action, exc)
        exc = ServiceUnavailable()
    if not isinstance(exc, APIException):
        return None
    if isinstance(exc, ValidationError):
        exc.detail = exc.errors(prefix)
    response = JsonResponse(exc.body(), status=exc.status_code)
    for header, value in exc.headers.items():
        response[header] = value
    return response
