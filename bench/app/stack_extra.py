"""5. django-ninja-extra: a ModelControllerBase with ModelConfig (async routes).

ninja-extra's stock ModelService runs the sync ORM through sync_to_async; we only override its
sync getters so the nested category is loaded with the row (serialization runs on the event
loop, where a lazy FK read would raise SynchronousOnlyOperation).
"""

from ninja_extra import (
    ModelConfig,
    ModelControllerBase,
    ModelPagination,
    ModelService,
    NinjaExtraAPI,
    api_controller,
)
from ninja_extra.pagination import PageNumberPaginationExtra
from ninja_extra.schemas import PaginatedResponseSchema
from ninja_extra.shortcuts import get_object_or_exception

from app.models import Item, Movie
from app.schemas import ItemIn, ItemOut, ItemPatch, MovieIn, MovieOut, MoviePatch


class ItemService(ModelService):
    def get_all(self, **kwargs):
        return Item.objects.select_related("category").order_by("id")

    def get_one(self, pk, queryset=None, error_message=None, exception=None, **kwargs):
        from ninja_extra.exceptions import NotFound

        return get_object_or_exception(
            klass=Item.objects.select_related("category"),
            error_message=error_message,
            exception=exception or NotFound,
            pk=pk,
        )

    def create(self, schema, **kwargs):
        instance = super().create(schema, **kwargs)
        return Item.objects.select_related("category").get(pk=instance.pk)


@api_controller("/items")
class ItemController(ModelControllerBase):
    service_type = ItemService
    model_config = ModelConfig(
        model=Item,
        async_routes=True,
        allowed_routes=["create", "find_one", "update", "patch", "delete", "list"],
        create_schema=ItemIn,
        retrieve_schema=ItemOut,
        update_schema=ItemIn,
        patch_schema=ItemPatch,
        pagination=ModelPagination(
            klass=PageNumberPaginationExtra,
            paginator_kwargs={"page_size": 20},
            pagination_schema=PaginatedResponseSchema,
        ),
    )


@api_controller("/movies")
class MovieController(ModelControllerBase):
    """The flat resource: ninja-extra's stock ModelService (nothing to load with the row)."""

    model_config = ModelConfig(
        model=Movie,
        async_routes=True,
        allowed_routes=["create", "find_one", "update", "patch", "delete", "list"],
        create_schema=MovieIn,
        retrieve_schema=MovieOut,
        update_schema=MovieIn,
        patch_schema=MoviePatch,
        pagination=ModelPagination(
            klass=PageNumberPaginationExtra,
            paginator_kwargs={"page_size": 20},
            pagination_schema=PaginatedResponseSchema,
        ),
    )


api = NinjaExtraAPI(urls_namespace="extra", docs_url=None)
api.register_controllers(ItemController, MovieController)
