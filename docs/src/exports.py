"""Exports: CSV and JSON Lines beside JSON, chosen by ?format= or Accept; lists stream."""

from django.urls import path
from ninja import NinjaAPI, Schema

from library.models import Book
from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet, action
from ninja_viewsets.pagination import PageNumberPagination
from ninja_viewsets.renderers import CSVRenderer, JSONLinesRenderer, JSONRenderer


class AuthorOut(Schema):
    id: int
    name: str


class BookOut(Schema):  # CSV columns: id, title, year, author.id, author.name
    id: int
    title: str
    year: int
    author: AuthorOut


class BookViewSet(ReadOnlyModelViewSet):
    queryset = Book.objects.order_by("title")
    output_schema = BookOut
    search_fields = ["title"]
    pagination_class = PageNumberPagination
    # the first is the default (no Accept, or */*); ?format=csv, ?format=jsonl pick the others
    renderer_classes = [JSONRenderer, CSVRenderer, JSONLinesRenderer]
    export_unpaginated = True  # ?format=csv&export=all streams every book, past the pages
    export_chunk_size = 1000  # rows per fetch of the stream

    @action(detail=False, renderer_classes=[CSVRenderer])
    async def catalogue(self, request) -> list[BookOut]:
        """CSV only: a queryset an action returns streams too."""
        return self.get_queryset().filter(year__gte=1900)


router = DefaultRouter()
router.register("books", BookViewSet)
api = NinjaAPI(urls_namespace="docs-exports")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
