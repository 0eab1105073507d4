"""filter_schema, ordering and search on list and list-level actions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.urls import path
from ninja import FilterSchema, NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet, action
from ninja_viewsets.filters import search_smart_split
from ninja_viewsets.pagination import PageNumberPagination
from tests.testapp.models import Author, Book, Tag


class BookRow(Schema):
    id: int
    title: str
    year: int


class BookFilter(FilterSchema):
    year_min: int | None = None
    author: int | None = None

    def filter_year_min(self, value: int):
        from django.db.models import Q

        return Q(year__gte=value)

    def filter_author(self, value: int):
        from django.db.models import Q

        return Q(author_id=value)


class BookViewSet(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookRow
    filter_schema = BookFilter
    ordering_fields = ["year", "title"]
    ordering = ["title"]
    search_fields = ["title", "=author__name", "tags__name"]
    pagination_class = PageNumberPagination

    @action(detail=False, paginate=True)
    async def modern(self, request) -> list[BookRow]:
        return self.get_queryset().filter(year__gte=1950)


class AllFields(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookRow
    ordering_fields = "__all__"


router = DefaultRouter()
router.register("books", BookViewSet)
router.register("all", AllFields, basename="all")
api = NinjaAPI(urls_namespace="filters")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def data(db):
    herbert = Author.objects.create(name="Frank Herbert")
    asimov = Author.objects.create(name="Isaac Asimov")
    scifi = Tag.objects.create(name="scifi")
    dune = Book.objects.create(title="Dune", year=1965, author=herbert)
    dune.tags.add(scifi)
    Book.objects.create(title="Children of Dune", year=1976, author=herbert)
    found = Book.objects.create(title="Foundation", year=1951, author=asimov)
    found.tags.add(scifi)
    Book.objects.create(title="I, Robot", year=1950, author=asimov)
    Book.objects.create(title="Pebble in the Sky", year=1940, author=asimov)
    return herbert, asimov


def titles(r):
    assert r.status_code == 200, r
    return [b["title"] for b in r.json()["items"]]


def test_filter_schema_becomes_query_params(client, data):
    herbert, _ = data
    assert titles(client.get(f"/api/books/?author={herbert.id}")) == ["Children of Dune", "Dune"]
    assert titles(client.get("/api/books/?year_min=1960")) == ["Children of Dune", "Dune"]
    assert client.get("/api/books/?year_min=soon").status_code == 422


def test_ordering(client, data):
    r = client.get("/api/books/?ordering=-year,title")
    assert titles(r)[:2] == ["Children of Dune", "Dune"]
    assert titles(client.get("/api/books/"))[0] == "Children of Dune"  # default: title


@pytest.mark.parametrize("value", ["secret", "-password", "year,author__name", "year__gt"])
def test_unknown_ordering_field_is_422_and_never_reaches_the_orm(
    client, data, value, django_assert_num_queries
):
    with django_assert_num_queries(0):
        r = client.get(f"/api/books/?ordering={value}")
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["query", "ordering"]


def test_ordering_all_fields(client, data):
    r = client.get("/api/all/?ordering=-year")
    assert [b["year"] for b in r.json()][:2] == [1976, 1965]
    assert client.get("/api/all/?ordering=nope").status_code == 422


def test_search_terms_and_fields(client, data):
    assert titles(client.get("/api/books/?search=dune")) == ["Children of Dune", "Dune"]
    assert titles(client.get("/api/books/?search=dune children")) == ["Children of Dune"]
    assert titles(client.get("/api/books/?search=Isaac Asimov")) == []  # '=' is exact per term
    assert titles(client.get('/api/books/?search="Isaac Asimov"')) == [
        "Foundation",
        "I, Robot",
        "Pebble in the Sky",
    ]
    # across an M2M relation, without duplicates
    r = client.get("/api/books/?search=scifi")
    assert titles(r) == ["Dune", "Foundation"] and r.json()["count"] == 2


def test_search_terms_split_like_drf():
    assert search_smart_split('a b,c  "d e" ') == ["a", "b", "c", "d e"]


def test_filtering_before_pagination_and_two_queries(client, data, django_assert_num_queries):
    with django_assert_num_queries(2):
        r = client.get("/api/books/?year_min=1950&ordering=-year&page_size=2")
    assert r.json()["count"] == 4
    assert titles(r) == ["Children of Dune", "Dune"]


def test_list_level_action_is_filtered_searched_ordered(client, data):
    r = client.get("/api/books/modern/?search=dune&ordering=year")
    assert titles(r) == ["Dune", "Children of Dune"]


def test_detail_routes_are_not_filtered(client, data):
    pebble = Book.objects.get(title="Pebble in the Sky")
    assert client.get(f"/api/books/{pebble.id}/?year_min=1999").status_code == 200


def test_openapi_documents_the_query_parameters():
    schema = api.get_openapi_schema(path_prefix="/api")
    params = {p["name"]: p for p in schema["paths"]["/api/books/"]["get"]["parameters"]}
    assert {"year_min", "author", "search", "ordering", "page", "page_size"} <= set(params)
    assert params["year_min"]["schema"]["anyOf"][0]["type"] == "integer"
    assert "year, title" in params["ordering"]["description"]
    detail = schema["paths"]["/api/books/{pk}/"]["get"].get("parameters", [])
    assert {p["name"] for p in detail} == {"pk"}


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the non-PostgreSQL error")
def test_full_text_search_needs_postgresql():
    class FullText(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        search_fields = ["@title"]

    with pytest.raises(ImproperlyConfigured, match="PostgreSQL"):
        DefaultRouter().register("ft", FullText)
