"""Private: the one seam to django-ninja's and pydantic-core's internals.

Everything ninja-viewsets uses that Ninja or pydantic-core do not document as public is named
here, and nowhere else, with branches where the supported releases (django-ninja 1.5 to 1.7)
differ. ``tests/test_ninja_seam.py`` checks that each of these still exists with the shape used
here, so an incompatible release fails that test by name before it fails a user's request.

What each internal is for, and the public hook upstream that would retire it, is listed in
``SEAM`` below (the seam test reads it). ``_views``: routers, path views, operations, test
clients, defaults; ``_json``: the response wrapper and pydantic-core schemas.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import ninja.constants
import ninja.errors
import ninja.orm.fields
import ninja.params.models
import ninja.signature
from ninja import NinjaAPI, Router, Schema
from ninja.conf import settings as ninja_settings
from ninja.constants import NOT_SET
from ninja.operation import AsyncOperation, Operation, PathView, ResponseObject
from ninja.orm.fields import get_schema_field
from ninja.params import models as params_models
from ninja.params.models import BodyModel, Param, ParamModel
from ninja.params.models import Path as PathParam
from ninja.responses import NinjaJSONEncoder
from ninja.schema import DjangoGetter
from ninja.testing import TestAsyncClient, TestClient

from ninja_viewsets._ninja._json import (
    LEAF_SCHEMAS,
    RESPONSE_PREFIX,
    Unrepresentable,
    before_schema,
    carried_decorators,
    is_default_json,
    json_serializer,
    list_schema,
    ninja_validators_only,
    nullable_schema,
    plain_serializer,
    record_schema,
    response_annotation,
    response_wrapper,
    same_float_text,
    schema_resolvers,
    uncarried_decorators,
    unwrap_getter,
)
from ninja_viewsets._ninja._views import (
    DEFERRED_VALUES,
    NINJA_VERSION,
    STREAMING,
    AsyncClientBase,
    SeamOperation,
    SeamPathView,
    SyncClientBase,
    default_page_size,
    default_throttle_rates,
    exception_handler_of,
    is_async,
    is_frozen,
    is_stream,
    is_streaming,
    ninja_page_methods,
    operation_of,
    path_key,
    plant_path_view,
    restoring_path_views,
    result_to_response,
)

__all__ = [
    "DEFERRED_VALUES",
    "LEAF_SCHEMAS",
    "NINJA_VERSION",
    "NOT_SET",
    "RESPONSE_PREFIX",
    "SEAM",
    "STREAMING",
    "AsyncClientBase",
    "BodyModel",
    "Internal",
    "NinjaJSONEncoder",
    "Param",
    "PathParam",
    "ResponseObject",
    "SeamOperation",
    "SeamPathView",
    "SyncClientBase",
    "Unrepresentable",
    "before_schema",
    "carried_decorators",
    "default_page_size",
    "default_throttle_rates",
    "exception_handler_of",
    "get_schema_field",
    "is_async",
    "is_default_json",
    "is_frozen",
    "is_stream",
    "is_streaming",
    "json_serializer",
    "list_schema",
    "ninja_page_methods",
    "ninja_validators_only",
    "nullable_schema",
    "operation_of",
    "path_key",
    "plain_serializer",
    "plant_path_view",
    "record_schema",
    "response_annotation",
    "response_wrapper",
    "restoring_path_views",
    "result_to_response",
    "same_float_text",
    "schema_field_type",
    "schema_resolvers",
    "uncarried_decorators",
    "unwrap_getter",
]


def schema_field_type(fld: Any) -> Any:
    """The Python type Ninja's ``create_schema`` gives a (key) column: ``int`` for an
    ``AutoField``, ``UUID`` for a ``UUIDField``... (``str`` when Ninja does not know it)."""
    return ninja.orm.fields.TYPES.get(fld.get_internal_type(), str)


class Internal(NamedTuple):
    """One internal the seam uses: where, why, and the public hook upstream that would retire
    it; ``since``: the first django-ninja minor that has it (the seam gates on it)."""

    owner: Any
    name: str
    why: str
    hook: str
    since: tuple[int, int] = (1, 5)


#: Every internal used above.
SEAM: tuple[Internal, ...] = (
    Internal(
        ninja.orm.fields,
        "TYPES",
        "type a related key as Ninja types the column (ninja_viewsets._sparse: unexpanded ids)",
        "a public ninja.orm.python_type(field)",
    ),
    Internal(
        ninja.orm.fields,
        "get_schema_field",
        "type a model field exactly as Ninja's create_schema would (ninja_viewsets._schemas)",
        "get_schema_field exported from ninja.orm",
    ),
    Internal(
        BodyModel,
        "get_request_data",
        "read a body with file fields from JSON or multipart/form-data (ninja_viewsets._uploads)",
        "a Body param accepting several media types",
    ),
    Internal(
        Router,
        "path_operations",
        "plant a SeamPathView before add_api_operation fills it",
        "a path_view_class option on Router / add_api_operation",
    ),
    Internal(
        Router,
        "_frozen",
        "refuse register() after api.urls with a message naming the fix",
        "a public Router.frozen",
        (1, 6),
    ),
    Internal(
        PathView,
        "add_operation",
        "build SeamOperation (shared response wrappers) instead of AsyncOperation",
        "an operation_class option on add_api_operation",
    ),
    Internal(
        PathView,
        "clone",
        "keep the view's class and fallback when Ninja (1.6+) clones it per mount",
        "clone() built with type(self)",
        (1, 6),
    ),
    Internal(
        PathView,
        "operations",
        "dispatch by method, list the allowed methods",
        "a documented PathView API",
    ),
    Internal(
        AsyncOperation,
        "_create_response_model",
        "share one response wrapper per annotation (half of registration time)",
        "a cache of response wrappers in Ninja",
    ),
    Internal(
        Operation,
        "api",
        "SeamOperation.bound(api): a viewset's tag description reaches api.openapi_extra when "
        "Ninja binds its operations to the API (on add_router in 1.5, when the URLs or the "
        "document are built in 1.6+)",
        "a hook on NinjaAPI (or Router) when a router is bound, or tag descriptions on Router",
    ),
    Internal(
        AsyncOperation,
        "_run_authentication",
        "an anonymous request's auth is None before Ninja's throttles run",
        "a hook after authentication on Operation",
    ),
    Internal(
        NinjaAPI,
        "_lookup_exception_handler",
        "hand an exception to the handler the user added with add_exception_handler",
        "a public NinjaAPI.get_exception_handler(exc)",
    ),
    Internal(
        ninja.errors,
        "_default_exception",
        "tell Ninja's default handlers (module ninja.errors) from the user's",
        "a marker on Ninja's default exception handlers",
    ),
    Internal(
        AsyncOperation,
        "_async_stream_response",
        "stream an action's async generator after the viewset's checks answered",
        "an awaitable endpoint allowed for SSE[T] / JSONL[T] in AsyncOperation.run",
        (1, 6),
    ),
    Internal(
        AsyncOperation,
        "_run_checks",
        "Ninja's auth and throttle checks before a streaming viewset endpoint",
        "the same hook",
    ),
    Internal(
        Operation,
        "_get_values",
        "parse the request as Ninja does before a streaming viewset endpoint",
        "the same hook",
    ),
    Internal(
        Operation,
        "models",
        "validate the path values before a viewset's policies, the rest after them",
        "an Operation hook between the auth/throttle checks and the parameters' validation",
    ),
    Internal(
        ParamModel,
        "resolve",
        "validate one parameter source (path, query, body...) as Ninja's _get_values does",
        "the same hook",
    ),
    Internal(
        params_models,
        "PathModel",
        "tell the path values (validated first, as URL routing) from the rest",
        "the same hook",
    ),
    Internal(
        ninja.errors,
        "ValidationErrorContext",
        "collect every source's errors into Ninja's one 422, as _get_values does",
        "the same hook",
    ),
    Internal(
        NinjaAPI,
        "validation_error_from_error_contexts",
        "Ninja's 422 (and its custom hooks) for the deferred values",
        "the same hook",
    ),
    Internal(
        Operation,
        "signature",
        "hand the endpoint Ninja's temporal response (signature.response_arg)",
        "the same hook",
    ),
    Internal(
        Operation,
        "clone",
        "keep the split of the parameter models when Ninja (1.6+) clones an operation",
        "clone() copying the instance's __dict__",
        (1, 6),
    ),
    Internal(
        Operation,
        "response_models",
        "the wrapper model per status, for the one-pass JSON renderer",
        "a renderer hook receiving the validated response",
    ),
    Internal(
        ResponseObject,
        "__init__",
        "validate as Ninja does (the same input wrapper)",
        "a public validate_response(operation, status, result)",
    ),
    Internal(
        Operation,
        "_result_to_response",
        "render an action's result by Ninja's own path inside the viewset (its errors are ours)",
        "a public Operation.render_result(request, result, temporal_response)",
    ),
    Internal(
        Schema,
        "_run_root_validator",
        "recognise Ninja's own validator among a schema's validators",
        "a public marker for Ninja's DjangoGetter validator",
    ),
    Internal(
        Schema,
        "_ninja_resolvers",
        "a schema with resolve_<field> methods needs validation",
        "a public Schema.resolvers()",
    ),
    Internal(
        DjangoGetter,
        "_obj",
        "a patch schema's validator checks the raw input Ninja's Schema wrapped",
        "a public DjangoGetter.obj (or the raw input in the validation context)",
    ),
    Internal(
        Schema,
        "__pydantic_core_schema__",
        "rewrite the wrapper's core schema (dict shapes of pydantic-core) to write Ninja's JSON",
        "Ninja writing JSON with pydantic-core (to_json) itself",
    ),
    Internal(
        type(ninja_settings),
        "DEFAULT_THROTTLE_RATES",
        "Ninja's default throttle rates, read rather than copied",
        "a documented ninja.conf.settings",
    ),
    Internal(
        type(ninja_settings),
        "PAGINATION_PER_PAGE",
        "CursorPagination's default page size, as Ninja's paginators",
        "a documented ninja.conf.settings",
    ),
    Internal(
        ninja.signature,
        "is_async",
        "the same async test as PathView.add_operation",
        "the same function exported",
    ),
    Internal(
        ninja.constants,
        "NOT_SET",
        "tell an operation option left unset (auth=NOT_SET) from None",
        "NOT_SET exported from ninja",
    ),
    Internal(
        ninja.params.models,
        "Param",
        "tell a Query/Path/Form default from a plain one",
        "Param exported from ninja.params",
    ),
    Internal(
        TestClient,
        "_call",
        "the sync test client drives async views, the async one calls sync views",
        "TestClient / TestAsyncClient calling either kind of view",
    ),
    Internal(
        TestAsyncClient,
        "_call",
        "the async test client calls sync views (a user's plain function on a router)",
        "TestAsyncClient calling sync views",
    ),
)
