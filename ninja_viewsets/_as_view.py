"""Private: ``ViewSet.as_view(actions)``, the same operations served by a private Ninja API."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from pydantic import BaseModel

from ninja_viewsets._plans import Plan
from ninja_viewsets.routers import SimpleRouter
from ninja_viewsets.viewsets import ViewSetMixin, register_view_builder

__all__ = ["build_view"]

_DETAIL_ACTIONS = ("retrieve", "update", "partial_update", "destroy")
_as_view_ids = count()


class _AsViewRouter(SimpleRouter):
    """``as_view()``'s router: the URL kwargs arrive converted by the project's URLconf.

    Without a ``queryset`` to type the lookup from, it keeps the converter's type
    (``<int:pk>``: an int), as in DRF, instead of insisting on a string.
    """

    def get_lookup(self, viewset: type[ViewSetMixin]) -> tuple[str, Any]:
        name, tp = super().get_lookup(viewset)
        return (name, Any) if getattr(viewset, "queryset", None) is None else (name, tp)


@register_view_builder
def build_view(
    viewset: type[ViewSetMixin], actions: dict[str, str], initkwargs: dict[str, Any]
) -> Callable[..., Any]:
    """``ViewSet.as_view(actions)``: the same operations, served by a private Ninja API."""
    mapping = {m.lower(): a for m, a in actions.items()}
    missing = [a for a in mapping.values() if not callable(getattr(viewset, a, None))]
    if missing:
        raise TypeError(f"{viewset.__name__} has no action(s) {missing} to bind.")
    detail = any(
        a in _DETAIL_ACTIONS or getattr(getattr(viewset, a, None), "detail", False)
        for a in actions.values()
    )
    router = _AsViewRouter()
    lookup, _ = router.get_lookup(viewset)
    basename = initkwargs.get("basename")
    schema_names: dict[str, type[BaseModel]] = {}
    plan = router.plan_path(
        viewset,
        "/{" + lookup + "}" if detail else "/",
        mapping,
        basename=basename,
        url_name="view",
        initkwargs={"detail": None, **initkwargs},
        schema_names=schema_names,
    )
    router.apply(Plan(viewset, basename or "", (plan,), schema_names))
    api = NinjaAPI(
        urls_namespace=f"ninja_viewsets_as_view_{next(_as_view_ids)}",
        docs_url=None,
        openapi_url=None,
    )
    api.add_router("", router)
    callback: Any = next(p.callback for p in api.urls[0] if getattr(p, "name", None) == "view")

    async def view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return await callback(request, *args, **kwargs)

    view.__dict__.update(  # DRF's view attributes: resolve(url).func.cls, ...
        cls=viewset, initkwargs=initkwargs, actions=actions, csrf_exempt=True, login_required=False
    )
    view.__name__ = viewset.__name__
    view.__doc__ = viewset.__doc__
    return view
