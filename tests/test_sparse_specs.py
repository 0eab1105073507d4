"""ninja_viewsets._sparse_specs: ``?fields=`` / ``?omit=`` / ``?expand=`` on the operations
that read the viewset's output schema, decided at ``register()``: their OpenAPI parameters
and response, the operations they leave alone, and the names they refuse to share."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, action
from ninja_viewsets._sparse_specs import with_sparse_fields
from tests.testapp.models import Author, Book
from tests.testapp.schemas import AuthorOut


class BookOut(Schema):
    id: int
    title: str
    author: AuthorOut


class BookIn(Schema):
    title: str
    author_id: int


class Books(ModelViewSet):
    queryset = Book.objects.order_by("pk")
    output_schema = BookOut
    input_schema = BookIn
    sparse_fields = True

    @action(detail=True)
    async def again(self, request, pk: int) -> BookOut:
        return await self.get_object()

    @action(detail=False)
    async def count(self, request) -> dict[str, int]:
        return {"count": await self.get_queryset().acount()}


class Plain(ModelViewSet):
    queryset = Book.objects.order_by("pk")
    output_schema = BookOut
    input_schema = BookIn


router = DefaultRouter()
router.register("books", Books, basename="books")
router.register("plain", Plain, basename="plain")
api = NinjaAPI(urls_namespace="sparse-specs")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


def query_names(operation: dict) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


@pytest.fixture(scope="module")
def paths() -> dict:
    return api.get_openapi_schema(path_prefix="")["paths"]


def test_the_reading_operations_document_fields_and_omit(paths):
    for url in ("/books/", "/books/{pk}/", "/books/{pk}/again/"):
        assert {"fields", "omit"} <= query_names(paths[url]["get"]), url
    fields = next(p for p in paths["/books/{pk}/"]["get"]["parameters"] if p["name"] == "fields")
    assert fields["schema"]["items"]["enum"] == [
        "id",
        "title",
        "author",
        "author.id",
        "author.name",
    ]


def test_writes_other_schemas_and_viewsets_that_do_not_opt_in_are_left_alone(paths):
    assert "fields" not in query_names(paths["/books/"]["post"])
    assert "fields" not in query_names(paths["/books/{pk}/"]["patch"])
    assert "fields" not in query_names(paths["/books/count/"]["get"])
    assert "fields" not in query_names(paths["/plain/{pk}/"]["get"])


def test_the_documented_response_lets_every_field_be_left_out(paths):
    """A client may leave any field out: the documented schema requires none of them."""
    ref = paths["/books/{pk}/"]["get"]["responses"][200]["content"]["application/json"]
    name = ref["schema"]["$ref"].rsplit("/", 1)[-1]
    component = api.get_openapi_schema(path_prefix="")["components"]["schemas"][name]
    assert set(component["properties"]) == {"id", "title", "author"}
    assert not component.get("required")
    plain = paths["/plain/{pk}/"]["get"]["responses"][200]["content"]["application/json"]
    assert plain["schema"]["$ref"].endswith("/BookOut")


def test_the_chosen_fields_are_answered_over_http(client, db):
    book = Book.objects.create(title="Dune", author=Author.objects.create(name="Herbert"))
    r = client.get(f"/api/books/{book.pk}/?fields=title,author.name")
    assert r.status_code == 200, r
    assert r.json() == {"title": "Dune", "author": {"name": "Herbert"}}
    r = client.get(f"/api/books/{book.pk}/again/?omit=author")
    assert r.json() == {"id": book.pk, "title": "Dune"}


def test_a_parameter_named_like_a_sparse_one_is_refused_at_register():
    class Clashing(Books):
        @action(detail=True)
        async def search(self, request, pk: int, fields: str = "") -> BookOut:
            return await self.get_object()

    with pytest.raises(
        ImproperlyConfigured,
        match=r"Clashing.search: the query parameter\(s\) "
        r"\['fields'\] of sparse fields / expansion are taken",
    ):
        DefaultRouter().register("clashing", Clashing, basename="clashing")


def test_a_spec_that_reads_no_item_schema_is_returned_as_it_is():
    from ninja_viewsets._signature import build_spec

    view = Books(action="count")
    spec = build_spec(Books, "count", {}, {}, {}, probe=view)
    assert with_sparse_fields(spec, view, Books.count) is spec
