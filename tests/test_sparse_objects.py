"""The object query of a sparse retrieve: only the chosen columns, where nothing else reads the
object (ETags, object permissions, user code); writes and detail actions read the whole row."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, action
from ninja_viewsets.permissions import BasePermission, IsAuthenticatedOrReadOnly
from tests.test_sparse import book_sql, columns, run
from tests.testapp.models import Author, Book
from tests.testapp.schemas import AuthorOut


class BookOut(Schema):
    id: int
    title: str
    year: int
    author: AuthorOut


class BookIn(Schema):
    title: str
    year: int
    author_id: int


class Books(ModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookOut
    input_schema = BookIn
    sparse_fields = True
    permission_classes = [IsAuthenticatedOrReadOnly]  # no object permission: narrowed

    @action(detail=True)
    async def again(self, request: Any, pk: int) -> BookOut:
        book = await self.get_object()
        assert book.year  # user code may read any attribute
        return book


class Tagged(Books):
    optimistic_concurrency = True  # get_etag() reads every column


class NotTooOld(BasePermission):
    async def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return bool(obj.year > 1000)  # may read a column the representation does not


class Guarded(Books):
    permission_classes = [NotTooOld]


class OwnRetrieve(Books):
    async def retrieve(self, request: Any, pk: int) -> BookOut:
        book = await self.get_object()
        assert book.year
        return book


class NarrowAgain(Books):
    def narrows_object(self) -> bool:  # its `again` reads only what BookOut reads
        return self.action == "again" or super().narrows_object()


router = DefaultRouter()
for prefix, viewset in [
    ("books", Books),
    ("tagged", Tagged),
    ("guarded", Guarded),
    ("own", OwnRetrieve),
    ("narrow", NarrowAgain),
]:
    router.register(prefix, viewset, basename=prefix)
api = NinjaAPI(urls_namespace="sparse-objects")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)

BOOK_COLUMNS = {("testapp_book", c) for c in ("id", "title", "year", "author_id", "created")}


@pytest.fixture
def book(db: None) -> Book:
    return Book.objects.create(title="Dune", year=1965, author=Author.objects.create(name="Frank"))


def test_retrieve_selects_only_the_chosen_columns(client, book):
    r, queries = run(client, f"/api/books/{book.id}/?fields=id,title")
    assert r.status_code == 200, r
    assert r.json() == {"id": book.id, "title": "Dune"}
    assert len(queries) == 1
    assert columns(queries[0]) == {("testapp_book", "id"), ("testapp_book", "title")}
    assert "JOIN" not in queries[0]


def test_retrieve_of_a_nested_field_joins_for_its_columns_only(client, book):
    r, queries = run(client, f"/api/books/{book.id}/?fields=title,author.name")
    assert r.json() == {"title": "Dune", "author": {"name": "Frank"}}
    assert len(queries) == 1 and "JOIN" in queries[0]
    assert columns(queries[0]) == {
        ("testapp_book", "id"),
        ("testapp_book", "title"),
        ("testapp_book", "author_id"),
        ("testapp_author", "id"),
        ("testapp_author", "name"),
    }


def test_the_default_representation_reads_the_row(client, book):
    r, queries = run(client, f"/api/books/{book.id}/")
    assert r.json()["author"] == {"id": book.author_id, "name": "Frank"}
    assert len(queries) == 1  # narrowing by a column would cost more than it saves
    assert columns(queries[0]) >= BOOK_COLUMNS
    r, queries = run(client, f"/api/books/{book.id}/?omit=year")
    assert "year" not in r.json() and len(queries) == 1
    assert ("testapp_book", "created") not in columns(queries[0])


@pytest.mark.parametrize(
    ("prefix", "why"),
    [
        ("tagged", "the ETag covers every column"),
        ("guarded", "an object permission may read any attribute"),
        ("own", "a retrieve of the user's reads the object"),
    ],
)
def test_the_whole_row_is_read_where_something_else_reads_the_object(client, book, prefix, why):
    r, queries = run(client, f"/api/{prefix}/{book.id}/?fields=id,title")
    assert r.status_code == 200, (why, r)
    assert r.json() == {"id": book.id, "title": "Dune"}
    assert columns(book_sql(queries)) >= BOOK_COLUMNS, why


def test_a_detail_action_reads_the_whole_row_unless_it_says_otherwise(client, book):
    r, queries = run(client, f"/api/books/{book.id}/again/?fields=title")
    assert r.json() == {"title": "Dune"}
    assert columns(book_sql(queries)) >= BOOK_COLUMNS
    r, queries = run(client, f"/api/narrow/{book.id}/again/?fields=title,year")
    assert r.json() == {"title": "Dune", "year": 1965}
    assert columns(book_sql(queries)) == {
        ("testapp_book", "id"),
        ("testapp_book", "title"),
        ("testapp_book", "year"),
    }


def test_writes_read_the_whole_row(client, book, user):
    client.force_login(user)
    with_tags = run_write(client, "patch", f"/api/books/{book.id}/?fields=id", {"year": 1966})
    r, queries = with_tags
    assert r.status_code == 200, r
    assert columns(book_sql(queries)) >= BOOK_COLUMNS
    book.refresh_from_db()
    assert book.year == 1966 and book.title == "Dune"
    r, queries = run_write(client, "delete", f"/api/books/{book.id}/?fields=id", None)
    assert r.status_code == 204
    assert columns(book_sql(queries)) >= BOOK_COLUMNS


def run_write(client: Any, method: str, url: str, body: Any) -> tuple[Any, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        r = client.request(method, url, json=body)
    return r, [q["sql"] for q in ctx.captured_queries]


def test_if_match_accepts_the_tag_of_any_representation_of_the_version(client, book, user):
    client.force_login(user)
    url = f"/api/tagged/{book.id}/"
    full = client.get(url).headers["ETag"]
    sparse = client.get(url + "?fields=id,title").headers["ETag"]
    other = client.get(url + "?omit=author").headers["ETag"]
    assert len({full, sparse, other}) == 3  # If-None-Match tells them apart
    assert client.get(url + "?fields=id,title", headers={"If-None-Match": full}).status_code == 200
    assert (
        client.get(url + "?fields=title,id", headers={"If-None-Match": sparse}).status_code == 304
    )
    # a write asks for the version: what the client fetched, with or without ?fields=
    r = client.patch(url + "?fields=id,title", json={"year": 1966}, headers={"If-Match": sparse})
    assert r.status_code == 200, r
    for stale in (full, sparse, other):  # each names the version before that write
        r = client.patch(url, json={"year": 1967}, headers={"If-Match": stale})
        assert r.status_code == 412, (stale, r)
    now = client.get(url + "?omit=author").headers["ETag"]
    forged = now[:-1] + 'z"'
    assert client.patch(url, json={"year": 1967}, headers={"If-Match": forged}).status_code == 412
    r = client.put(url, json={"title": "Dune", "year": 1967, "author_id": book.author_id},
                   headers={"If-Match": now})  # fmt: skip
    assert r.status_code == 200, r
    current = client.get(url + "?fields=id").headers["ETag"]
    assert client.delete(url, headers={"If-Match": current}).status_code == 204
