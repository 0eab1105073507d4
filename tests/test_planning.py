"""Schema-driven query planning: constant query counts, columns, the user's own plan wins."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.urls import path
from ninja import Field, NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, ReadOnlyModelViewSet, action
from ninja_viewsets.pagination import PageNumberPagination
from tests.testapp.models import Author, Book, Review, Tag


class TagOut(Schema):
    id: int
    name: str


class UserOut(Schema):
    id: int
    username: str


class ReviewOut(Schema):
    id: int
    stars: int
    user: UserOut


class BookOut(Schema):
    id: int
    title: str
    tags: list[TagOut]
    reviews: list[ReviewOut]


class AuthorDeep(Schema):
    id: int
    name: str
    books: list[BookOut]


class AuthorIn(Schema):
    name: str


class AuthorViewSet(ModelViewSet):
    """FK + reverse FK + M2M, three levels deep."""

    queryset = Author.objects.all()
    output_schema = AuthorDeep
    input_schema = AuthorIn

    @action(detail=False)
    async def first(self, request) -> AuthorDeep:
        return await Author.objects.order_by("id").afirst()

    @action(detail=False)
    async def all_of_them(self, request) -> list[AuthorDeep]:
        return [a async for a in Author.objects.order_by("id")]


class PagedAuthors(AuthorViewSet):
    pagination_class = PageNumberPagination


class BookWithAuthor(Schema):
    id: int
    title: str
    author_name: str = Field(alias="author.name")


class OwnPlan(ReadOnlyModelViewSet):
    output_schema = AuthorDeep

    def get_queryset(self):
        return Author.objects.prefetch_related(
            Prefetch("books", queryset=Book.objects.filter(year__gte=2000))
        )


class Unplanned(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookWithAuthor
    query_planning = False


class BookTitleIn(Schema):
    title: str
    author_id: int


class EditableDotted(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookWithAuthor
    input_schema = BookTitleIn


class Dotted(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookWithAuthor


router = DefaultRouter()
router.register("authors", AuthorViewSet)
router.register("paged", PagedAuthors, basename="paged")
router.register("own", OwnPlan, basename="own")
router.register("unplanned", Unplanned, basename="unplanned")
router.register("dotted", Dotted, basename="dotted")
router.register("editable", EditableDotted, basename="editable")
api = NinjaAPI(urls_namespace="planning")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


def make_library(authors: int, books: int = 3) -> None:
    readers = [User.objects.create(username=f"u{a}") for a in range(2)]
    tags = [Tag.objects.create(name=f"t{i}-{authors}") for i in range(3)]
    for a in range(authors):
        author = Author.objects.create(name=f"A{a}")
        for b in range(books):
            book = Book.objects.create(title=f"B{a}-{b}", year=1990 + b * 10, author=author)
            book.tags.set(tags[: b + 1])
            for reader in readers:
                Review.objects.create(book=book, user=reader, stars=b + 1)


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, r
    return len(ctx), r.json()


@pytest.mark.parametrize("authors", [1, 4])
def test_list_is_constant_in_rows_and_depth(client, db, authors):
    make_library(authors)
    # authors + books + tags + reviews (users joined): 4 whatever the number of rows
    queries, body = count(client, "/api/authors/")
    assert queries == 4
    assert len(body) == authors
    book = body[0]["books"][2]
    assert sorted(t["name"] for t in book["tags"]) == [f"t{i}-{authors}" for i in range(3)]
    assert {r["user"]["username"] for r in book["reviews"]} == {"u0", "u1"}


def test_paginated_list_adds_one_count(client, db):
    make_library(5)
    queries, body = count(client, "/api/paged/?page_size=2")
    assert queries == 5 and body["count"] == 5 and len(body["items"]) == 2


def test_retrieve_is_one_plus_one_per_prefetched_relation(client, db):
    make_library(2)
    author = Author.objects.first()
    queries, body = count(client, f"/api/authors/{author.id}/")
    assert queries == 4 and len(body["books"]) == 3


def test_create_and_update_refetch_with_the_plan(client, db):
    make_library(1)
    r = client.post("/api/authors/", {"name": "New"})
    assert r.status_code == 201 and r.json()["books"] == []
    author = Author.objects.first()
    r = client.patch(f"/api/authors/{author.id}/", {"name": "Renamed"})
    assert r.status_code == 200, r
    assert r.json()["name"] == "Renamed" and len(r.json()["books"]) == 3


def test_instances_returned_by_actions_get_their_relations(client, db):
    make_library(3)
    queries, body = count(client, "/api/authors/first/")
    assert body["books"][0]["reviews"][0]["user"]["username"] == "u0"
    queries_many, body_many = count(client, "/api/authors/all_of_them/")
    assert len(body_many) == 3
    assert queries_many == queries  # constant in the number of instances


def test_only_reads_the_schema_columns(client, db):
    make_library(1)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/api/authors/")
    books_sql = next(q["sql"] for q in ctx.captured_queries if '"testapp_book"' in q["sql"])
    assert '"testapp_book"."year"' not in books_sql  # not in BookOut
    assert '"testapp_book"."title"' in books_sql


def test_the_users_own_prefetch_wins(client, db):
    make_library(1)
    queries, body = count(client, "/api/own/")
    assert [b["title"] for b in body[0]["books"]] == ["B0-1", "B0-2"]  # their filter kept
    assert len(body[0]["books"][0]["reviews"]) == 2  # our relations loaded below theirs
    assert queries == 5  # authors, their books, tags, reviews, users


def test_dotted_alias_is_joined(client, db):
    make_library(3)
    queries, body = count(client, "/api/dotted/")
    assert queries == 1 and body[0]["author_name"] == "A0"


def test_planning_can_be_switched_off(client, db, caplog):
    make_library(1)
    # nothing joins the author any more: reading it lazily fails on the event loop (a 500)
    assert client.get("/api/unplanned/").status_code == 500
    assert any(
        "SynchronousOnlyOperation" in str(r.exc_info[1]) for r in caplog.records if r.exc_info
    )


def data_queries(ctx: CaptureQueriesContext) -> list[str]:
    """The statements that read or write rows (not the request transaction's savepoints)."""
    skip = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "ROLLBACK")
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(skip)]


def test_update_reads_the_relations_with_the_object(client, db):
    make_library(2)
    book = Book.objects.first()
    with CaptureQueriesContext(connection) as ctx:
        r = client.patch(f"/api/editable/{book.id}/", {"title": "New"})
    assert r.status_code == 200 and r.json()["author_name"] == "A0"
    assert len(data_queries(ctx)) == 2  # SELECT ... JOIN author, UPDATE
    other = Author.objects.get(name="A1")
    with CaptureQueriesContext(connection) as ctx:
        r = client.patch(f"/api/editable/{book.id}/", {"author_id": other.id})
    assert r.json()["author_name"] == "A1"  # the changed relation, loaded by its id's check
    assert len(data_queries(ctx)) == 3  # SELECT ... JOIN author, SELECT author, UPDATE


def test_update_of_a_deep_schema_reloads_nothing_it_already_has(client, db):
    make_library(1)
    author = Author.objects.first()
    with CaptureQueriesContext(connection) as ctx:
        r = client.patch(f"/api/authors/{author.id}/", {"name": "Renamed"})
    assert r.status_code == 200 and len(r.json()["books"]) == 3
    assert len(data_queries(ctx)) == 5  # author + books + tags + reviews, then the UPDATE


def test_loaded_relations_are_not_fetched_again(client, db, monkeypatch, caplog):
    import django.db.models

    make_library(1)
    book = Book.objects.first()

    async def refuse(*args, **kwargs):
        raise AssertionError("prefetch called although everything was loaded")

    def refuse_now(*args, **kwargs):  # in the write's own thread hop (mixins._load_now)
        raise AssertionError("prefetch called although everything was loaded")

    monkeypatch.setattr(django.db.models, "aprefetch_related_objects", refuse)
    monkeypatch.setattr(django.db.models, "prefetch_related_objects", refuse_now)
    r = client.patch(f"/api/editable/{book.id}/", {"title": "Again"})
    assert r.status_code == 200 and r.json()["author_name"] == "A0"
    other = Author.objects.create(name="B").id  # the id's check before the write loads it
    r = client.patch(f"/api/editable/{book.id}/", {"author_id": other})
    assert r.status_code == 200 and r.json()["author_name"] == "B"
    assert not [r for r in caplog.records if r.exc_info]
