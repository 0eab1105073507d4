"""Sparse fields over output schemas with field validators, serializers, resolvers and computed
fields: each is kept with its field, the SQL still follows the choice."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import path
from ninja import NinjaAPI, Schema
from pydantic import computed_field, field_serializer, field_validator, model_validator

from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet
from ninja_viewsets.renderers import CSVRenderer, JSONRenderer
from tests.test_sparse import book_sql, columns, run
from tests.testapp.models import Author, Book


class LoudAuthor(Schema):
    id: int
    name: str

    @field_validator("name")
    @classmethod
    def loud(cls, value: str) -> str:
        return value.upper()


class BookOut(Schema):
    id: int
    title: str
    year: int
    author: LoudAuthor  # a nested schema with a validator: its fields can be chosen too
    label: str

    @field_validator("title", "year", mode="before")
    @classmethod
    def checked(cls, value: object) -> object:
        assert value is not None
        return value

    @field_validator("title")
    @classmethod
    def titled(cls, value: str) -> str:
        return value.title()

    @field_serializer("year")
    def year_text(self, year: int) -> str:
        return f"AD {year}"

    @staticmethod
    def resolve_label(obj: Book) -> str:
        return f"#{obj.pk}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def headline(self) -> str:
        return f"{self.title} ({self.year})"


class Books(ReadOnlyModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookOut
    sparse_fields = True
    renderer_classes = [JSONRenderer, CSVRenderer]


class PlainOut(Schema):  # no validator: the one-pass renderer's direct path would take it
    id: int
    title: str
    year: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def old(self) -> bool:
        return self.year < 1970


class PlainBooks(ReadOnlyModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = PlainOut
    sparse_fields = True


router = DefaultRouter()
router.register("books", Books)
router.register("plain", PlainBooks, basename="plain")
api = NinjaAPI(urls_namespace="sparse-schemas")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)

BOOK = ("testapp_book", "id"), ("testapp_book", "title")


@pytest.fixture
def book(db: None) -> Book:
    return Book.objects.create(title="dune", year=1965, author=Author.objects.create(name="Frank"))


def test_the_full_representation_runs_every_decorator(client, book):
    r = client.get(f"/api/books/{book.id}/")
    assert r.status_code == 200, r
    assert r.json() == {
        "id": book.id,
        "title": "Dune",
        "year": "AD 1965",
        "author": {"id": book.author_id, "name": "FRANK"},
        "label": f"#{book.id}",
        "headline": "Dune (1965)",
    }


def test_a_field_validator_is_kept_with_its_field_and_the_columns_follow(client, book):
    r, queries = run(client, "/api/books/?fields=id,title")
    assert r.json() == [{"id": book.id, "title": "Dune"}]  # validated: title-cased
    assert columns(book_sql(queries)) == set(BOOK)
    r, queries = run(client, "/api/books/?fields=id,year")
    assert r.json() == [{"id": book.id, "year": "AD 1965"}]  # serialized; no title to check
    assert ("testapp_book", "title") not in columns(book_sql(queries))


def test_a_nested_schemas_validator_is_kept(client, book):
    r, queries = run(client, "/api/books/?fields=author.name")
    assert r.json() == [{"author": {"name": "FRANK"}}]
    assert ("testapp_book", "year") not in columns(book_sql(queries))


def test_a_computed_field_is_sent_only_when_chosen_and_reads_what_it_needs(client, book):
    r, queries = run(client, "/api/books/?fields=id,headline")
    assert r.json() == [{"id": book.id, "headline": "Dune (1965)"}]
    # it may read any field: they are loaded and validated, not sent
    assert {("testapp_book", "title"), ("testapp_book", "year")} <= columns(book_sql(queries))
    r, queries = run(client, "/api/books/?fields=id,title")
    assert "headline" not in r.json()[0]
    r = client.get("/api/books/?omit=headline,label,author")
    assert r.json() == [{"id": book.id, "title": "Dune", "year": "AD 1965"}]


def test_a_computed_field_of_a_plain_schema_is_rendered_with_the_fields_it_reads(client, book):
    r, queries = run(client, "/api/plain/?fields=old")
    assert r.json() == [{"old": True}]
    assert ("testapp_book", "year") in columns(book_sql(queries))
    r, queries = run(client, "/api/plain/?fields=id")
    assert r.json() == [{"id": book.id}]
    assert columns(book_sql(queries)) == {("testapp_book", "id")}


def test_a_resolver_is_kept_with_its_field(client, book):
    r = client.get("/api/books/?fields=label")
    assert r.json() == [{"label": f"#{book.id}"}]


def test_csv_has_the_computed_column_and_not_the_hidden_ones(client, book):
    r = client.get("/api/books/?format=csv&fields=id,headline")
    assert r.status_code == 200, r
    assert r.content.decode().splitlines() == ["id,headline", f"{book.id},Dune (1965)"]


def test_openapi_offers_and_documents_the_computed_field(client, db):
    document = client.get("/api/openapi.json").json()
    params = {p["name"]: p for p in document["paths"]["/api/books/"]["get"]["parameters"]}
    assert "headline" in params["fields"]["schema"]["items"]["enum"]
    assert "headline" in document["components"]["schemas"]["BookOutSparse"]["properties"]


def test_a_model_validator_is_refused_naming_the_fix():
    class Checked(Schema):
        id: int
        title: str

        @model_validator(mode="after")
        def consistent(self) -> Checked:
            return self

    class CheckedBooks(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = Checked
        sparse_fields = True

    with pytest.raises(ImproperlyConfigured) as caught:
        DefaultRouter().register("x", CheckedBooks, basename="x")
    message = str(caught.value)
    assert "CheckedBooks" in message and "@model_validator 'consistent'" in message
    assert "@field_validator" in message and "get_sparse_fields()" in message
