"""CSV columns are the keys the rows are written with: derived schemas and aliased fields."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import path
from ninja import Field, NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet
from ninja_viewsets.renderers import CSVRenderer, JSONLinesRenderer, JSONRenderer
from tests.conftest import Client
from tests.testapp.models import Author, Book, Tag


class Derived(ModelViewSet):
    """No schema: the derived output reads the foreign key from ``author_id``."""

    queryset = Book.objects.order_by("id")
    renderer_classes = [JSONRenderer, CSVRenderer, JSONLinesRenderer]


class DerivedSparse(Derived):
    sparse_fields = True


class AliasedOut(Schema):
    id: int
    author_name: str = Field(alias="author.name")  # Ninja's idiom for a related column


class Aliased(ModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = AliasedOut
    renderer_classes = [JSONRenderer, CSVRenderer]


router = DefaultRouter()
router.register("derived", Derived, basename="derived")
router.register("derived-sparse", DerivedSparse, basename="derived-sparse")
router.register("aliased", Aliased, basename="aliased")
api = NinjaAPI(urls_namespace="test_formats")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


@pytest.fixture
def book(db: None) -> Book:
    book = Book.objects.create(title="Dune", year=1965, author=Author.objects.create(name="Ann"))
    book.tags.add(Tag.objects.create(name="red"))
    return book


def table(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode())))


@pytest.mark.parametrize("prefix", ["derived", "derived-sparse"])
def test_a_derived_foreign_key_is_a_filled_column_named_as_in_json(
    client: Client, book: Book, prefix: str
) -> None:
    as_json = client.get(f"/api/{prefix}/").json()[0]
    assert as_json["author"] == book.author_id
    for url in (f"/api/{prefix}/?format=csv", f"/api/{prefix}/{book.pk}/?format=csv"):
        response = client.get(url)
        assert response.status_code == 200, response
        [row] = table(response.content)
        assert list(row) == list(as_json)  # the same names as the JSON, in the same order
        assert row["author"] == str(book.author_id)
        assert row["tags"] == f"[{book.tags.get().pk}]"


def test_sparse_csv_columns_follow_fields_by_their_json_names(client: Client, book: Book) -> None:
    response = client.get("/api/derived-sparse/?format=csv&fields=id,author")
    assert response.status_code == 200, response
    assert table(response.content) == [{"id": str(book.pk), "author": str(book.author_id)}]


def test_an_aliased_field_is_its_json_key_with_its_value(client: Client, book: Book) -> None:
    assert client.get("/api/aliased/").json() == [{"id": book.pk, "author_name": "Ann"}]
    response = client.get("/api/aliased/?format=csv")
    assert table(response.content) == [{"id": str(book.pk), "author_name": "Ann"}]


def test_json_lines_and_csv_agree(client: Client, book: Book) -> None:
    line = json.loads(client.get("/api/derived/?format=jsonl").content.decode().splitlines()[0])
    [row] = table(client.get("/api/derived/?format=csv").content)
    assert list(row) == list(line)
