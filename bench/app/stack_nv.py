"""1. ninja-viewsets: a ModelViewSet on a DefaultRouter (the library under test)."""

from ninja import NinjaAPI

from app.models import Item
from app.schemas import ItemIn, ItemOut
from ninja_viewsets import DefaultRouter, ModelViewSet
from ninja_viewsets.pagination import PageNumberPagination


class ItemViewSet(ModelViewSet):
    queryset = Item.objects.order_by("id")
    output_schema = ItemOut  # nests the category: the library plans select_related itself
    input_schema = ItemIn  # PATCH body: derived, every field optional
    pagination_class = PageNumberPagination  # page size 20 (NINJA_PAGINATION_PER_PAGE)


router = DefaultRouter()
router.register("items", ItemViewSet)
api = NinjaAPI(urls_namespace="nv", docs_url=None)
api.add_router("/", router)
