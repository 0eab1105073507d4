"""The OpenAPI document beyond Ninja's own: a viewset's docstring is its tag's description
(``_openapi.tag_description`` / ``document_tags``, reaching the API when Ninja binds it), read
from the real ``/openapi.json`` endpoints of the APIs below."""

import pytest
from django.urls import path
from ninja import NinjaAPI, Schema
from openapi_spec_validator import validate

from ninja_viewsets import DefaultRouter, ModelViewSet, ReadOnlyModelViewSet, SimpleRouter, action
from ninja_viewsets._openapi import tag_description
from tests.testapp.models import Author, Book, Review

pytestmark = pytest.mark.urls("tests.test_openapi")


class BookOut(Schema):
    id: int
    title: str


class AuthorOut(Schema):
    id: int
    name: str


class ReviewOut(Schema):
    id: int


class BookViewSet(ReadOnlyModelViewSet):
    """Books of the catalogue,
    one page at a time.

    Everything after the first paragraph stays in the code: usage notes, examples.
    """

    queryset = Book.objects.order_by("id")
    output_schema = BookOut

    @action(detail=False, tags=["reports"])
    async def report(self, request) -> dict[str, int]:
        """An action tagged otherwise: the viewset's docstring does not describe its tag."""
        return {}


class AuthorViewSet(ReadOnlyModelViewSet):  # no docstring: no description, not the base's
    queryset = Author.objects.order_by("id")
    output_schema = AuthorOut


class DocumentedBase(ReadOnlyModelViewSet):
    """A project's base class: its docstring is not its subclasses' description."""


class ReviewViewSet(DocumentedBase):
    queryset = Review.objects.order_by("id")
    output_schema = ReviewOut


class BookReviewViewSet(ReadOnlyModelViewSet):
    """Reviews of one book (nested)."""

    queryset = Review.objects.order_by("id")
    output_schema = ReviewOut


class OtherBookViewSet(ReadOnlyModelViewSet):
    """Another viewset with the tag "book": the first one registered describes it."""

    queryset = Book.objects.order_by("id")
    output_schema = BookOut


class AuthorWithDocViewSet(ReadOnlyModelViewSet):
    """Authors, described by their viewset."""

    queryset = Author.objects.order_by("id")
    output_schema = AuthorOut


router = DefaultRouter()
books = router.register("books", BookViewSet)
books.register("reviews", BookReviewViewSet, parent_query_lookup="book")
router.register("authors", AuthorViewSet)
router.register("reviews", ReviewViewSet)

# The user's own tags come first and keep their descriptions; an entry of theirs without a
# description gets the viewset's. The dict given is not changed.
USER_EXTRA = {"tags": [{"name": "reports", "description": "Mine."}, {"name": "book"}]}
api = NinjaAPI(urls_namespace="openapi-tags", openapi_extra=USER_EXTRA)
api.add_router("/", router)

# mounted before its viewsets are registered (Ninja 1.5 binds on add_router), with a second
# router reusing the basename "book" on the same API
late = SimpleRouter()
other = SimpleRouter()
late_api = NinjaAPI(urls_namespace="openapi-late")
late_api.add_router("/", late)
late_api.add_router("/other/", other)
late.register("books", BookViewSet)
late.register("writers", AuthorWithDocViewSet, basename="writer")
other.register("books", OtherBookViewSet)

plain_api = NinjaAPI(urls_namespace="openapi-plain")  # nothing described: no `tags` at all
plain = SimpleRouter()
plain.register("authors", AuthorViewSet)
plain_api.add_router("/", plain)

urlpatterns = [
    path("api/", api.urls),
    path("late/", late_api.urls),
    path("plain/", plain_api.urls),
]


def test_a_viewset_docstring_is_its_tag_description(client):
    document = client.get("/api/openapi.json").json()
    validate(document)
    assert document["tags"] == [
        {"name": "reports", "description": "Mine."},
        {"name": "book", "description": "Books of the catalogue, one page at a time."},
        {"name": "api-root", "description": "The list URL of every resource of this API."},
        {"name": "book-review", "description": "Reviews of one book (nested)."},
    ]
    # each operation keeps its tag; the undocumented viewsets' tags are not listed
    paths = document["paths"]
    assert paths["/api/authors/"]["get"]["tags"] == ["author"]
    assert paths["/api/reviews/"]["get"]["tags"] == ["review"]
    assert paths["/api/books/report/"]["get"]["tags"] == ["reports"]
    assert USER_EXTRA == {"tags": [{"name": "reports", "description": "Mine."}, {"name": "book"}]}
    assert client.get("/api/openapi.json").json()["tags"] == document["tags"]  # stable


def test_tags_of_routers_mounted_before_registration_and_a_shared_tag(client):
    document = client.get("/late/openapi.json").json()  # book_list twice: not validated
    assert document["tags"] == [
        {"name": "book", "description": "Books of the catalogue, one page at a time."},
        {"name": "writer", "description": "Authors, described by their viewset."},
    ]
    assert document["paths"]["/late/other/books/"]["get"]["tags"] == ["book"]


def test_no_described_viewset_no_tags(client):
    document = client.get("/plain/openapi.json").json()
    assert "tags" not in document
    assert document["paths"]["/plain/authors/"]["get"]["tags"] == ["author"]


def test_tag_description_reads_only_the_class_own_docstring():
    assert tag_description(BookViewSet) == "Books of the catalogue, one page at a time."
    assert tag_description(AuthorViewSet) is None
    assert tag_description(ReviewViewSet) is None
    assert tag_description(type("Blank", (ModelViewSet,), {"__doc__": "  \n "})) is None
