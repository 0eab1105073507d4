"""ninja_viewsets._filtering: what every filter backend shares, over HTTP: DRF's
``BaseFilterBackend`` contract (a backend's query parameters typed in the operation, a DRF
backend refused at ``register()``), the checks of a query value, and which backends narrow a
detail lookup."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import path
from ninja import NinjaAPI

from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet
from ninja_viewsets._filtering import (
    BaseFilterBackend,
    acts_on_detail,
    check_value_length,
    normalize_ordering,
    ordering_choices,
)
from ninja_viewsets.filters import OrderingFilter, SearchFilter
from tests.testapp.models import Author, Book
from tests.testapp.schemas import AuthorOut


class NameStartsWith(BaseFilterBackend):
    """DRF style: the parameters declared for the schema, read off the request."""

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "name.starts", "in": "query", "description": "A prefix of the name."},
            {"name": "X-Ignored", "in": "header"},
        ]

    def filter_queryset(self, request, queryset, view):
        prefix = request.GET.get("name.starts")
        if prefix:
            check_value_length("name.starts", [prefix], limit=10)
            queryset = queryset.filter(name__startswith=prefix)
        return queryset


class Required(BaseFilterBackend):
    def get_schema_operation_parameters(self, view):
        return [{"name": "tenant", "in": "query", "required": True}]

    async def filter_queryset(self, request, queryset, view):
        return queryset.exclude(name="hidden")


class Authors(ReadOnlyModelViewSet):
    queryset = Author.objects.order_by("pk")
    output_schema = AuthorOut
    filter_backends = [NameStartsWith, Required]


router = DefaultRouter()
router.register("authors", Authors, basename="authors")
api = NinjaAPI(urls_namespace="filtering")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def authors(db):
    return {n: Author.objects.create(name=n) for n in ("Le Guin", "Lem", "Herbert", "hidden")}


def test_a_backends_declared_parameters_are_typed_and_served(client, authors):
    r = client.get("/api/authors/?tenant=t&name.starts=Le")
    assert r.status_code == 200, r
    assert [a["name"] for a in r.json()] == ["Le Guin", "Lem"]
    r = client.get("/api/authors/")  # the required one is missing
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["query", "tenant"]


def test_openapi_lists_them_with_their_query_names():
    operation = api.get_openapi_schema(path_prefix="")["paths"]["/authors/"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert set(params) == {"name.starts", "tenant"}  # not the header
    assert params["tenant"]["required"] is True
    assert params["name.starts"].get("required", False) is False
    assert params["name.starts"]["description"] == "A prefix of the name."


def test_a_query_value_too_long_or_with_nul_is_a_422_at_its_parameter(client, authors):
    r = client.get("/api/authors/?tenant=t&name.starts=" + "L" * 11)
    assert r.status_code == 422, r
    assert r.json()["detail"] == [
        {
            "type": "value_error",
            "loc": ["query", "name.starts"],
            "msg": "Ensure this value has at most 10 characters.",
            "input": "L" * 10 + "...",
        }
    ]
    r = client.get("/api/authors/?tenant=t&name.starts=L%00")
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["msg"] == "Null characters are not allowed."


def test_a_backend_of_yours_narrows_detail_lookups_the_built_in_ones_do_not(client, authors):
    assert client.get(f"/api/authors/{authors['hidden'].pk}/?tenant=t").status_code == 404
    assert client.get(f"/api/authors/{authors['Lem'].pk}/?tenant=t").status_code == 200
    assert acts_on_detail(NameStartsWith) and acts_on_detail(Required)
    assert not acts_on_detail(SearchFilter) and not acts_on_detail(OrderingFilter)

    class Mine(SearchFilter):
        def filter_queryset(self, request, queryset, view):
            return super().filter_queryset(request, queryset, view)

    assert acts_on_detail(Mine)  # an override acts everywhere, as in DRF


def test_a_drf_backend_is_refused_at_register_with_ours_named():
    drf_search = type("SearchFilter", (), {"filter_queryset": lambda *a: None})
    drf_search.__module__ = "rest_framework.filters"

    class WithDrf(Authors):
        filter_backends = [drf_search]

    with pytest.raises(
        ImproperlyConfigured,
        match=r"WithDrf\.filter_backends holds rest_framework\.filters\.SearchFilter, a DRF "
        r"backend; use ninja_viewsets\.filters\.SearchFilter instead",
    ):
        DefaultRouter().register("drf", WithDrf, basename="drf")


def test_ordering_settings_as_drf_reads_them():
    assert normalize_ordering("title") == ("title",)
    assert normalize_ordering(["-year", "title"]) == ("-year", "title")
    assert normalize_ordering(None) is None
    assert ordering_choices(Book, "__all__") == [f.name for f in Book._meta.concrete_fields]
    assert ordering_choices(Book, [("year", "Year"), "title"]) == ["year", "title"]
    assert ordering_choices(Book, "title") == ["title"]
