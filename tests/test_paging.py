"""ninja_viewsets._paging: what the paginators share, over HTTP: ``Input`` built from the
class attributes (for each subclass; a hand-written one kept), an empty value read as left
out, and a page number or a "last" string in one clear 422."""

from __future__ import annotations

import pytest
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet
from ninja_viewsets._paging import InvalidPage
from ninja_viewsets.pagination import PageNumberPagination
from tests.testapp.models import Author
from tests.testapp.schemas import AuthorOut


class Small(PageNumberPagination):
    page_size = 2
    page_query_param = "p"
    page_size_query_param = "size"
    max_page_size = 3
    last_page_strings = ("end", "last")


class Fixed(Small):
    page_size_query_param = None  # clients cannot choose the size


class HandWritten(PageNumberPagination):
    page_size = 2

    class Input(Schema):
        page: int = 1


class Authors(ReadOnlyModelViewSet):
    queryset = Author.objects.order_by("pk")
    output_schema = AuthorOut
    pagination_class = Small


class FixedAuthors(Authors):
    pagination_class = Fixed


router = DefaultRouter()
router.register("authors", Authors, basename="authors")
router.register("fixed", FixedAuthors, basename="fixed")
api = NinjaAPI(urls_namespace="paging")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def authors(db):
    return [Author.objects.create(name=f"a{i}") for i in range(5)]


def names(r) -> list[str]:
    assert r.status_code == 200, r
    return [a["name"] for a in r.json()["items"]]


def test_input_follows_the_class_attributes_of_each_subclass():
    assert set(Small.Input.model_fields) == {"page", "page_size"}
    assert Small.Input.model_fields["page"].alias == "p"
    assert Small.Input.model_fields["page_size"].alias == "size"
    assert set(Fixed.Input.model_fields) == {"page"}
    assert set(HandWritten.Input.model_fields) == {"page"}  # the user's own, kept
    assert HandWritten.Input.__qualname__ == "HandWritten.Input"


def test_the_configured_names_and_sizes_are_served(client, authors):
    assert names(client.get("/api/authors/")) == ["a0", "a1"]
    assert names(client.get("/api/authors/?p=2")) == ["a2", "a3"]
    assert names(client.get("/api/authors/?p=2&size=3")) == ["a3", "a4"]
    assert names(client.get("/api/authors/?size=50")) == ["a0", "a1", "a2"]  # max_page_size
    assert names(client.get("/api/fixed/?size=3")) == ["a0", "a1"]  # not a parameter there


def test_an_empty_value_is_the_parameter_left_out(client, authors):
    assert names(client.get("/api/authors/?p=&size=")) == ["a0", "a1"]


@pytest.mark.parametrize("last", ["end", "last"])
def test_each_last_page_string_is_the_last_page(client, authors, last):
    assert names(client.get(f"/api/authors/?p={last}")) == ["a4"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("zero", "Input should be a valid integer or 'end' or 'last'"),
        ("0", "Input should be greater than or equal to 1"),
        ("-3", "Input should be greater than or equal to 1"),
    ],
)
def test_a_bad_page_is_one_clear_422(client, authors, value, message):
    r = client.get(f"/api/authors/?p={value}")
    assert r.status_code == 422, r
    (error,) = r.json()["detail"]
    assert error["msg"] == message
    assert error["loc"][-1] == "p"


def test_openapi_documents_the_page_and_its_strings():
    paths = api.get_openapi_schema(path_prefix="")["paths"]
    params = {p["name"]: p for p in paths["/authors/"]["get"]["parameters"]}
    assert set(params) == {"p", "size"}
    page = params["p"]["schema"]
    assert {"type": "string", "enum": ["end", "last"]} in page["anyOf"]


def test_invalid_page_is_drfs_400():
    exc = InvalidPage()
    assert (exc.status_code, exc.detail, exc.default_code) == (400, "Invalid page.", "invalid_page")
