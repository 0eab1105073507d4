"""Async and the ORM: async code on the loop, sync code in the ORM thread, planned queries."""

from django.db.models import Count
from django.urls import path
from ninja import NinjaAPI, Schema

from library.models import Author, Book
from ninja_viewsets import DefaultRouter, ModelViewSet, ReadOnlyModelViewSet, action
from ninja_viewsets.permissions import BasePermission, IsAuthenticated


class BookOut(Schema):
    id: int
    title: str


class AuthorOut(Schema):
    id: int
    name: str
    books: list[BookOut]  # a reverse foreign key: one prefetch query for the whole page


class AuthorViewSet(ReadOnlyModelViewSet):
    queryset = Author.objects.order_by("id")
    output_schema = AuthorOut  # list: 2 queries, whatever the number of authors and books

    @action(detail=False)
    async def prolific(self, request, books: int = 2) -> list[AuthorOut]:
        """A returned queryset is planned too: its prefetch is added before it runs."""
        return self.get_queryset().annotate(n=Count("books")).filter(n__gte=books)


class OwnsBooks(BasePermission):
    message = "Add a book first."

    def has_permission(self, request, view):  # sync: runs in the ORM thread
        return request.user.books.exists()


class MyBookIn(Schema):
    title: str
    year: int
    isbn: str
    author_id: int


class MyBookViewSet(ModelViewSet):
    queryset = Book.objects.order_by("id")  # the model: schemas and query plans need it
    output_schema = BookOut
    input_schema = MyBookIn
    permission_classes = [IsAuthenticated]

    def get_queryset(self):  # sync and lazy, as in DRF: request.user is already loaded
        return super().get_queryset().filter(owner=self.request.user)

    async def perform_create(self, data: MyBookIn):  # async: awaits the async ORM
        return await Book.objects.acreate(owner=self.request.user, **data.model_dump())

    @action(detail=False, permission_classes=[IsAuthenticated, OwnsBooks])
    def stats(self, request) -> dict[str, int]:
        """A sync action: the sync ORM works here, off the event loop."""
        books = self.get_queryset()
        return {"books": books.count(), "authors": books.values("author").distinct().count()}


router = DefaultRouter()
router.register("authors", AuthorViewSet)
router.register("my-books", MyBookViewSet, basename="my-book")

api = NinjaAPI(urls_namespace="docs-async")
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]
