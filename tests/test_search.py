"""ninja_viewsets._search: ``SearchFilter``, over HTTP: DRF's term splitting and prefixes,
each term matching some field, a many relation searched without repeated rows, the bounds
on terms, and the search fields checked at ``register()``."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet
from ninja_viewsets._search import SearchFilter, search_smart_split
from tests.testapp.models import Author, Book, Tag


class BookOut(Schema):
    id: int
    title: str


class Books(ReadOnlyModelViewSet):
    queryset = Book.objects.order_by("title")
    output_schema = BookOut
    filter_backends = [SearchFilter]
    search_fields = ["title", "=author__name", "tags__name"]


class Q(SearchFilter):
    search_param = "q"
    max_terms = 2
    max_term_length = 8


class StartsWith(Books):
    filter_backends = [Q]
    search_fields = ["^title", "$author__name"]


router = DefaultRouter()
router.register("books", Books, basename="books")
router.register("starts", StartsWith, basename="starts")
api = NinjaAPI(urls_namespace="search")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def books(db):
    guin, herbert = Author.objects.create(name="Le Guin"), Author.objects.create(name="Herbert")
    sf, classic = Tag.objects.create(name="sf"), Tag.objects.create(name="classic")
    made = {
        "The Dispossessed": (guin, [sf]),
        "A Wizard of Earthsea": (guin, [classic]),
        "Dune": (herbert, [sf, classic]),
    }
    for title, (author, tags) in made.items():
        Book.objects.create(title=title, author=author).tags.set(tags)


def titles(r) -> list[str]:
    assert r.status_code == 200, r
    return [b["title"] for b in r.json()]


@pytest.mark.parametrize(
    ("raw", "terms"),
    [
        ("dune frank", ["dune", "frank"]),
        ("dune,frank", ["dune", "frank"]),
        ('"le guin", sf', ["le guin", "sf"]),
        ("  ", []),
    ],
)
def test_terms_are_split_as_drf_splits_them(raw, terms):
    assert search_smart_split(raw) == terms


def test_every_term_must_match_some_field(client, books):
    assert titles(client.get("/api/books/?search=sf")) == ["Dune", "The Dispossessed"]
    assert titles(client.get("/api/books/?search=sf Le%20Guin")) == []  # '=': the exact name
    assert titles(client.get('/api/books/?search="le guin" sf')) == ["The Dispossessed"]
    assert titles(client.get("/api/books/?search=")) == [
        "A Wizard of Earthsea",
        "Dune",
        "The Dispossessed",
    ]


def test_a_many_relation_does_not_repeat_rows(client, books):
    assert titles(client.get("/api/books/?search=s")) == [
        "A Wizard of Earthsea",
        "Dune",
        "The Dispossessed",
    ]


def test_prefixes_and_a_renamed_parameter(client, books):
    assert titles(client.get("/api/starts/?q=the")) == ["The Dispossessed"]  # '^': starts
    assert titles(client.get("/api/starts/?q=^Her")) == ["Dune"]  # '$': a regex on the author
    assert client.get("/api/starts/?search=the").status_code == 200  # not its parameter
    r = client.get("/api/starts/?q=(")
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["msg"].startswith("Invalid regular expression:")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("a b c", "Ensure this value has at most 2 search terms."),
        ("abcdefghi", "Ensure each search term has at most 8 characters."),
        ("a%00", "Null characters are not allowed."),
    ],
)
def test_the_terms_are_bounded(client, books, query, message):
    r = client.get(f"/api/starts/?q={query}")
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["query", "q"]
    assert r.json()["detail"][0]["msg"] == message


def test_openapi_names_the_searched_fields():
    operation = api.get_openapi_schema(path_prefix="")["paths"]["/books/"]["get"]
    (param,) = [p for p in operation["parameters"] if p["name"] == "search"]
    assert param["description"] == "Search terms in: title, =author__name, tags__name."


def test_search_fields_are_checked_at_register():
    class Typo(Books):
        search_fields = ["titel"]

    with pytest.raises(
        ImproperlyConfigured, match=r"Typo\.search_fields: 'titel' is not a field path of Book"
    ):
        DefaultRouter().register("typo", Typo, basename="typo")

    class FullText(Books):
        search_fields = ["@title"]

    if connection.vendor != "postgresql":
        with pytest.raises(ImproperlyConfigured, match=r"full-text search \('@'\).*PostgreSQL"):
            DefaultRouter().register("full-text", FullText, basename="full-text")
