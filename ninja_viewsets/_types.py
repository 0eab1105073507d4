"""Private: the types several modules share, named once.

    class CreateModelMixin(ViewSetHost if TYPE_CHECKING else object):  # see mixins
        ...

    response = {200: list_of(output)}  # list[output], for a schema known at run time

``ViewSetHost`` is what a mixin may use of the class it is mixed into (a ``GenericViewSet``):
the request engine's per-request state and checks (``ninja_viewsets.views``) and the generic
queryset, object and schema methods (``ninja_viewsets.generics``). The mixins subclass it for
the type checker only: at run time their base is ``object``. The checker also proves that a
``GenericViewSet`` implements it (``_GENERIC_VIEWSET_IS_A_HOST``, at the end): a member added
here that the viewsets lack, or typed differently, fails ``make lint``.
"""

from __future__ import annotations

import types
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager

    from django.db.models import Model, QuerySet
    from django.http import HttpRequest
    from pydantic import BaseModel

    from ninja_viewsets._async import RequestTransaction
    from ninja_viewsets._formats import BaseRenderer
    from ninja_viewsets._planning import QueryPlan

__all__ = ["ViewSetHost", "list_of"]


def list_of(item: Any) -> Any:
    """``list[item]`` for an item type known only at run time (a schema class): the very
    object ``list[item]`` builds, which a type checker would read as a type, not a value."""
    return types.GenericAlias(list, (item,))


class ViewSetHost(Protocol):
    """What the mixins use of ``self``: a ``GenericViewSet``'s request state and methods."""

    # per request, set by the request engine (views.APIView.run)
    request: HttpRequest
    kwargs: dict[str, Any]
    action: str | None
    params: dict[str, Any]
    paginator: Any
    parent_object: Any
    response_plan: QueryPlan
    write_transaction: RequestTransaction | None
    accepted_renderer: BaseRenderer | None
    # configuration (generics.GenericAPIView)
    optimistic_concurrency: bool

    # the request engine's checks (views.APIView, _policies.PolicyChecks)
    async def check_object_permissions(self, request: HttpRequest, obj: Any) -> None: ...

    async def check_throttles(self, request: HttpRequest) -> None: ...

    # generics.GenericAPIView
    def get_queryset(self) -> QuerySet[Any]: ...

    async def afilter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]: ...

    async def paginate_queryset(self, queryset: QuerySet[Any]) -> Any: ...

    def get_model(self) -> type[Model] | None: ...

    def get_output_schema(self) -> type[BaseModel]: ...

    def get_input_schema(self) -> type[BaseModel]: ...

    def get_patch_schema(self) -> type[BaseModel]: ...

    async def get_object(self) -> Any: ...

    def set_etag(self, instance: Model) -> str: ...

    def write_guard(self) -> AbstractAsyncContextManager[None]: ...

    def check_preconditions(self, instance: Model) -> None: ...

    async def reload_relations(self, instance: Model, *, stale: bool) -> Model: ...

    async def refetch(self, instance: Model) -> Model: ...


if TYPE_CHECKING:  # the proof, for the checker: a GenericViewSet is what the mixins expect
    from ninja_viewsets.viewsets import GenericViewSet

    _GENERIC_VIEWSET_IS_A_HOST: type[ViewSetHost] = GenericViewSet
