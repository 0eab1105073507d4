"""Nested resources: /authors/{author_pk}/books/ and, below, .../books/{book_pk}/reviews/."""

from django.urls import path
from ninja import NinjaAPI, Schema

from library.models import Author, Book, Review
from ninja_viewsets import DefaultRouter, ModelViewSet, ReadOnlyModelViewSet


class AuthorOut(Schema):
    id: int
    name: str


class BookOut(Schema):
    id: int
    title: str
    author_id: int


class BookIn(Schema):
    title: str
    year: int
    isbn: str


class ReviewOut(Schema):
    id: int
    stars: int


class AuthorViewSet(ReadOnlyModelViewSet):
    queryset = Author.objects.all()
    output_schema = AuthorOut


class BookViewSet(ModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookOut
    input_schema = BookIn  # no author: it comes from the URL


class ReviewViewSet(ReadOnlyModelViewSet):
    queryset = Review.objects.order_by("id")
    output_schema = ReviewOut


router = DefaultRouter()
authors = router.register("authors", AuthorViewSet)
books = authors.register("books", BookViewSet, parent_query_lookup="author")
books.register("reviews", ReviewViewSet, parent_query_lookup="book")

api = NinjaAPI(urls_namespace="docs-nested")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
