"""Private: turn one (viewset, action, HTTP method) into what Ninja registers.

Everything here runs once, at registration: the operation's parameters (typed path
parameters, the body schema, an action's own query parameters), its response schema and the
query plan for serializing it, as an ``OperationSpec``; ``_endpoints`` holds that record and
the endpoint function Ninja calls per request, ``_action_checks`` the signature checks,
``_sparse_specs`` the sparse fields and expansions of an operation that reads the output schema.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from ninja import Query
from pydantic import BaseModel

from ninja_viewsets._action_checks import _is_library_method, check_signature
from ninja_viewsets._endpoints import (
    OPERATION_OPTIONS,
    RESPONSE_PARAM,
    VALIDATE_PARAM,
    OperationSpec,
    make_endpoint,
    schema_classes,
)
from ninja_viewsets._filtering import check_backend, query_names
from ninja_viewsets._formats import with_media_types
from ninja_viewsets._ninja import NOT_SET, Param, is_stream
from ninja_viewsets._planning import EMPTY_PLAN
from ninja_viewsets._schemas import query_model
from ninja_viewsets._sparse_specs import with_sparse_fields
from ninja_viewsets._types import list_of
from ninja_viewsets._uploads import multipart_openapi, upload_body
from ninja_viewsets.generics import PAGINATION_PARAM, GenericAPIView
from ninja_viewsets.nesting import without_fields
from ninja_viewsets.pagination import paged_schema

__all__ = [
    "OPERATION_OPTIONS",
    "RESPONSE_PARAM",
    "STANDARD_ACTIONS",
    "VALIDATE_PARAM",
    "OperationSpec",
    "build_spec",
    "check_signature",
    "is_body_param",
    "make_endpoint",
    "schema_classes",
]

STANDARD_ACTIONS = ("list", "create", "retrieve", "update", "partial_update", "destroy")
_DETAIL_STANDARD = ("retrieve", "update", "partial_update", "destroy")


def _declares_parameters(func: Callable[..., Any]) -> bool:
    """True when a user method names its own parameters (beyond request, *args, **kwargs)."""
    params = list(inspect.signature(func).parameters.values())[1:]  # drop self
    return any(
        p.name != "request" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params
    ) or ("return" in getattr(func, "__annotations__", {}))


def _hints(func: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(func, include_extras=True)
    except Exception as exc:
        raise ImproperlyConfigured(
            f"Cannot resolve the type annotations of {func.__qualname__}: {exc}. Import the "
            f"types it names at module level."
        ) from exc


def _accepts(func: Callable[..., Any]) -> frozenset[str] | None:
    params = list(inspect.signature(func).parameters.values())[1:]
    if any(p.kind == p.VAR_KEYWORD for p in params):
        return None
    return frozenset(p.name for p in params if p.name != "request")


def _kw(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def _response_item_schema(response: Any) -> Any:
    """The schema a response serializes model instances with (``list[X]`` -> ``X``)."""
    if response is NOT_SET or response is None:
        return None
    if isinstance(response, dict):
        for code in sorted(k for k in response if isinstance(k, int)):
            if 200 <= code < 300 and response[code] is not None:
                return response[code]
        return None
    return response


def _collection_params(view: Any, taken: set[str]) -> tuple[list[inspect.Parameter], Any]:
    """Query parameters of a collection action (each filter backend's, then the page's) and
    its paginator."""
    params: list[inspect.Parameter] = []
    owners: dict[str, str] = {}
    for backend_class in view.get_filter_backends():
        if not callable(getattr(backend_class, "filter_queryset", None)):
            raise ImproperlyConfigured(
                f"{type(view).__name__}.filter_backends: {backend_class!r} has no "
                f"filter_queryset(request, queryset, view); subclass "
                f"ninja_viewsets.filters.BaseFilterBackend."
            )
        check_backend(view, backend_class)
        backend = backend_class()
        declared = getattr(backend, "get_query_parameters", None)
        for name, (annotation, default) in (declared(view) if declared else {}).items():
            _claim(view, owners, query_names(name, annotation, default), backend_class.__name__)
            params.append(_kw(name, query_model(annotation), default))
    paginator_class = view.get_pagination_class()
    paginator = paginator_class() if paginator_class is not None else None
    if paginator is not None:
        if not hasattr(paginator, "apaginate_queryset"):
            raise ImproperlyConfigured(
                f"{type(view).__name__}.pagination_class = {paginator_class.__name__} is not "
                f"async: subclass ninja_viewsets.pagination.AsyncPaginationBase."
            )
        names = query_names(PAGINATION_PARAM, paginator.Input, None)
        _claim(view, owners, names, paginator_class.__name__)
        check = getattr(paginator, "check_view", None)
        if check is not None:  # a configuration the paginator cannot serve: refused here
            check(view)
        params.append(_kw(PAGINATION_PARAM, query_model(paginator.Input), Query(...)))
    clash = taken & {p.name for p in params}
    if clash:
        raise ImproperlyConfigured(
            f"{type(view).__name__}.{view.action}: parameter(s) {sorted(clash)} are reserved "
            f"for filtering, search, ordering and pagination; rename them."
        )
    return params, paginator


def _claim(view: Any, owners: dict[str, str], names: list[str], owner: str) -> None:
    """Each query parameter of a list has one owner (a filter backend or the paginator)."""
    for name in names:
        if name in owners:
            raise ImproperlyConfigured(
                f"{type(view).__name__}.filter_backends: {owner} and {owners[name]} both read "
                f"the query parameter {name!r}; rename one (a FilterSchema field, a backend's "
                f"parameter, or the SEARCH_PARAM / ORDERING_PARAM setting)."
            )
        owners[name] = owner


def build_spec(
    viewset: type[Any],
    action: str,
    path_types: dict[str, Any],
    initkwargs: dict[str, Any],
    options: dict[str, Any],
    *,
    probe: Any = None,
) -> OperationSpec:
    """Describe the operation that runs ``viewset.<action>`` on a route with ``path_types``
    (``probe``: the viewset instance configured for ``action``, when the caller has one)."""
    handler = getattr(viewset, action, None)
    if handler is None or not callable(handler):
        raise ImproperlyConfigured(f"{viewset.__name__} has no method {action!r} to route.")
    if probe is None:
        probe = viewset(**initkwargs)
        probe.action = action
    generic = isinstance(probe, GenericAPIView)
    check_signature(viewset, action, handler, path_types, probe)
    # the method's own docstring, as Ninja's: an override without one does not inherit its base's
    doc = None if _is_library_method(handler) else handler.__doc__
    description = inspect.cleandoc(doc) if doc else None
    # ninja_viewsets.bulk: a bulk action's own body and responses
    bulk = getattr(probe, "bulk_operation", None) if _is_library_method(handler) else None
    custom = bulk(action) if generic and bulk is not None else None
    if generic and (
        custom is not None
        or (
            action in STANDARD_ACTIONS
            and (_is_library_method(handler) or not _declares_parameters(handler))
        )
    ):
        spec = _standard_spec(probe, action, path_types, handler, options, description, custom)
    else:
        spec = _user_spec(probe, action, path_types, handler, options, description, generic)
    if generic:  # ?fields=, ?omit=, ?expand=: when the viewset opts in
        spec = with_sparse_fields(spec, probe, handler)
    # CSV, JSON Lines...: their media types in OpenAPI
    documented: OperationSpec = with_media_types(spec, probe)
    return documented


def _standard_spec(
    view: Any,
    action: str,
    path_types: dict[str, Any],
    handler: Callable[..., Any],
    options: dict[str, Any],
    description: str | None,
    custom: Any = None,
) -> OperationSpec:
    params = [_kw(name, tp) for name, tp in path_types.items()]
    output = view.get_output_schema()
    uploads = None
    paginator = None
    if action == "list":
        extra, paginator = _collection_params(view, set(path_types))
        params += extra
    if action in ("create", "update", "partial_update"):
        body = view.get_patch_schema() if action == "partial_update" else view.get_input_schema()
        nesting = getattr(view, "nesting", None)
        model = view.get_model()
        if nesting is not None and model is not None:  # the parent comes from the URL
            fk = model._meta.get_field(nesting.fk_name)
            body = without_fields(body, {fk.name, fk.attname})
        uploads = upload_body(body)
        if uploads is None:
            params.append(_kw("payload", body))
        else:  # file fields: JSON or multipart/form-data, both documented
            params.append(_kw("payload", body, uploads))
            given = options.get("openapi_extra") or {}
            options = {**options, "openapi_extra": {**multipart_openapi(body), **given}}
    response: Any = {
        "list": list_of(output),
        "create": {201: output},
        "destroy": {204: None},
    }.get(action, output)
    if paginator is not None:
        response = paged_schema(type(paginator), output)
    body = "payload" if action in ("create", "update", "partial_update") else None
    if custom is not None:  # a bulk action (ninja_viewsets.bulk.BulkOperation)
        if uploads is not None:
            raise ImproperlyConfigured(
                f"{type(view).__name__}.{action}: bulk writes take JSON, and the input schema "
                f"has file fields; use CreateModelMixin (one object per multipart request)."
            )
        params = [p for p in params if p.name != "payload"]
        params += [_kw(name, tp, default) for name, tp, default in custom.parameters]
        response, body = custom.response, custom.body
        documented = dict(options.get("openapi_extra") or {})
        documented["responses"] = {**custom.responses, **documented.get("responses", {})}
        options["openapi_extra"] = documented
    response = options.pop("response", response)
    plan = view.get_query_plan(output) if action != "destroy" else EMPTY_PLAN
    return OperationSpec(
        action=action,
        path_params=tuple(path_types),
        parameters=tuple(params),
        response=response,
        accepts=_accepts(handler),
        finalize=not _is_library_method(handler),
        # update answers the object it read: load the relations with it (joins, no extra query)
        object_plan=plan if action in ("retrieve", "update", "partial_update") else EMPTY_PLAN,
        response_plan=plan,
        item_schema=output,
        collection=action == "list",
        paginator=paginator,
        description=description,
        options=options,
        body=body,
        uploads=uploads is not None,
    )


def _standard_response(view: Any, action: str) -> Any:
    """The response of a standard action, in the viewset's output schema (``NOT_SET``: none)."""
    try:
        output = view.get_output_schema()
    except Exception:  # no schema and no model to derive one from: untyped, as before
        return NOT_SET
    if output is None:
        return NOT_SET
    standard: Any = {"list": list_of(output), "create": {201: output}, "destroy": {204: None}}
    return standard.get(action, output)


def _user_spec(
    view: Any,
    action: str,
    path_types: dict[str, Any],
    handler: Callable[..., Any],
    options: dict[str, Any],
    description: str | None,
    generic: bool,
) -> OperationSpec:
    hints = _hints(handler)
    params: list[inspect.Parameter] = []
    seen: set[str] = set()
    response_param = None
    for param in list(inspect.signature(handler).parameters.values())[1:]:
        if param.name == "request" or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        seen.add(param.name)
        annotation = hints.get(param.name, inspect.Parameter.empty)
        if isinstance(annotation, type) and issubclass(annotation, HttpResponse):
            response_param = param.name  # Ninja's temporal response, as on a plain operation
            continue
        if param.name in path_types:
            if annotation is inspect.Parameter.empty:
                annotation = path_types[param.name]
            path_types[param.name] = annotation
            params.append(_kw(param.name, annotation))
            continue
        if annotation is inspect.Parameter.empty:
            default = param.default
            annotation = (
                str if default is inspect.Parameter.empty or default is None else type(default)
            )
        params.append(_kw(param.name, annotation, param.default))
    # every path parameter is declared, even when the handler does not take it
    missing = [_kw(name, tp) for name, tp in path_types.items() if name not in seen]
    params = missing + params

    collection = bool(options.pop("paginate", False))
    paginator = None
    if collection:
        if not generic:
            raise ImproperlyConfigured(
                f"{type(view).__name__}.{action}: paginate=True needs a GenericViewSet (it "
                f"filters and paginates the queryset the action returns)."
            )
        extra, paginator = _collection_params(view, seen | set(path_types))
        params += extra

    empty_status = None
    if "response" in options:
        response = options.pop("response")
    elif "return" in hints:
        response = hints["return"]
        if response is None or response is type(None):
            response, empty_status = {204: None}, 204
    elif generic and action in STANDARD_ACTIONS:  # an override answers as the standard action
        response = _standard_response(view, action)
    else:
        response = NOT_SET
    streaming = is_stream(response)  # SSE[T] / JSONL[T]: Ninja validates each item
    item = None if streaming else _response_item_schema(response)
    if collection and item is not None:
        args = typing.get_args(item) if typing.get_origin(item) in (list, tuple) else ()
        item = args[0] if args else item
        if paginator is not None:
            response = paged_schema(type(paginator), item)
    plan = view.get_query_plan(item) if generic and item is not None else EMPTY_PLAN
    return OperationSpec(
        action=action,
        path_params=tuple(path_types),
        parameters=tuple(params),
        response=response,
        accepts=_accepts(handler),
        finalize=not streaming,
        response_plan=plan,
        item_schema=item,
        empty_status=empty_status,
        collection=collection,
        paginator=paginator,
        description=description,
        options=options,
        body=next((p.name for p in params if is_body_param(p)), None),
        response_param=response_param,
    )


def is_body_param(param: inspect.Parameter) -> bool:
    """A schema parameter without ``Query``/``Path``/``Form``...: Ninja reads it from the body."""
    annotation = param.annotation
    return (
        not isinstance(param.default, Param)
        and isinstance(annotation, type)
        and issubclass(annotation, BaseModel)
    )
