"""Reliability: 409 on constraint violations, atomic hooks, ETags with If-Match / If-None-Match."""

from django.urls import path
from ninja import NinjaAPI, Schema

from library.models import Author, Book
from ninja_viewsets import DefaultRouter, ModelViewSet

from .quickstart import BookIn  # the quickstart's schemas


class BookOut(Schema):
    id: int
    title: str
    isbn: str


class BookViewSet(ModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookOut
    input_schema = BookIn
    optimistic_concurrency = True  # ETag on every object; a stale If-Match is a 412

    async def perform_create(self, data: BookIn):
        """Two writes in one transaction: if the book is refused, the author is not renamed."""
        await Author.objects.filter(pk=data.author_id).aupdate(name="Published author")
        return await Book.objects.acreate(**data.model_dump())


router = DefaultRouter()
router.register("books", BookViewSet)

api = NinjaAPI(urls_namespace="docs-reliability")
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]
