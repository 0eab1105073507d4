"""Bulk writes: many objects in one request, all or nothing, or item by item (207)."""

from django.urls import path
from ninja import NinjaAPI

from library.models import Tag
from library.schemas import TagIn, TagOut
from ninja_viewsets import BulkModelViewSet, DefaultRouter
from ninja_viewsets.permissions import IsAuthenticated


class TagViewSet(BulkModelViewSet):
    """Tags: one or many per request. A batch is written whole, or not at all."""

    queryset = Tag.objects.order_by("id")
    output_schema = TagOut
    input_schema = TagIn
    permission_classes = [IsAuthenticated]
    bulk_max_items = 100  # a larger batch is a 413 (default: NINJA_VIEWSETS["BULK_MAX_ITEMS"])


class TagImportViewSet(TagViewSet):
    """Imports keep the valid rows and report the others: 207, one result per item."""

    bulk_partial = True


router = DefaultRouter()
router.register("tags", TagViewSet)
router.register("tag-imports", TagImportViewSet, basename="tag-import")

api = NinjaAPI(urls_namespace="docs-bulk")
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]
