"""Private: how a viewset answers an exception (DRF's ``APIView.handle_exception`` part).

    class BookViewSet(ModelViewSet):
        def handle_exception(self, exc):
            if isinstance(exc, PaymentRequired):
                return JsonResponse({"detail": "Pay first."}, status=402)
            return super().handle_exception(exc)

``ExceptionHandling`` is a base of ``views.APIView``: the request engine sends every exception
of a request through :meth:`~ExceptionHandling.ahandle_exception`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, IntegrityError
from django.http import HttpResponseBase, JsonResponse
from pydantic import ValidationError as PydanticValidationError

from ninja_viewsets import mixins
from ninja_viewsets._ninja import exception_handler_of
from ninja_viewsets._schemas import unique_field_error
from ninja_viewsets.conf import get_setting
from ninja_viewsets.exceptions import field_errors
from ninja_viewsets.renderers import current_operation

logger = logging.getLogger("ninja_viewsets")

__all__ = ["ExceptionHandling"]

_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ExceptionHandling:
    """The response for an exception of a request, or the exception for Ninja's handlers."""

    action: str | None = None
    params: dict[str, Any]
    body_param: str | None = None  # the action's body parameter (error locations)

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


def _may_be_a_missing_row(exc: Exception) -> bool:
    """A foreign key refused at commit, or a relation the response could not read (Django's
    ``RelatedObjectDoesNotExist``, also wrapped in pydantic's error while rendering)."""
    if isinstance(exc, IntegrityError):
        return "foreign key" in str(exc).lower()
    if isinstance(exc, ObjectDoesNotExist):
        return True
    return isinstance(exc, PydanticValidationError)  # the response could not be rendered


def _ninja_handler(exc: Exception) -> tuple[Any, bool, bool] | None:
    """The handler the operation's ``NinjaAPI`` has for ``exc`` (see ``_ninja``)."""
    operation = current_operation.get()
    api = getattr(operation, "api", None)
    return exception_handler_of(api, exc) if api is not None else None
