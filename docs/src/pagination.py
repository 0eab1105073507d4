"""Pagination: page numbers, limit/offset and an async keyset cursor, per viewset or action."""

from django.urls import path
from ninja import NinjaAPI, Schema

from library.models import Book, Review
from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet, action
from ninja_viewsets.pagination import (
    CursorPagination,
    LimitOffsetPagination,
    PageNumberPagination,
)


class BookOut(Schema):
    id: int
    title: str
    year: int


class BookPages(PageNumberPagination):
    """Configured as in DRF, by class attributes (OpenAPI types the parameters from them)."""

    page_size = 10
    page_size_query_param = "page_size"  # None: clients cannot choose the size
    max_page_size = 50  # a larger ?page_size is clamped


class BookViewSet(ReadOnlyModelViewSet):
    queryset = Book.objects.order_by("title")
    output_schema = BookOut
    pagination_class = BookPages  # ?page=2&page_size=10, ?page=last -> {"items", "count"}

    @action(detail=False, paginate=True, pagination_class=LimitOffsetPagination)
    async def recent(self, request) -> list[BookOut]:
        """A list-level action that returns a queryset: ?limit=5&offset=10."""
        return self.get_queryset().filter(year__gte=2000).order_by("-year")

    @action(detail=False, paginate=True, pagination_class=None)
    async def everything(self, request) -> list[BookOut]:
        """Not paginated: the whole list."""
        return self.get_queryset()


class NewestFirst(CursorPagination):
    ordering = "-created"  # one field (or a sequence); the primary key is appended
    page_size = 2


class ReviewOut(Schema):
    id: int
    stars: int


class ReviewViewSet(ReadOnlyModelViewSet):
    queryset = Review.objects.all()
    output_schema = ReviewOut
    pagination_class = NewestFirst  # ?cursor=... -> {"results", "next", "previous"}


router = DefaultRouter()
router.register("books", BookViewSet)
router.register("reviews", ReviewViewSet)

api = NinjaAPI(urls_namespace="docs-pagination")
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]
