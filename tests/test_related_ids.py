"""Foreign key and many-to-many ids are checked before the write (ninja_viewsets._related).

DRF's ``PrimaryKeyRelatedField``: an id that names no row is a 422 at its field, and nothing is
written. One query per relation field, for every id of the request (of the whole batch in bulk);
a model without relations costs no query. Runs on SQLite and, with DATABASE_URL, PostgreSQL.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import BulkModelViewSet, DefaultRouter, ModelViewSet
from tests.testapp.models import Author, Book, Tag


class TagOut(Schema):
    id: int
    name: str


class TagIn(Schema):
    name: str


class AuthorOut(Schema):
    id: int
    name: str


class BookIn(Schema):
    title: str
    author_id: int
    tags: list[int] = []


class BookOut(Schema):
    id: int
    title: str
    author: AuthorOut
    tags: list[TagOut]


class BookViewSet(ModelViewSet):
    queryset = Book.objects.order_by("id")
    input_schema = BookIn
    output_schema = BookOut


class ShelfViewSet(BookViewSet):
    """Narrows what the ids may name: the ``hidden`` tag cannot be given."""

    def get_related_queryset(self, field):
        queryset = super().get_related_queryset(field)
        return queryset.exclude(name="hidden") if field.name == "tags" else queryset


class HookViewSet(BookViewSet):
    """DRF's ``serializer.save(title=...)``: the body's ids are checked in super()."""

    async def perform_create(self, data):
        return await super().perform_create(data, title=data.title.upper())


class NonAtomicViewSet(BookViewSet):
    atomic_writes = False


class RacyViewSet(BookViewSet):
    """The check sees rows the database does not have, as when a row is deleted between the
    check and the commit: the database's foreign key refuses the write, and the field is
    still named."""

    def get_related_queryset(self, field):
        if field.name == "author":  # ids of tags: found, but no such author
            return Tag.objects.all()
        return super().get_related_queryset(field)


class BulkBookViewSet(BulkModelViewSet):
    queryset = Book.objects.order_by("id")
    input_schema = BookIn
    output_schema = BookOut


class TagViewSet(ModelViewSet):
    """No relations: nothing to check."""

    queryset = Tag.objects.order_by("id")
    input_schema = TagIn
    output_schema = TagOut


router = DefaultRouter()
router.register("books", BookViewSet)
router.register("shelf", ShelfViewSet, basename="shelf")
router.register("hook", HookViewSet, basename="hook")
router.register("nonatomic", NonAtomicViewSet, basename="nonatomic")
router.register("racy", RacyViewSet, basename="racy")
router.register("bulk", BulkBookViewSet, basename="bulk")
router.register("tags", TagViewSet)
api = NinjaAPI(urls_namespace="related")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db(transaction=True)]

MISSING = 999999


def missing(loc: list, pk: int = MISSING) -> dict:
    msg = f'Invalid pk "{pk}" - object does not exist.'
    return {"type": "does_not_exist", "loc": loc, "msg": msg}


def lookups(ctx: CaptureQueriesContext, table: str) -> int:
    """The existence checks on ``table``: ``SELECT "<table>"."id"... FROM "<table>" WHERE
    "<table>"."id" IN (...)`` (a foreign key's rows, many-to-many ids)."""
    pattern = re.compile(rf'^SELECT "{table}"\."id".* FROM "{table}" WHERE "{table}"\."id" IN')
    return sum(1 for q in ctx.captured_queries if pattern.match(q["sql"]))


def writes(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]


@pytest.fixture
def author():
    return Author.objects.create(name="Ann")


@pytest.fixture
def tags():
    return [Tag.objects.create(name=n) for n in ("red", "green", "hidden")]


@pytest.mark.parametrize("prefix", ["books", "hook", "nonatomic"])
def test_missing_foreign_key_is_422_at_its_field_before_the_write(client, prefix):
    with CaptureQueriesContext(connection) as ctx:
        r = client.post(f"/api/{prefix}/", {"title": "T", "author_id": MISSING})
    assert r.status_code == 422, r
    assert r.json() == {"detail": [missing(["body", "payload", "author_id"])]}
    assert writes(ctx) == []  # checked before: no INSERT was tried
    assert Book.objects.count() == 0


def test_missing_m2m_ids_are_422_at_the_field_each_named(client, author, tags):
    body = {"title": "T", "author_id": author.pk, "tags": [tags[0].pk, MISSING, MISSING + 1]}
    with CaptureQueriesContext(connection) as ctx:
        r = client.post("/api/books/", body)
    assert r.status_code == 422, r
    loc = ["body", "payload", "tags"]
    assert r.json()["detail"] == [missing(loc), missing(loc, MISSING + 1)]
    assert writes(ctx) == []
    assert Book.objects.count() == 0


def test_foreign_key_and_m2m_errors_together(client):
    r = client.post("/api/books/", {"title": "T", "author_id": MISSING, "tags": [MISSING]})
    assert r.status_code == 422, r
    assert r.json()["detail"] == [
        missing(["body", "payload", "author_id"]),
        missing(["body", "payload", "tags"]),
    ]


@pytest.mark.parametrize("method", ["put", "patch"])
def test_update_checks_before_the_write(client, author, tags, method):
    book = Book.objects.create(title="Keep", author=author)
    book.tags.set([tags[0]])
    body = {"title": "Changed", "author_id": MISSING, "tags": [MISSING]}
    with CaptureQueriesContext(connection) as ctx:
        r = getattr(client, method)(f"/api/books/{book.pk}/", body)
    assert r.status_code == 422, r
    assert [e["loc"][-1] for e in r.json()["detail"]] == ["author_id", "tags"]
    assert writes(ctx) == []
    book.refresh_from_db()
    assert book.title == "Keep" and book.author_id == author.pk
    assert list(book.tags.all()) == [tags[0]]


def test_one_query_per_relation_field(client, author, tags):
    body = {"title": "T", "author_id": author.pk, "tags": [tags[0].pk, tags[1].pk]}
    with CaptureQueriesContext(connection) as ctx:
        r = client.post("/api/books/", body)
    assert r.status_code == 201, r
    assert lookups(ctx, "testapp_author") == 1
    assert lookups(ctx, "testapp_tag") == 1
    with CaptureQueriesContext(connection) as ctx:
        r = client.patch(f"/api/books/{r.json()['id']}/", {"title": "U"})
    assert r.status_code == 200, r
    assert lookups(ctx, "testapp_author") == lookups(ctx, "testapp_tag") == 0  # none sent


def test_a_model_without_relations_costs_no_query(client):
    with CaptureQueriesContext(connection) as ctx:
        r = client.post("/api/tags/", {"name": "flat"})
    assert r.status_code == 201, r
    assert [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")] == []


def test_get_related_queryset_narrows_what_an_id_may_name(client, author, tags):
    body = {"title": "T", "author_id": author.pk, "tags": [tags[0].pk, tags[2].pk]}
    r = client.post("/api/shelf/", body)
    assert r.status_code == 422, r
    assert r.json()["detail"] == [missing(["body", "payload", "tags"], tags[2].pk)]
    r = client.post("/api/books/", body)  # the default manager: every tag
    assert r.status_code == 201, r


def test_a_hook_with_extra_values_still_checks_the_body(client, author):
    r = client.post("/api/hook/", {"title": "t", "author_id": author.pk})
    assert r.status_code == 201, r
    assert r.json()["title"] == "T"


def test_a_row_gone_after_the_check_is_still_named_by_the_database(client, tags):
    """The fallback: the database's foreign key refuses the write; the field is named."""
    r = client.post("/api/racy/", {"title": "T", "author_id": tags[0].pk})
    assert r.status_code == 422, r
    assert r.json()["detail"] == [missing(["body", "payload", "author_id"], tags[0].pk)]
    assert Book.objects.count() == 0


def test_bulk_create_checks_the_batch_in_one_query_per_relation(client, author, tags):
    items = [
        {"title": "A", "author_id": author.pk, "tags": [tags[0].pk]},
        {"title": "B", "author_id": MISSING, "tags": [tags[1].pk]},
        {"title": "C", "author_id": author.pk, "tags": [MISSING]},
    ]
    with CaptureQueriesContext(connection) as ctx:
        r = client.post("/api/bulk/", items)
    assert r.status_code == 422, r
    assert r.json()["detail"] == [
        missing(["body", "payload", 1, "author_id"]),
        missing(["body", "payload", 2, "tags"]),
    ]
    assert lookups(ctx, "testapp_author") == 1
    assert lookups(ctx, "testapp_tag") == 1
    assert writes(ctx) == []
    assert Book.objects.count() == 0


def test_ids_of_another_type_or_out_of_range(client, author):
    r = client.post("/api/books/", {"title": "T", "author_id": 10**20})
    assert r.status_code == 422, r
    assert r.json()["detail"] == [missing(["body", "payload", "author_id"], 10**20)]
    r = client.post("/api/books/", {"title": "T", "author_id": author.pk, "tags": [-(10**20)]})
    assert r.status_code == 422, r
    assert r.json()["detail"] == [missing(["body", "payload", "tags"], -(10**20))]
    assert Book.objects.count() == 0
