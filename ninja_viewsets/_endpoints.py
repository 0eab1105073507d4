"""Private: the operation record and the endpoint function Ninja registers for it.

    spec = build_spec(BookViewSet, "list", {}, initkwargs, options)   # _signature
    endpoint = make_endpoint(BookViewSet, spec, initkwargs, name="book_list")
    router.add_api_operation("/books/", ["GET"], endpoint, ...)        # per request:
    # await BookViewSet(**initkwargs).run(request, spec, params)

``OperationSpec`` is how one action is typed (built once, at registration, by
``_signature``); the request engine (``views``) reads it per request.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from pydantic import BaseModel

from ninja_viewsets._ninja import DEFERRED_VALUES, NOT_SET
from ninja_viewsets._planning import EMPTY_PLAN, QueryPlan

__all__ = [
    "OPERATION_OPTIONS",
    "RESPONSE_PARAM",
    "VALIDATE_PARAM",
    "OperationSpec",
    "make_endpoint",
    "schema_classes",
]

# @action(...) keywords that configure the Ninja operation rather than the viewset instance
OPERATION_OPTIONS = frozenset(
    {
        "response",
        "summary",
        "tags",
        "deprecated",
        "include_in_schema",
        "openapi_extra",
        "operation_id",
        "by_alias",
        "exclude_unset",
        "exclude_defaults",
        "exclude_none",
        "throttle",
    }
)


class PlanMemo:
    """A spec's slot for what its requests resolve once (the engine's request plan)."""

    __slots__ = ("plan",)

    def __init__(self) -> None:
        self.plan: Any = None

    def __repr__(self) -> str:
        return "PlanMemo()"


@dataclass(frozen=True)
class OperationSpec:
    """One Ninja operation of a viewset: the action it runs and how it is typed."""

    action: str
    path_params: tuple[str, ...]
    parameters: tuple[inspect.Parameter, ...]
    response: Any = NOT_SET
    accepts: frozenset[str] | None = None  # handler keyword names; None: takes **kwargs
    finalize: bool = True  # evaluate querysets / load relations of what the action returns
    object_plan: QueryPlan = EMPTY_PLAN
    response_plan: QueryPlan = EMPTY_PLAN
    item_schema: Any = None  # the schema returned model instances are serialized with
    empty_status: int | None = None
    collection: bool = False  # filtered, searched, ordered and paginated
    paginator: Any = None
    description: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    body: str | None = None  # the parameter read from the JSON body, if any
    uploads: bool = False  # the body may also be multipart/form-data (file fields)
    response_param: str | None = None  # the handler's HttpResponse parameter, if any
    # the policies its requests need, resolved on the first one (see _request_plans.RequestPlan)
    memo: PlanMemo = field(default_factory=PlanMemo, init=False, compare=False, repr=False)


_REQUEST = inspect.Parameter(
    "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest
)


# Ninja hands an HttpResponse-annotated parameter the response it will send: headers set on it
# (ETag, ...) reach the client.
RESPONSE_PARAM = "ninja_viewsets_response"
# The operation calls the endpoint with its path values and, under this keyword, the validator
# of the rest (query, body...): the viewset calls it after its policies, in DRF's order.
VALIDATE_PARAM = "ninja_viewsets_validate"
_RESPONSE = inspect.Parameter(
    RESPONSE_PARAM, inspect.Parameter.KEYWORD_ONLY, annotation=HttpResponse
)


def make_endpoint(
    viewset: type[Any],
    spec: OperationSpec,
    initkwargs: dict[str, Any],
    *,
    name: str,
) -> Callable[..., Any]:
    """A fresh ``async def`` for Ninja: one new viewset instance per request."""

    async def endpoint(request: HttpRequest, **params: Any) -> Any:
        return await viewset(**initkwargs).run(request, spec, params)

    # what Ninja reads for the parameters (inspect.signature() honours __signature__)
    vars(endpoint)["__signature__"] = inspect.Signature([_REQUEST, *spec.parameters, _RESPONSE])
    endpoint.__name__ = endpoint.__qualname__ = name
    endpoint.__module__ = viewset.__module__
    endpoint.__doc__ = spec.description
    setattr(endpoint, DEFERRED_VALUES, VALIDATE_PARAM)
    return endpoint


def schema_classes(response: Any) -> list[type[BaseModel]]:
    """Every pydantic class a response annotation names (for OpenAPI name-clash checks)."""
    found: list[type[BaseModel]] = []

    def walk(tp: Any) -> None:
        if isinstance(tp, dict):
            for value in tp.values():
                walk(value)
        elif isinstance(tp, type) and issubclass(tp, BaseModel):
            found.append(tp)
        else:
            for arg in typing.get_args(tp):
                walk(arg)

    walk(response)
    return found
