"""ninja_viewsets._values: a write's values, from the validated schema to the model's fields,
over HTTP where request-facing: ``author`` and ``author_id`` both set the foreign key, only
the sent fields on PATCH, a hook's extra values, and strings the column cannot store refused
at their field before the write."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet
from ninja_viewsets._values import model_values
from tests.testapp.models import Author, Book


class BookOut(Schema):
    id: int
    title: str
    year: int
    author_id: int


class BookIn(Schema):
    title: str
    year: int = 2000
    author: int  # the foreign key by its name: the pk


class Books(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn


class Stamped(Books):
    async def perform_create(self, data):
        return await super().perform_create(data, year=1969)


router = DefaultRouter()
router.register("books", Books, basename="books")
router.register("stamped", Stamped, basename="stamped")
api = NinjaAPI(urls_namespace="values")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


class WithTags(Schema):
    title: str
    author_id: int
    tags: list[int]


class Unknown(Schema):
    colour: str


class Reverse(Schema):
    reviews: list[int]


def test_the_values_split_into_columns_and_many_to_many():
    data = WithTags(title="Dune", author_id=1, tags=[2, 3])
    assert model_values(Book, data) == ({"title": "Dune", "author_id": 1}, {"tags": [2, 3]})
    assert model_values(Book, BookIn(title="Dune", author=4)) == (
        {"title": "Dune", "year": 2000, "author_id": 4},
        {},
    )
    sent = BookIn.model_validate({"title": "Dune", "author": 4})
    assert model_values(Book, sent, partial=True) == ({"title": "Dune", "author_id": 4}, {})


def test_a_field_the_model_cannot_take_names_the_fix():
    with pytest.raises(ImproperlyConfigured, match=r"Unknown\.colour is not a field of Book"):
        model_values(Book, Unknown(colour="red"))


def test_a_reverse_relation_names_the_fix():
    with pytest.raises(ImproperlyConfigured, match=r"Reverse\.reviews maps to Book\.reviews"):
        model_values(Book, Reverse(reviews=[1]))


@pytest.fixture
def author(db):
    return Author.objects.create(name="Herbert")


def test_a_write_sets_the_foreign_key_by_its_name(client, author):
    r = client.post("/api/books/", {"title": "Dune", "author": author.pk})
    assert r.status_code == 201, r
    assert r.json()["author_id"] == author.pk
    pk = r.json()["id"]
    r = client.patch(f"/api/books/{pk}/", {"year": 1965})  # only what is sent
    assert r.json() == {"id": pk, "title": "Dune", "year": 1965, "author_id": author.pk}


def test_a_hooks_extra_values_win_over_the_body(client, author):
    r = client.post("/api/stamped/", {"title": "Dune", "year": 2020, "author": author.pk})
    assert r.status_code == 201, r
    assert r.json()["year"] == 1969


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("x" * 201, "Ensure this value has at most 200 characters."),
        ("nul\x00", "Null characters are not allowed."),
    ],
)
def test_a_string_the_column_cannot_store_is_refused_at_its_field(client, author, title, message):
    r = client.post("/api/books/", {"title": title, "author": author.pk})
    assert r.status_code == 422, r
    (error,) = r.json()["detail"]
    assert (error["loc"], error["msg"]) == (["body", "payload", "title"], message)
    assert not Book.objects.exists()
