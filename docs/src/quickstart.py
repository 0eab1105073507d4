"""Quickstart: a ModelViewSet with an extra action, on a DefaultRouter, on a NinjaAPI."""

from django.urls import path
from ninja import NinjaAPI, Schema

from library.models import Author, Book
from ninja_viewsets import DefaultRouter, ModelViewSet, action
from ninja_viewsets.permissions import IsAuthenticatedOrReadOnly


class AuthorOut(Schema):
    id: int
    name: str


class BookOut(Schema):
    id: int
    title: str
    year: int
    author: AuthorOut  # nested: loaded with a JOIN, never lazily


class BookIn(Schema):
    title: str
    year: int
    isbn: str
    author_id: int


class BookViewSet(ModelViewSet):
    """Books: list, create, retrieve, update, partial_update, destroy, and `classics`."""

    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn
    permission_classes = [IsAuthenticatedOrReadOnly]

    @action(detail=False)
    async def classics(self, request, before: int = 1970) -> list[BookOut]:
        """Books published before a year (a typed query parameter)."""
        return self.get_queryset().filter(year__lt=before).order_by("year")

    @action(detail=True, methods=["post"])
    async def reprint(self, request, pk: int) -> BookOut:
        """Move a book to this year."""
        book = await self.get_object()
        book.year = 2026
        await book.asave(update_fields=["year"])
        return book


router = DefaultRouter()
router.register("books", BookViewSet)  # basename "book": book-list, book-detail, ...

api = NinjaAPI(title="Quickstart", urls_namespace="quickstart")
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]  # Swagger UI at /api/docs

__all__ = ["Author", "BookViewSet", "api", "urlpatterns"]
