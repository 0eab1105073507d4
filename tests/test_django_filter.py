"""ninja_viewsets._django_filter: ``DjangoFilterBackend``, a django-filter ``FilterSet`` as
typed query parameters, over HTTP: ``filterset_fields`` and ``filterset_class``, ranges named
as the client sends them, an invalid value as a 422 at its parameter, the types in OpenAPI."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import path
from ninja import NinjaAPI, Schema

django_filters = pytest.importorskip("django_filters", reason="the `filter` extra")

from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet  # noqa: E402
from ninja_viewsets._django_filter import DjangoFilterBackend  # noqa: E402
from tests.testapp.models import Author, Book  # noqa: E402


class BookOut(Schema):
    id: int
    title: str


class BookFilter(django_filters.FilterSet):
    year = django_filters.RangeFilter()
    author = django_filters.ModelChoiceFilter(queryset=Author.objects.all())
    title = django_filters.CharFilter(lookup_expr="icontains", label="Part of the title.")

    class Meta:
        model = Book
        fields = ["year", "author", "title"]


class Books(ReadOnlyModelViewSet):
    queryset = Book.objects.order_by("year")
    output_schema = BookOut
    filter_backends = [DjangoFilterBackend]
    filterset_class = BookFilter


class ByFields(Books):
    filterset_class = None
    filterset_fields = ["year"]


router = DefaultRouter()
router.register("books", Books, basename="books")
router.register("by-fields", ByFields, basename="by-fields")
api = NinjaAPI(urls_namespace="django-filter")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def books(db):
    guin, herbert = Author.objects.create(name="Le Guin"), Author.objects.create(name="Herbert")
    Book.objects.create(title="Dune", year=1965, author=herbert)
    Book.objects.create(title="The Dispossessed", year=1974, author=guin)
    Book.objects.create(title="Earthsea", year=1968, author=guin)
    return guin, herbert


def titles(r) -> list[str]:
    assert r.status_code == 200, r
    return [b["title"] for b in r.json()]


def test_a_filterset_class_filters_the_list(client, books):
    guin, _ = books
    assert titles(client.get("/api/books/?year_min=1966")) == ["Earthsea", "The Dispossessed"]
    assert titles(client.get("/api/books/?year_min=1966&year_max=1970")) == ["Earthsea"]
    assert titles(client.get(f"/api/books/?author={guin.pk}&title=the")) == ["The Dispossessed"]
    assert len(titles(client.get("/api/books/"))) == 3


def test_filterset_fields_build_one(client, books):
    assert titles(client.get("/api/by-fields/?year=1965")) == ["Dune"]


def test_an_invalid_value_is_a_422_at_the_parameter_sent(client, books):
    r = client.get("/api/books/?author=424242")
    assert r.status_code == 422, r
    (error,) = r.json()["detail"]
    assert error["loc"] == ["query", "author"]
    assert error["input"] == "424242"
    r = client.get("/api/books/?year_max=soon")
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["query", "year_max"]


def test_detail_lookups_are_not_filtered(client, books):
    book = Book.objects.get(title="Dune")
    assert client.get(f"/api/books/{book.pk}/?year_min=2000").status_code == 200


def test_openapi_types_each_parameter():
    operation = api.get_openapi_schema(path_prefix="")["paths"]["/books/"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert set(params) == {"year_min", "year_max", "author", "title"}
    assert params["year_min"]["schema"]["type"] == "number"
    assert params["author"]["schema"]["type"] == "integer"
    assert params["title"]["description"] == "Part of the title."


def test_a_filterset_of_another_model_is_refused_at_register():
    class Wrong(Books):
        queryset = Author.objects.all()

    with pytest.raises(
        ImproperlyConfigured,
        match=r"Wrong\.filterset_class BookFilter is for Book, but the queryset's model is Author",
    ):
        DefaultRouter().register("wrong", Wrong, basename="wrong")
