"""Private: sparse fields and expansions (``?fields=``, ``?omit=``, ``?expand=``) on the
operation spec of an action that reads the viewset's output schema.

    spec = with_sparse_fields(spec, view, handler)   # in _signature.build_spec(), at register()

The spec's query parameters, documented response (the schema a client may narrow or expand)
and query plans (the default representation's) change; an operation that reads another
schema, or a viewset that does not opt in (``sparse_fields``, ``expandable_fields``), keeps
its spec. What the client may choose is ``ninja_viewsets._sparse``'s.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ninja_viewsets._endpoints import OperationSpec
from ninja_viewsets._filtering import query_names
from ninja_viewsets._planning import EMPTY_PLAN
from ninja_viewsets._sparse import build_sparse, openapi_parameters, substitute
from ninja_viewsets.pagination import paged_schema

__all__ = ["with_sparse_fields"]


def with_sparse_fields(spec: OperationSpec, view: Any, handler: Any) -> OperationSpec:
    """``spec`` with the viewset's sparse fields and expansions, on an operation that reads
    the viewset's output schema (list, retrieve, ``GET`` actions answering it)."""
    reads = spec.action in ("list", "retrieve") or "get" in getattr(handler, "mapping", {})
    if not reads or spec.item_schema is None:
        return spec
    try:
        output = view.get_output_schema()
    except ImproperlyConfigured:
        return spec
    if spec.item_schema is not output:
        return spec
    sparse = build_sparse(view, output)
    if sparse is None:
        return spec
    taken = set()
    for param in spec.parameters:
        annotation = param.annotation
        if typing.get_origin(annotation) is typing.Annotated:  # a query model (query_model())
            annotation = typing.get_args(annotation)[0]
        taken.update(query_names(param.name, annotation, param.default))
    clash = taken & set(sparse.params())
    if clash:
        raise ImproperlyConfigured(
            f"{type(view).__name__}.{spec.action}: the query parameter(s) {sorted(clash)} of "
            f"sparse fields / expansion are taken by a filter or an action parameter; rename "
            f"them."
        )
    response = _documented_response(spec.response, output, sparse.documented, spec.paginator)
    options = dict(spec.options)
    extra = dict(options.get("openapi_extra") or {})
    extra["parameters"] = [*extra.get("parameters", []), *openapi_parameters(sparse)]
    options["openapi_extra"] = extra
    plan = sparse.default.plan
    return dataclasses.replace(
        spec,
        response=response,
        sparse=sparse,
        response_plan=plan,
        object_plan=plan if spec.object_plan is not EMPTY_PLAN else EMPTY_PLAN,
        options=options,
    )


def _documented_response(response: Any, output: Any, documented: Any, paginator: Any) -> Any:
    if isinstance(response, dict):
        return {
            code: _documented_response(value, output, documented, paginator)
            for code, value in response.items()
        }
    if paginator is not None and response is paged_schema(type(paginator), output):
        return paged_schema(type(paginator), documented)
    return substitute(response, output, documented)
