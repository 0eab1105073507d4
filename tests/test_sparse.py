"""Sparse fieldsets and expansion: the response and the SQL follow ?fields=, ?omit=, ?expand=."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet, action
from ninja_viewsets.pagination import (
    CursorPagination,
    LimitOffsetPagination,
    PageNumberPagination,
)
from ninja_viewsets.renderers import CSVRenderer, JSONRenderer
from tests.testapp.models import Author, Book, Tag


class AuthorOut(Schema):
    id: int
    name: str


class TagOut(Schema):
    id: int
    name: str


class BookOut(Schema):  # nests its author
    id: int
    title: str
    year: int
    author: AuthorOut


class BookMini(Schema):
    id: int
    title: str


class BookFlat(Schema):
    id: int
    title: str
    year: int


class Books(ReadOnlyModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookOut
    sparse_fields = True
    pagination_class = PageNumberPagination
    search_fields = ["title"]
    ordering_fields = ["year", "title"]
    renderer_classes = [JSONRenderer, CSVRenderer]

    @action(detail=False, paginate=True)
    async def old(self, request) -> list[BookOut]:
        """Books before 2000, filtered and paginated like the list."""
        return self.get_queryset().filter(year__lt=2000)

    @action(detail=True)
    async def again(self, request, pk: int) -> BookOut:
        return await self.get_object()


class Expanding(ReadOnlyModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookFlat
    sparse_fields = True
    expandable_fields = {
        "author": AuthorOut,
        "tags": list[TagOut],
        "author.books": list[BookMini],
    }
    optimistic_concurrency = True


class ExpandOnly(ReadOnlyModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookFlat
    expandable_fields = {"author": AuthorOut}


class TwoPerPage(CursorPagination):
    page_size = 2
    ordering = "id"


class CursorBooks(Books):
    pagination_class = TwoPerPage


class OffsetBooks(Books):
    pagination_class = LimitOffsetPagination


class Authors(ReadOnlyModelViewSet):
    queryset = Author.objects.order_by("id")
    output_schema = AuthorOut


class JoinedByUser(ReadOnlyModelViewSet):
    queryset = Book.objects.select_related("author").order_by("id")
    output_schema = BookOut
    sparse_fields = True


router = DefaultRouter()
router.register("books", Books)
router.register("expanding", Expanding, basename="expanding")
router.register("expand-only", ExpandOnly, basename="expand-only")
router.register("cursor", CursorBooks, basename="cursor")
router.register("offset", OffsetBooks, basename="offset")
router.register("joined", JoinedByUser, basename="joined")
router.register("authors", Authors).register(
    "books", Books, basename="author-books", parent_query_lookup="author"
)
api = NinjaAPI(urls_namespace="sparse")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


def make_books(n: int) -> list[Book]:
    ann = Author.objects.create(name="Ann")
    bob = Author.objects.create(name="Bob")
    tags = [Tag.objects.get_or_create(name=f"t{i}")[0] for i in range(3)]
    books = []
    for i in range(n):
        book = Book.objects.create(title=f"B{i}", year=1990 + i * 5, author=ann if i % 2 else bob)
        book.tags.set(tags[: i % 3 + 1])
        books.append(book)
    return books


def run(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    return r, [q["sql"] for q in ctx.captured_queries]


def book_sql(queries: list[str]) -> str:
    """The query reading the book rows (not the COUNT)."""
    return next(q for q in queries if 'FROM "testapp_book"' in q and "COUNT(" not in q)


def columns(sql: str) -> set[str]:
    """The ``"table"."column"`` pairs a SELECT reads (before its FROM)."""
    head = sql.split(" FROM ", 1)[0]
    return set(re.findall(r'"(\w+)"\."(\w+)"', head))


def test_fields_select_only_their_columns_and_no_join(client, db):
    make_books(3)
    r, queries = run(client, "/api/books/?fields=id,title")
    assert r.status_code == 200, r
    assert r.json()["items"][0] == {"id": r.json()["items"][0]["id"], "title": "B0"}
    sql = book_sql(queries)
    assert columns(sql) == {("testapp_book", "id"), ("testapp_book", "title")}
    assert "JOIN" not in sql
    assert len(queries) == 2  # COUNT and the page


def test_the_full_representation_joins_the_nested_author(client, db):
    make_books(2)
    r, queries = run(client, "/api/books/")
    assert r.json()["items"][0]["author"] == {
        "id": r.json()["items"][0]["author"]["id"],
        "name": "Bob",
    }
    sql = book_sql(queries)
    assert "JOIN" in sql and ("testapp_book", "year") in columns(sql)


def test_a_nested_schemas_fields(client, db):
    make_books(2)
    r, queries = run(client, "/api/books/?fields=id,author.name")
    assert r.json()["items"][0] == {"id": r.json()["items"][0]["id"], "author": {"name": "Bob"}}
    cols = columns(book_sql(queries))
    assert ("testapp_author", "name") in cols
    assert ("testapp_book", "title") not in cols and ("testapp_book", "year") not in cols


def test_omit(client, db):
    make_books(2)
    r, queries = run(client, "/api/books/?omit=author,year")
    assert set(r.json()["items"][0]) == {"id", "title"}
    assert "JOIN" not in book_sql(queries)
    r = client.get("/api/books/?omit=author.name")
    assert set(r.json()["items"][0]["author"]) == {"id"}


def test_unknown_names_are_a_422_listing_the_allowed_ones(client, db):
    r = client.get("/api/books/?fields=id,nope")
    assert r.status_code == 422
    error = r.json()["detail"][0]
    assert error["loc"] == ["query", "fields"]
    assert (
        "'nope'" in error["msg"]
        and "id, title, year, author, author.id, author.name" in error["msg"]
    )
    r = client.get("/api/books/?omit=author.nope")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "omit"]
    r = client.get("/api/expanding/?expand=publisher")
    assert r.status_code == 422
    assert "author, author.books, tags" in r.json()["detail"][0]["msg"]
    r = client.get("/api/expanding/?fields=author.name")
    assert r.status_code == 422 and "expand=author" in r.json()["detail"][0]["msg"]
    r = client.get("/api/books/?fields=" + "x" * 600)
    assert r.status_code == 422


def test_unexpanded_relations_are_keys_without_a_join(client, db):
    books = make_books(2)
    r, queries = run(client, "/api/expanding/")
    first = r.json()[0]
    assert first == {
        "id": books[0].id,
        "title": "B0",
        "year": 1990,
        "author": books[0].author_id,
        "tags": [t.id for t in books[0].tags.order_by("id")],
    }
    sql = book_sql(queries)
    assert "JOIN" not in sql and ("testapp_book", "author_id") in columns(sql)
    tags_sql = next(q for q in queries if 'FROM "testapp_tag"' in q)
    assert ("testapp_tag", "name") not in columns(tags_sql)  # the keys only
    assert len(queries) == 2


def test_expanded_relations_are_joined_or_prefetched_with_their_requested_columns(client, db):
    make_books(2)
    r, queries = run(client, "/api/expanding/?expand=author,tags&fields=id,author.name,tags.name")
    first = r.json()[0]
    assert first["author"] == {"name": "Bob"} and first["tags"] == [{"name": "t0"}]
    sql = book_sql(queries)
    assert "JOIN" in sql
    assert ("testapp_author", "name") in columns(sql)
    assert ("testapp_book", "title") not in columns(sql)
    tags_sql = next(q for q in queries if 'FROM "testapp_tag"' in q)
    assert ("testapp_tag", "name") in columns(tags_sql)
    assert len(queries) == 2


def test_nested_expansion(client, db):
    make_books(3)
    r = client.get("/api/expanding/?expand=author.books&fields=id,author.name,author.books")
    assert r.status_code == 200, r
    first = r.json()[0]
    assert first["author"]["name"] == "Bob"
    assert [b["title"] for b in first["author"]["books"]] == ["B0", "B2"]


@pytest.mark.parametrize(
    "url", ["/api/expanding/?expand=author,tags,author.books", "/api/books/?fields=id,author.name"]
)
def test_query_count_is_constant_in_the_page_size(client, db, url):
    make_books(2)
    _, few = run(client, url)
    make_books(8)
    r, many = run(client, url)
    assert r.status_code == 200
    assert len(few) == len(many)


def test_expand_only_has_no_fields_parameter(client, db):
    make_books(1)
    r = client.get("/api/expand-only/?fields=id")  # not a parameter here: ignored
    assert set(r.json()[0]) == {"id", "title", "year", "author"}
    r = client.get("/api/expand-only/?expand=author")
    assert r.json()[0]["author"]["name"] == "Bob"


def test_retrieve_and_etags_cover_the_representation(client, db):
    book = make_books(1)[0]
    r, queries = run(client, f"/api/expanding/{book.id}/?fields=id,title")
    assert r.json() == {"id": book.id, "title": "B0"}
    sparse_tag = r.headers["ETag"]
    full = client.get(f"/api/expanding/{book.id}/")
    assert full.json()["author"] == book.author_id
    assert full.headers["ETag"] != sparse_tag
    r = client.get(
        f"/api/expanding/{book.id}/?fields=id,title", headers={"If-None-Match": sparse_tag}
    )
    assert r.status_code == 304
    r = client.get(f"/api/expanding/{book.id}/?fields=id", headers={"If-None-Match": sparse_tag})
    assert r.status_code == 200
    r, queries = run(client, f"/api/expanding/{book.id}/?expand=author")
    # author.books is expandable too: unexpanded, the keys
    assert r.json()["author"] == {"id": book.author_id, "name": "Bob", "books": [book.id]}
    assert len(queries) == 3 and "JOIN" in queries[0]  # the tags' keys, the books' keys


def test_actions_list_level_and_detail(client, db):
    books = make_books(4)
    r, queries = run(client, "/api/books/old/?fields=title&page_size=1")
    assert r.json()["items"] == [{"title": "B0"}] and r.json()["count"] == 2
    assert columns(book_sql(queries)) == {("testapp_book", "id"), ("testapp_book", "title")}
    r = client.get(f"/api/books/{books[1].id}/again/?fields=author")
    assert r.json() == {"author": {"id": books[1].author_id, "name": "Ann"}}


@pytest.mark.parametrize("prefix", ["cursor", "offset"])
def test_other_paginations(client, db, prefix):
    make_books(3)
    r, queries = run(client, f"/api/{prefix}/?fields=title")
    assert r.status_code == 200, r
    rows = r.json().get("results") or r.json().get("items")
    assert {tuple(row) for row in rows} == {("title",)}
    assert "JOIN" not in book_sql(queries)


def test_cursor_pages_follow_with_fields(client, db):
    make_books(5)
    r = client.get("/api/cursor/?fields=title")
    nxt = r.json()["next"]
    assert nxt and "fields=title" in nxt
    r = client.get(nxt.split("testserver", 1)[1])
    assert r.status_code == 200 and all(set(b) == {"title"} for b in r.json()["results"])


def test_search_ordering_and_nested_routes(client, db):
    books = make_books(4)
    r, queries = run(client, "/api/books/?fields=title&ordering=-year&search=B")
    assert [b["title"] for b in r.json()["items"]] == ["B3", "B2", "B1", "B0"]
    assert ("testapp_book", "year") not in columns(book_sql(queries))  # ordered by, not read
    author = books[1].author
    r = client.get(f"/api/authors/{author.id}/books/?fields=title")
    assert r.json()["items"] == [{"title": "B1"}, {"title": "B3"}]


def test_csv_columns_follow_fields(client, db):
    make_books(2)
    r = client.get("/api/books/?format=csv&fields=id,author.name")
    assert r.status_code == 200, r
    assert r.content.decode().splitlines()[0] == "id,author.name"


def test_a_relation_the_user_joined_stays_loadable(client, db):
    make_books(2)
    r = client.get("/api/joined/?fields=id,title")
    assert r.status_code == 200, r
    assert set(r.json()[0]) == {"id", "title"}


def test_openapi_documents_parameters_and_optional_fields(client, db):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/expanding/"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert params["fields"]["schema"]["items"]["enum"] == [
        "id", "title", "year", "author", "author.id", "author.name", "author.books",
        "author.books.id", "author.books.title", "tags", "tags.id", "tags.name",
    ]  # fmt: skip
    assert params["fields"]["explode"] is False
    assert params["expand"]["schema"]["items"]["enum"] == ["author", "author.books", "tags"]
    assert "422" in operation["responses"]
    components = schema["components"]["schemas"]
    assert "required" not in components["BookFlatSparseExpandable"]
    only = components["BookFlatExpandable"]
    assert set(only["required"]) == {"id", "title", "year", "author"}
    assert "fields" not in {
        p["name"] for p in schema["paths"]["/api/expand-only/"]["get"]["parameters"]
    }
    books = schema["paths"]["/api/books/"]["get"]
    assert {"fields", "omit"} <= {p["name"] for p in books["parameters"]}
    assert "expand" not in {p["name"] for p in books["parameters"]}


def test_configuration_errors_at_register():
    class NotARelation(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookFlat
        expandable_fields = {"title": AuthorOut}

    class WrongShape(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookFlat
        expandable_fields = {"tags": TagOut}

    for viewset in (NotARelation, WrongShape):
        with pytest.raises(ImproperlyConfigured, match="expandable_fields"):
            DefaultRouter().register("x", viewset, basename="x")


def test_ninjas_own_rendering_renders_the_chosen_schema_too(client, db, settings):
    settings.NINJA_VIEWSETS = {**getattr(settings, "NINJA_VIEWSETS", {}), "JSON_RENDERING": False}
    books = make_books(2)
    r = client.get("/api/expanding/?fields=id,author,tags&expand=author")
    assert r.status_code == 200, r
    assert r.json()[0] == {
        "id": books[0].id,
        "author": {"id": books[0].author_id, "name": "Bob", "books": [books[0].id]},
        "tags": [t.id for t in books[0].tags.all()],
    }


def test_a_paginated_action_exports_its_page_as_csv_with_the_chosen_columns(client, db):
    make_books(4)
    r = client.get("/api/books/old/?format=csv&fields=title,author.name")
    assert r.status_code == 200, r
    assert r.headers["Content-Type"].startswith("text/csv")
    assert r.content.decode().splitlines() == ["title,author.name", "B0,Bob", "B1,Ann"]
    assert r.headers["X-Total-Count"] == "2"
