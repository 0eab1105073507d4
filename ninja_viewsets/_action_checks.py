"""Private: refuse, at ``register()``, an action or hook the library could not call per request,
and DRF's attributes it would not read.

    class BookViewSet(ModelViewSet):
        async def perform_create(self, data, extra):   # ImproperlyConfigured at register():
            ...                                        # create calls perform_create(data)

Called by ``_signature.build_spec()`` for every routed action.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ninja_viewsets._ninja import Param, PathParam
from ninja_viewsets.generics import GenericAPIView

__all__ = ["check_drf_attributes", "check_signature"]


def _is_library_method(func: Any) -> bool:
    return str(getattr(func, "__module__", None) or "").startswith("ninja_viewsets.")


# the hooks the standard actions call, with the arguments they pass (after self)
_HOOKS = {
    "create": ("perform_create", "data"),
    "update": ("perform_update", "instance, data"),
    "partial_update": ("perform_update", "instance, data"),
    "destroy": ("perform_destroy", "instance"),
}


# DRF's names that nothing here reads: set, they would be ignored without a word
_DRF_ONLY = {
    "serializer_class": (
        "set output_schema (what the API answers) and input_schema (what it accepts), "
        "pydantic schemas, or leave both out to derive them from the model"
    ),
    "get_serializer_class": "override get_output_schema() / get_input_schema() instead",
    "authentication_classes": (
        "set auth = ... (Ninja auth objects, e.g. HttpBasicAuth()), or "
        "NINJA_VIEWSETS['DEFAULT_AUTHENTICATION'] for every viewset"
    ),
    "parser_classes": (
        "bodies are JSON, and multipart/form-data where the input schema has file fields: "
        "remove parser_classes"
    ),
}


def check_drf_attributes(viewset: type[Any]) -> None:
    """Refuse DRF's attributes that this library does not read (``serializer_class``, ...),
    naming what to write instead."""
    for attribute, fix in _DRF_ONLY.items():
        value = getattr(viewset, attribute, None)
        if value is not None and not _is_library_method(value):
            raise ImproperlyConfigured(
                f"{viewset.__name__}.{attribute} is DRF's and is not read here: {fix}."
            )


def check_signature(
    viewset: type[Any],
    action: str,
    handler: Callable[..., Any],
    path_types: dict[str, Any],
    probe: Any,
) -> None:
    """Refuse, at ``register()``, an action or hook the library could not call per request.

    An action takes the request first (``async def x(self, request, ...)``); a parameter
    declared as a path value (``Path(...)``, or named as the lookup) needs that value in the
    URL; an overridden ``perform_*`` hook takes what its standard action passes.
    """
    check_drf_attributes(viewset)
    name = f"{viewset.__name__}.{action}"
    if not _is_library_method(handler):
        params = list(inspect.signature(handler).parameters.values())[1:]  # drop self
        first = params[0] if params else None
        if first is None or not (
            first.kind == first.VAR_POSITIONAL
            or (first.name == "request" and first.kind != first.KEYWORD_ONLY)
        ):
            raise ImproperlyConfigured(
                f"{name}() must take the request as its first argument, as a DRF action: "
                f"`async def {action}(self, request, ...)`."
            )
        lookup = str(
            getattr(probe, "lookup_url_kwarg", None) or getattr(probe, "lookup_field", "pk")
        )
        try:
            hints = typing.get_type_hints(handler, include_extras=True)
        except Exception:  # reported with the fix when the operation is typed
            hints = {}
        for param in params[1:]:
            if param.name in path_types or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            marked = [param.default, *getattr(hints.get(param.name), "__metadata__", ())]
            if any(isinstance(m, PathParam) for m in marked) or (
                param.name == lookup and not isinstance(param.default, Param)
            ):
                url = "".join(f"{{{p}}}/" for p in path_types) or "no path parameters"
                raise ImproperlyConfigured(
                    f"{name}() takes the path parameter {param.name!r}, but its URL has "
                    f"{url}: use @action(detail=True) (the object's {lookup!r}), put "
                    f"{{{param.name}}} in url_path, or make it a query parameter "
                    f"(`{param.name}: str = Query(...)`)."
                )
    hook = _HOOKS.get(action)
    if hook is None or not isinstance(probe, GenericAPIView):
        return
    method = getattr(viewset, hook[0], None)
    if method is None or _is_library_method(method):
        return
    arguments = [None] * (hook[1].count(",") + 1)
    try:
        inspect.signature(method).bind(None, *arguments)
    except TypeError:
        raise ImproperlyConfigured(
            f"{viewset.__name__}.{hook[0]}{inspect.signature(method)} cannot be called as "
            f"{action} calls it, with ({hook[1]}): write `async def {hook[0]}(self, "
            f"{hook[1]})`."
        ) from None
