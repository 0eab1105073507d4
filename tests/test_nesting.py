"""Nested resources: routes, names, typed parent lookups, scoping, parents checked, writes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, action
from ninja_viewsets.permissions import BasePermission
from tests.testapp.models import Author, Book, Review


class AuthorOut(Schema):
    id: int
    name: str


class BookOut(Schema):
    id: int
    title: str
    author_id: int


class BookIn(Schema):
    title: str
    year: int = 2000
    author_id: int | None = None  # present in the body: ignored under a parent


class ReviewOut(Schema):
    id: int
    stars: int
    book_id: int


class ReviewIn(Schema):
    stars: int


class OnlyAuthorOne(BasePermission):
    """Object permission on the parent: only author named 'open' may be browsed."""

    async def has_object_permission(self, request, view, obj):
        return obj.name == "open"


class AuthorViewSet(ModelViewSet):
    queryset = Author.objects.all()
    output_schema = AuthorOut
    permission_classes = [OnlyAuthorOne]


class BookViewSet(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn

    def get_queryset(self):
        return Book.objects.order_by("id")  # an override cannot drop the parent scope

    @action(detail=False)
    async def count(self, request) -> dict[str, int]:
        return {"count": await self.get_queryset().acount()}

    @action(detail=True)
    async def ping(self, request, pk: int) -> dict[str, object]:
        book = await self.get_object()
        return {
            "id": book.id,
            "kwargs": sorted(self.kwargs),
            "self": self.reverse_action("ping", args=[pk]),
        }


class GuardedBookViewSet(BookViewSet):
    parent_permissions = True


class ReviewViewSet(ModelViewSet):
    queryset = Review.objects.all()
    output_schema = ReviewOut
    input_schema = ReviewIn

    async def perform_create(self, data):
        return await Review.objects.acreate(
            book=self.parent_object, user=await User.objects.afirst(), stars=data.stars
        )


class AuthorByName(ModelViewSet):
    queryset = Author.objects.all()
    output_schema = AuthorOut
    lookup_field = "name"


router = DefaultRouter()
by_name = router.register("writers", AuthorByName, basename="writer")
by_name.register("books", BookViewSet, parent_query_lookup="author", basename="writer-book")
authors = router.register("authors", AuthorViewSet)
books = authors.register("books", BookViewSet, parent_query_lookup="author")
reviews = books.register("reviews", ReviewViewSet, parent_query_lookup="book")
authors.register(
    "guarded", GuardedBookViewSet, parent_query_lookup="author", basename="author-guarded"
)
api = NinjaAPI(urls_namespace="nesting")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def data(db):
    User.objects.create(username="r")
    a1 = Author.objects.create(name="open")
    a2 = Author.objects.create(name="closed")
    b1 = Book.objects.create(title="A1-1", author=a1)
    b2 = Book.objects.create(title="A1-2", author=a1)
    b3 = Book.objects.create(title="A2-1", author=a2)
    return a1, a2, b1, b2, b3


def test_routes_and_url_names(data):
    a1, _, b1, _, _ = data
    assert reverse("nesting:author-book-list", kwargs={"author_pk": a1.id}) == (
        f"/api/authors/{a1.id}/books/"
    )
    assert reverse("nesting:author-book-detail", kwargs={"author_pk": a1.id, "pk": b1.id}) == (
        f"/api/authors/{a1.id}/books/{b1.id}/"
    )
    assert reverse(
        "nesting:author-book-review-list", kwargs={"author_pk": a1.id, "book_pk": b1.id}
    ) == (f"/api/authors/{a1.id}/books/{b1.id}/reviews/")
    assert reverse("nesting:author-book-count", kwargs={"author_pk": 1}) == (
        "/api/authors/1/books/count/"
    )


def test_list_is_scoped_to_the_parent(client, data):
    a1, a2, *_ = data
    r = client.get(f"/api/authors/{a1.id}/books/")
    assert [b["title"] for b in r.json()] == ["A1-1", "A1-2"]
    assert [b["title"] for b in client.get(f"/api/authors/{a2.id}/books/").json()] == ["A2-1"]
    assert client.get(f"/api/authors/{a1.id}/books/count/").json() == {"count": 2}


def test_child_of_another_parent_is_404_on_every_detail_action(client, data):
    a1, _, _, _, b3 = data
    base = f"/api/authors/{a1.id}/books/{b3.id}/"
    assert client.get(base).status_code == 404
    assert client.put(base, {"title": "x"}).status_code == 404
    assert client.patch(base, {"title": "x"}).status_code == 404
    assert client.delete(base).status_code == 404
    assert client.get(base + "ping/").status_code == 404
    assert Book.objects.get(pk=b3.pk).title == "A2-1"


def test_missing_parent_is_404_on_every_action(client, data):
    for url in ("/api/authors/999/books/", "/api/authors/999/books/count/"):
        r = client.get(url)
        assert r.status_code == 404, (url, r)
        assert r.json()["detail"] == "No Author matches the given query."
    assert client.post("/api/authors/999/books/", {"title": "x"}).status_code == 404
    assert Book.objects.count() == 3


def test_parent_lookup_is_typed(client, data):
    r = client.get("/api/authors/abc/books/")
    assert r.status_code == 422
    schema = api.get_openapi_schema(path_prefix="/api")
    params = schema["paths"]["/api/authors/{author_pk}/books/{book_pk}/reviews/"]["get"][
        "parameters"
    ]
    assert {p["name"]: p["schema"]["type"] for p in params} == {
        "author_pk": "integer",
        "book_pk": "integer",
    }


def test_kwargs_hold_typed_parent_values_and_reverse_action_keeps_them(client, data):
    a1, _, b1, _, _ = data
    r = client.get(f"/api/authors/{a1.id}/books/{b1.id}/ping/")
    assert r.status_code == 200, r
    assert r.json() == {
        "id": b1.id,
        "kwargs": ["author_pk", "pk"],
        "self": f"http://testserver/api/authors/{a1.id}/books/{b1.id}/ping/",
    }


def test_create_sets_the_parent_from_the_url(client, data):
    a1, a2, *_ = data
    r = client.post(f"/api/authors/{a1.id}/books/", {"title": "New", "author_id": a2.id})
    assert r.status_code == 201, r
    assert r.json()["author_id"] == a1.id
    assert Book.objects.get(title="New").author_id == a1.id
    schema = api.get_openapi_schema(path_prefix="/api")
    body = schema["paths"]["/api/authors/{author_pk}/books/"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "author_id" not in schema["components"]["schemas"][ref]["properties"]


def test_update_cannot_move_a_child_to_another_parent(client, data):
    a1, a2, b1, _, _ = data
    r = client.patch(f"/api/authors/{a1.id}/books/{b1.id}/", {"author_id": a2.id, "title": "T"})
    assert r.status_code == 200
    assert Book.objects.get(pk=b1.pk).author_id == a1.id


def test_depth_three_chains_the_lookups(client, data):
    a1, a2, b1, _, b3 = data
    r = client.post(f"/api/authors/{a1.id}/books/{b1.id}/reviews/", {"stars": 4})
    assert r.status_code == 201, r
    assert r.json()["book_id"] == b1.id
    assert len(client.get(f"/api/authors/{a1.id}/books/{b1.id}/reviews/").json()) == 1
    # b3 belongs to a2: under a1 it does not exist, even for its reviews
    assert client.get(f"/api/authors/{a1.id}/books/{b3.id}/reviews/").status_code == 404
    assert client.get(f"/api/authors/{a2.id}/books/{b3.id}/reviews/").json() == []


def test_nested_list_costs_one_query_more(client, data):
    a1, *_ = data
    with CaptureQueriesContext(connection) as nested:
        client.get(f"/api/authors/{a1.id}/books/")
    assert len(nested) == 2  # the parent, then the books


def test_parent_permissions_opt_in(client, data):
    a1, a2, *_ = data
    assert client.get(f"/api/authors/{a2.id}/books/").status_code == 200  # not opted in
    assert client.get(f"/api/authors/{a1.id}/guarded/").status_code == 200
    r = client.get(f"/api/authors/{a2.id}/guarded/")
    assert r.status_code in (401, 403)


def test_root_lists_top_level_resources_only(client, data):
    assert client.get("/api/").json() == {
        "writers": "http://testserver/api/writers/",
        "authors": "http://testserver/api/authors/",
    }


def test_parent_looked_up_by_a_string_field(client, data):
    r = client.get("/api/writers/open/books/")
    assert [b["title"] for b in r.json()] == ["A1-1", "A1-2"]
    assert client.get("/api/writers/nobody/books/").status_code == 404
    schema = api.get_openapi_schema(path_prefix="/api")
    params = schema["paths"]["/api/writers/{writer_name}/books/"]["get"]["parameters"]
    assert params[0]["name"] == "writer_name" and params[0]["schema"]["type"] == "string"


def test_bad_parent_query_lookup_fails_at_register(db):
    router = DefaultRouter()
    handle = router.register("authors", AuthorViewSet)
    with pytest.raises(ImproperlyConfigured, match="not a field of Book"):
        handle.register("books", BookViewSet, parent_query_lookup="writer")
    with pytest.raises(ImproperlyConfigured, match="does not point to Author"):
        handle.register("reviews", ReviewViewSet, parent_query_lookup="user")
