"""Errors become clear JSON answers: constraint violations are 409 and roll back, outages 503."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet
from ninja_viewsets.exceptions import conflict_from
from tests.testapp.models import Author, Book, Tag


class TagIO(Schema):
    name: str


class TagOut(Schema):
    id: int
    name: str


class BookIn(Schema):
    title: str
    author_id: int
    tags: list[int] = []


class BookOut(Schema):
    id: int
    title: str
    tags: list[TagOut]


class TagViewSet(ModelViewSet):
    queryset = Tag.objects.all()
    output_schema = TagOut
    input_schema = TagIO


class BookViewSet(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn


class TwoStepViewSet(ModelViewSet):
    """An overridden hook that writes twice: the second write fails, the first is undone."""

    queryset = Tag.objects.all()
    output_schema = TagOut
    input_schema = TagIO

    async def perform_create(self, data):
        await Tag.objects.acreate(name=f"{data.name}-draft")
        return await Tag.objects.acreate(name=data.name)  # may hit the unique constraint


class Flaky(ModelViewSet):
    queryset = Tag.objects.all()
    output_schema = TagOut

    async def list(self, request):
        raise OperationalError("connection refused: server closed the connection")


router = DefaultRouter()
router.register("tags", TagViewSet)
router.register("books", BookViewSet)
router.register("twostep", TwoStepViewSet, basename="twostep")
router.register("flaky", Flaky, basename="flaky")
api = NinjaAPI(urls_namespace="exceptions")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.mark.django_db(transaction=True)  # a failed statement breaks the test's transaction
def test_unique_violation_on_create_and_update_is_409(client):
    Tag.objects.create(name="dup")
    other = Tag.objects.create(name="other")
    r = client.post("/api/tags/", {"name": "dup"})
    assert r.status_code == 409, r
    assert r.json() == {"detail": "An object with the same name already exists.", "code": "unique"}
    r = client.patch(f"/api/tags/{other.id}/", {"name": "dup"})
    assert r.status_code == 409
    assert Tag.objects.get(pk=other.pk).name == "other"
    assert Tag.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_missing_foreign_key_is_422_at_its_field_and_nothing_is_written(client):
    r = client.post("/api/books/", {"title": "Orphan", "author_id": 999999})
    assert r.status_code == 422, r
    assert r.json() == {
        "detail": [
            {
                "type": "does_not_exist",
                "loc": ["body", "payload", "author_id"],
                "msg": 'Invalid pk "999999" - object does not exist.',
            }
        ]
    }
    assert "SELECT" not in r.content.decode() and "constraint" not in r.content.decode()
    assert Book.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_object_with_m2m_is_created_whole_or_not_at_all(client):
    author = Author.objects.create(name="A")
    tag = Tag.objects.create(name="ok")
    r = client.post(
        "/api/books/", {"title": "Half", "author_id": author.id, "tags": [tag.id, 999999]}
    )
    assert r.status_code == 422, r
    assert [(e["loc"], e["msg"]) for e in r.json()["detail"]] == [
        (["body", "payload", "tags"], 'Invalid pk "999999" - object does not exist.')
    ]
    assert Book.objects.count() == 0  # the INSERT was rolled back with the failed M2M rows
    r = client.post("/api/books/", {"title": "Whole", "author_id": author.id, "tags": [tag.id]})
    assert r.status_code == 201
    assert [t["name"] for t in r.json()["tags"]] == ["ok"]


@pytest.mark.django_db(transaction=True)
def test_m2m_update_is_atomic(client):
    author = Author.objects.create(name="A")
    tag = Tag.objects.create(name="ok")
    book = Book.objects.create(title="Keep", author=author)
    book.tags.add(tag)
    r = client.patch(f"/api/books/{book.id}/", {"title": "Changed", "tags": [999999]})
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["body", "payload", "tags"]
    book.refresh_from_db()
    assert book.title == "Keep" and list(book.tags.all()) == [tag]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("where", ["author_id", "tags"])
def test_value_out_of_range_is_422_and_nothing_is_written(client, where):
    """Regression (found by `make fuzz`): an integer past 64 bits was a 500 (SQLite's
    OverflowError, PostgreSQL's DataError)."""
    author = Author.objects.create(name="A")
    huge = 10**20
    body = {"title": "Big", "author_id": huge if where == "author_id" else author.id}
    body["tags"] = [huge] if where == "tags" else []
    r = client.post("/api/books/", body)
    assert r.status_code == 422, r
    assert r.json() == {
        "detail": [
            {
                "type": "out_of_range",
                "loc": [],
                "msg": "A value is out of range for the database (too large or too long).",
            }
        ]
    }
    assert Book.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_overridden_hook_runs_in_one_transaction(client):
    Tag.objects.create(name="taken")
    r = client.post("/api/twostep/", {"name": "taken"})
    assert r.status_code == 409
    assert not Tag.objects.filter(name="taken-draft").exists()
    assert client.post("/api/twostep/", {"name": "fresh"}).status_code == 201
    assert Tag.objects.filter(name__in=["fresh", "fresh-draft"]).count() == 2


def test_database_outage_is_503_with_retry_after(client, db):
    r = client.get("/api/flaky/")
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "5"
    assert r.json()["detail"] == "The database is unavailable; try again later."
    assert "refused" not in r.content.decode()


@pytest.mark.parametrize(
    ("message", "detail", "code"),
    [
        ("UNIQUE constraint failed: library_book.isbn", "same isbn already exists", "unique"),
        (
            'duplicate key value violates unique constraint "x"\nDETAIL:  Key (isbn)=(9) '
            "already exists.",
            "same isbn already exists",
            "unique",
        ),
        ("FOREIGN KEY constraint failed", "related object does not exist", "foreign_key"),
        ('new row violates check constraint "stars_range"', "check constraint", "check"),
        ("NOT NULL constraint failed: t.x", "required value is missing", "not_null"),
        ("something else", "conflicts with the current state", "conflict"),
    ],
)
def test_conflict_messages(message, detail, code):
    conflict = conflict_from(Exception(message))
    assert detail in conflict.detail and conflict.code == code
