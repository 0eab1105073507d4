"""ninja_viewsets._related: the foreign key and many-to-many ids of a write's body, checked
before the write, over HTTP: a 422 at the field for an id that names no row (or one outside
``get_related_queryset()``), one query per relation field, and the found object reused by
the response."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet
from ninja_viewsets._related import missing_related
from tests.testapp.models import Author, Book, Tag
from tests.testapp.schemas import AuthorOut


class BookOut(Schema):
    id: int
    title: str
    author: AuthorOut


class BookIn(Schema):
    title: str
    author_id: int
    tags: list[int] = []


class Books(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn


class GuinOnly(Books):
    def get_related_queryset(self, field):
        queryset = super().get_related_queryset(field)
        return queryset.filter(name="Le Guin") if field.name == "author" else queryset


router = DefaultRouter()
router.register("books", Books, basename="books")
router.register("guin", GuinOnly, basename="guin")
api = NinjaAPI(urls_namespace="related")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def data(db):
    return (
        Author.objects.create(name="Le Guin"),
        Author.objects.create(name="Herbert"),
        Tag.objects.create(name="sf"),
    )


def errors(r) -> list[tuple[list, str]]:
    assert r.status_code == 422, r
    return [(e["loc"], e["msg"]) for e in r.json()["detail"]]


def test_an_id_that_names_no_row_is_a_422_at_its_field(client, data):
    _, _, sf = data
    r = client.post("/api/books/", {"title": "x", "author_id": 999, "tags": [sf.pk, 998]})
    assert errors(r) == [
        (["body", "payload", "author_id"], 'Invalid pk "999" - object does not exist.'),
        (["body", "payload", "tags"], 'Invalid pk "998" - object does not exist.'),
    ]
    assert not Book.objects.exists()


def test_an_id_outside_get_related_queryset_is_refused_too(client, data):
    guin, herbert, _ = data
    r = client.post("/api/guin/", {"title": "Dune", "author_id": herbert.pk})
    assert errors(r) == [
        (["body", "payload", "author_id"], f'Invalid pk "{herbert.pk}" - object does not exist.')
    ]
    assert client.post("/api/guin/", {"title": "Lathe", "author_id": guin.pk}).status_code == 201


def test_one_query_per_relation_and_the_found_author_is_answered(client, data):
    guin, _, sf = data
    with CaptureQueriesContext(connection) as queries:
        r = client.post("/api/books/", {"title": "Earthsea", "author_id": guin.pk, "tags": [sf.pk]})
    assert r.status_code == 201, r
    assert r.json()["author"] == {"id": guin.pk, "name": "Le Guin"}
    author_reads = [q for q in queries.captured_queries if 'FROM "testapp_author"' in q["sql"]]
    assert len(author_reads) == 1  # the check's, reused by the response
    tag_checks = [q for q in queries.captured_queries if 'FROM "testapp_tag" WHERE' in q["sql"]]
    assert len(tag_checks) == 1  # the ids checked in one query


@pytest.mark.django_db(transaction=True)
async def test_missing_related_names_every_id_that_names_no_row():
    author = await Author.objects.acreate(name="Le Guin")
    tag = await Tag.objects.acreate(name="sf")
    sent = BookIn(title="x", author_id=author.pk, tags=[tag.pk, 77])
    assert await missing_related(Book, sent) == [
        ("tags", "does_not_exist", 'Invalid pk "77" - object does not exist.')
    ]
    assert await missing_related(Book, BookIn(title="x", author_id=author.pk)) == []
