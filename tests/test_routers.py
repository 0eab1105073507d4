"""SimpleRouter / DefaultRouter: routes, url names, ordering, 405/404, trailing slash, basenames,
typed lookups, the API root and the OpenAPI schema the router produces."""

import json
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import path, reverse
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer
from openapi_spec_validator import validate

from ninja_viewsets import (
    DefaultRouter,
    ModelViewSet,
    ReadOnlyModelViewSet,
    SimpleRouter,
    ViewSet,
    action,
)
from ninja_viewsets._operations import ViewSetOperation
from ninja_viewsets.pagination import CursorPagination
from tests.testapp.models import Author, Book, Document


class AuthorOut(Schema):
    id: int
    name: str


class TagOut(Schema):
    id: int
    name: str


class BookOut(Schema):
    id: int
    title: str
    year: int
    author: AuthorOut
    tags: list[TagOut]


class BookIn(Schema):
    title: str
    year: int = 2000
    author_id: int


class ReadOut(Schema):
    id: int
    read: bool


class DocumentOut(Schema):
    id: int
    uid: uuid.UUID
    slug: str


class BookViewSet(ModelViewSet):
    """Books of the catalogue."""

    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn

    @action(detail=False)
    async def recent(self, request) -> list[BookOut]:
        """The two newest books."""
        return self.get_queryset().order_by("-id")[:2]

    @action(detail=True, methods=["post"])
    async def mark_read(self, request, pk: int) -> ReadOut:
        return ReadOut(id=pk, read=True)


class ReadOnlyBookViewSet(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut


class ListOnlyViewSet(ViewSet):
    async def list(self, request) -> list[str]:
        return ["only"]


class RetrieveOnlyViewSet(ViewSet):
    async def retrieve(self, request, pk: int) -> dict[str, int]:
        return {"pk": pk}


class DocumentViewSet(ReadOnlyModelViewSet):
    queryset = Document.objects.all()
    output_schema = DocumentOut
    lookup_field = "uid"

    @action(detail=True)
    async def peek(self, request) -> dict[str, str]:
        document = await self.get_object()
        return {"slug": document.slug, "uid": str(self.kwargs["uid"])}


class DocumentSlugViewSet(ReadOnlyModelViewSet):
    queryset = Document.objects.all()
    output_schema = DocumentOut
    lookup_field = "slug"

    @action(detail=False)
    async def latest(self, request) -> dict[str, str]:
        return {"action": str(self.action)}


class RenamedLookupViewSet(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    lookup_url_kwarg = "book_id"


class PingBase(ViewSet):
    @action(detail=False)
    async def ping(self, request) -> dict[str, str]:
        return {"pong": str(self.basename)}


class PingChild(PingBase):
    async def list(self, request) -> list[str]:
        return []


class AlphaViewSet(ViewSet):
    async def list(self, request) -> list[str]:
        return ["alpha"]

    @action(detail=False)
    async def export(self, request) -> dict[str, str]:
        return {"from": "alpha"}


class BetaViewSet(ViewSet):
    async def list(self, request) -> list[str]:
        return ["beta"]

    @action(detail=False)
    async def export(self, request) -> dict[str, str]:
        return {"from": "beta"}


class UnionViewSet(ViewSet):
    @action(detail=False)
    async def author_first(self, request) -> AuthorOut | TagOut:
        return AuthorOut(id=1, name="Ann")

    @action(detail=False)
    async def tag_first(self, request) -> TagOut | AuthorOut:
        return TagOut(id=1, name="sci-fi")


class TokenViewSet(ViewSet):
    @action(detail=False, url_path="by-token/{uuid:token}")
    async def by_token(self, request, token: uuid.UUID) -> dict[str, str]:
        return {"token": str(token)}


router = DefaultRouter()
router.register("books", BookViewSet)
router.register("readonly-books", ReadOnlyBookViewSet, basename="readonly-book")
router.register("listonly", ListOnlyViewSet, basename="listonly")
router.register("retrieveonly", RetrieveOnlyViewSet, basename="retrieveonly")
router.register("documents", DocumentViewSet)
router.register("documents-by-slug", DocumentSlugViewSet, basename="document-slug")
router.register("renamed", RenamedLookupViewSet, basename="renamed")
router.register("children", PingChild, basename="child")
router.register("alpha", AlphaViewSet, basename="alpha")
router.register("beta", BetaViewSet, basename="beta")
router.register("tokens", TokenViewSet, basename="token")
router.register("unions", UnionViewSet, basename="union")
api = NinjaAPI(urls_namespace="routers")
api.add_router("/", router)

noslash_router = SimpleRouter(trailing_slash=False)
noslash_router.register("books", BookViewSet)
noslash_api = NinjaAPI(urls_namespace="routers-noslash")
noslash_api.add_router("/", noslash_router)

mixed_router = SimpleRouter()


@mixed_router.post("/things/", response=dict[str, str])
def make_thing(request):  # the user's own (sync) Ninja function on a viewset's URL
    return {"made": "by hand"}


mixed_router.register("things", ListOnlyViewSet, basename="thing")
mixed_api = NinjaAPI(urls_namespace="routers-mixed")
mixed_api.add_router("/", mixed_router)

urlpatterns = [
    path("api/", api.urls),
    path("noslash/", noslash_api.urls),
    path("mixed/", mixed_api.urls),
]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def book(db):
    author = Author.objects.create(name="Ann")
    return Book.objects.create(title="Dune", year=1965, author=author)


@pytest.fixture
def document(db):
    return Document.objects.create(slug="first")


def allow(response) -> set[str]:
    return {m.strip() for m in response.headers["Allow"].split(",")}


def openapi() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api")))


def operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (url, method, operation)
        for url, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def operation(schema: dict, url: str, method: str) -> dict:
    return schema["paths"][url][method]


# -- url names and reversing -------------------------------------------------------------------


def test_list_route_is_named_basename_list():
    assert reverse("routers:book-list") == "/api/books/"


def test_detail_route_is_named_basename_detail():
    assert reverse("routers:book-detail", kwargs={"pk": 7}) == "/api/books/7/"
    assert reverse("routers:book-detail", args=[7]) == "/api/books/7/"


def test_list_level_action_url_and_name():
    assert reverse("routers:book-recent") == "/api/books/recent/"


def test_detail_level_action_uses_url_path_and_dashed_url_name():
    assert reverse("routers:book-mark-read", kwargs={"pk": 3}) == "/api/books/3/mark_read/"


def test_explicit_basename_names_the_routes():
    assert reverse("routers:readonly-book-list") == "/api/readonly-books/"
    assert reverse("routers:readonly-book-detail", args=[1]) == "/api/readonly-books/1/"


# -- standard routes through HTTP ---------------------------------------------------------------


def test_list_get_and_post_reach_list_and_create(client, book):
    r = client.get("/api/books/")
    assert r.status_code == 200, r
    assert [b["title"] for b in r.json()] == ["Dune"]
    r = client.post("/api/books/", {"title": "Emma", "year": 1815, "author_id": book.author_id})
    assert r.status_code == 201, r
    assert r.json()["title"] == "Emma"
    assert Book.objects.filter(title="Emma").exists()


def test_detail_methods_reach_retrieve_update_partial_update_destroy(client, book):
    url = f"/api/books/{book.pk}/"
    r = client.get(url)
    assert r.status_code == 200, r
    assert r.json() == {
        "id": book.pk,
        "title": "Dune",
        "year": 1965,
        "author": {"id": book.author_id, "name": "Ann"},
        "tags": [],
    }
    r = client.put(url, {"title": "Dune II", "year": 1969, "author_id": book.author_id})
    assert r.status_code == 200, r
    assert (r.json()["title"], r.json()["year"]) == ("Dune II", 1969)
    r = client.patch(url, {"year": 1970})
    assert r.status_code == 200, r
    assert (r.json()["title"], r.json()["year"]) == ("Dune II", 1970)
    r = client.delete(url)
    assert r.status_code == 204, r
    assert r.content == b""
    assert not Book.objects.filter(pk=book.pk).exists()


def test_list_level_action_is_not_captured_by_retrieve(client, book):
    r = client.get("/api/books/recent/")
    assert r.status_code == 200, r
    assert [b["title"] for b in r.json()] == ["Dune"]


def test_list_level_action_wins_over_a_str_lookup(client, document):
    r = client.get("/api/documents-by-slug/latest/")
    assert r.status_code == 200, r
    assert r.json() == {"action": "latest"}


def test_detail_level_action(client, book):
    r = client.post(f"/api/books/{book.pk}/mark_read/")
    assert r.status_code == 200, r
    assert r.json() == {"id": book.pk, "read": True}


def test_unrouted_method_on_list_route_is_405_with_allow(client):
    r = client.post("/api/readonly-books/", {"title": "x"})
    assert r.status_code == 405, r
    assert r.json()["detail"] == 'Method "POST" not allowed.'
    assert allow(r) == {"GET", "HEAD", "OPTIONS"}


def test_unrouted_method_on_detail_route_is_405_with_allow(client, book):
    for method in ("put", "patch", "delete"):
        r = client.request(method, f"/api/readonly-books/{book.pk}/", json={})
        assert r.status_code == 405, (method, r)
        assert r.json()["detail"] == f'Method "{method.upper()}" not allowed.'
        assert allow(r) == {"GET", "HEAD", "OPTIONS"}


def test_unknown_http_method_is_405_json(client, book):
    for url in ("/api/books/", f"/api/books/{book.pk}/", "/api/books/recent/"):
        r = client.request("PROPFIND", url)
        assert r.status_code == 405, (url, r)
        assert r.json()["detail"] == 'Method "PROPFIND" not allowed.'
        assert "OPTIONS" in allow(r)


def test_one_ninja_operation_per_routed_method():
    """HEAD, OPTIONS and 405 are answered by the URL's view, not by extra operations."""
    routed = {
        (path, method)
        for path, view in router.path_operations.items()
        if path.startswith("/books/")
        for op in view.operations
        for method in op.methods
    }
    assert routed == {
        ("/books/", "GET"),
        ("/books/", "POST"),
        ("/books/recent/", "GET"),
        ("/books/{pk}/", "GET"),
        ("/books/{pk}/", "PUT"),
        ("/books/{pk}/", "PATCH"),
        ("/books/{pk}/", "DELETE"),
        ("/books/{pk}/mark_read/", "POST"),
    }


def test_operations_answering_one_schema_share_one_response_model():
    """Ninja builds a pydantic wrapper model per response of each operation (half of the
    registration time); the viewset operations answering one schema share one, even across
    routers."""
    ops = {op.methods[0]: op for op in router.path_operations["/books/{pk}/"].operations}
    create = next(
        op for op in router.path_operations["/books/"].operations if op.methods == ["POST"]
    )
    other = next(
        op
        for op in noslash_router.path_operations["/books/{pk}"].operations
        if op.methods == ["GET"]
    )
    wrappers = {ops[m].response_models[200] for m in ("GET", "PUT", "PATCH")}
    assert wrappers == {create.response_models[201]} == {other.response_models[200]}
    assert all(isinstance(op, ViewSetOperation) for op in ops.values())


def test_unions_in_another_order_keep_their_own_response_model():
    """``A | B == B | A`` for typing, but the order is what pydantic and ``anyOf`` follow."""
    schema = openapi()

    def any_of(url: str) -> list[str]:
        body = operation(schema, url, "get")["responses"]["200"]["content"]["application/json"]
        return [ref["$ref"].rsplit("/", 1)[1] for ref in body["schema"]["anyOf"]]

    assert any_of("/api/unions/author_first/") == ["AuthorOut", "TagOut"]
    assert any_of("/api/unions/tag_first/") == ["TagOut", "AuthorOut"]


def test_a_plain_ninja_function_on_a_viewset_url(client):
    """The user's own sync function shares the URL with the viewset: each answers its method,
    Ninja's operation class runs the function, and the 405 lists both."""
    assert client.get("/mixed/things/").json() == ["only"]
    r = client.post("/mixed/things/", json={})
    assert r.status_code == 200, r
    assert r.json() == {"made": "by hand"}
    (plain,) = [
        op for op in mixed_router.path_operations["/things/"].operations if op.methods == ["POST"]
    ]
    assert not isinstance(plain, ViewSetOperation)
    r = client.put("/mixed/things/", json={})
    assert r.status_code == 405, r
    assert allow(r) == {"GET", "HEAD", "POST", "OPTIONS"}


def test_unrouted_method_on_action_route_is_405(client, book):
    r = client.get(f"/api/books/{book.pk}/mark_read/")
    assert r.status_code == 405, r
    assert r.json()["detail"] == 'Method "GET" not allowed.'
    assert allow(r) == {"POST", "OPTIONS"}


def test_route_without_any_implemented_method_is_not_routed(client):
    assert client.get("/api/listonly/").json() == ["only"]
    r = client.get("/api/listonly/1/")
    assert r.status_code == 404, r


def test_viewset_without_list_has_no_list_route(client):
    assert client.get("/api/retrieveonly/5/").json() == {"pk": 5}
    assert client.get("/api/retrieveonly/").status_code == 404


def test_head_follows_get(client, book):
    get = client.get(f"/api/books/{book.pk}/")
    head = client.head(f"/api/books/{book.pk}/")
    assert head.status_code == 200, head
    assert head.content == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert get.headers["Content-Type"].startswith("application/json")
    assert head.headers["Content-Length"] == get.headers["Content-Length"]


def test_head_on_list_level_action(client, book):
    r = client.head("/api/books/recent/")
    assert r.status_code == 200, r
    assert r.headers["Content-Type"].startswith("application/json")


def test_options_answers_200_with_allow(client, book):
    r = client.options("/api/books/")
    assert r.status_code == 200, r
    assert allow(r) == {"GET", "HEAD", "POST", "OPTIONS"}
    r = client.options(f"/api/books/{book.pk}/")
    assert r.status_code == 200, r
    assert allow(r) == {"GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"}
    r = client.options("/api/readonly-books/")
    assert r.status_code == 200, r
    assert allow(r) == {"GET", "HEAD", "OPTIONS"}


def test_options_body_names_the_view(client):
    r = client.options("/api/books/")
    body = r.json()
    assert {k: body[k] for k in ("name", "description", "renders", "parses")} == {
        "name": "Book List",
        "description": "Books of the catalogue.",
        "renders": ["application/json"],
        "parses": ["application/json"],
    }
    assert set(body["actions"]) == {"POST"}  # DRF's metadata: the methods the user may call
    assert body["actions"]["POST"]["title"]["required"] is True
    r = client.options("/api/books/recent/")
    assert r.status_code == 200, r
    assert allow(r) == {"GET", "HEAD", "OPTIONS"}
    assert r.json()["name"] == "Recent"


def test_inherited_action_is_routed_on_subclass(client):
    assert reverse("routers:child-ping") == "/api/children/ping/"
    r = client.get("/api/children/ping/")
    assert r.status_code == 200, r
    assert r.json() == {"pong": "child"}


def test_same_method_names_on_two_viewsets_route_separately(client):
    assert client.get("/api/alpha/export/").json() == {"from": "alpha"}
    assert client.get("/api/beta/export/").json() == {"from": "beta"}
    assert reverse("routers:alpha-export") == "/api/alpha/export/"
    assert reverse("routers:beta-export") == "/api/beta/export/"


# -- trailing slash -----------------------------------------------------------------------------


def test_trailing_slash_false_drops_the_slash():
    assert reverse("routers-noslash:book-list") == "/noslash/books"
    assert reverse("routers-noslash:book-detail", args=[4]) == "/noslash/books/4"
    assert reverse("routers-noslash:book-recent") == "/noslash/books/recent"
    assert reverse("routers-noslash:book-mark-read", args=[4]) == "/noslash/books/4/mark_read"


def test_trailing_slash_false_serves_slashless_urls(client, book):
    r = client.get("/noslash/books")
    assert r.status_code == 200, r
    assert [b["id"] for b in r.json()] == [book.pk]
    r = client.get(f"/noslash/books/{book.pk}")
    assert r.status_code == 200, r
    assert r.json()["id"] == book.pk
    assert client.get("/noslash/books/recent").status_code == 200
    assert client.get(f"/noslash/books/{book.pk}/").status_code == 404


def test_simple_router_has_no_api_root(client):
    assert client.get("/noslash/").status_code == 404


# -- basename -----------------------------------------------------------------------------------


def test_default_basename_is_the_lowercased_model_name():
    assert SimpleRouter().get_default_basename(BookViewSet) == "book"
    assert SimpleRouter().get_default_basename(DocumentViewSet) == "document"


def test_register_without_queryset_or_basename_raises():
    with pytest.raises(ImproperlyConfigured, match="basename"):
        SimpleRouter().register("things", ListOnlyViewSet)


def test_register_same_basename_twice_raises():
    r = SimpleRouter()
    r.register("books", BookViewSet)
    with pytest.raises(ImproperlyConfigured, match='basename "book" is already registered'):
        r.register("other-books", ReadOnlyBookViewSet)


def test_register_explicit_duplicate_basename_raises():
    r = SimpleRouter()
    r.register("a", ListOnlyViewSet, basename="thing")
    with pytest.raises(ImproperlyConfigured, match="thing"):
        r.register("b", AlphaViewSet, basename="thing")


def test_same_viewset_under_two_basenames_is_fine():
    r = SimpleRouter()
    r.register("books", BookViewSet)
    r.register("more-books", BookViewSet, basename="more-book")
    assert [(reg.prefix, reg.basename) for reg in r.registry] == [
        ("books", "book"),
        ("more-books", "more-book"),
    ]


# -- lookups ------------------------------------------------------------------------------------


def test_malformed_int_lookup_is_422_without_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        r = client.get("/api/books/abc/")
    assert r.status_code == 422, r
    assert "detail" in r.json()


def test_malformed_int_lookup_on_detail_action_is_422(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        r = client.post("/api/books/abc/mark_read/")
    assert r.status_code == 422, r
    assert "detail" in r.json()


def test_missing_object_is_404(client, db):
    r = client.get("/api/books/999999/")
    assert r.status_code == 404, r
    assert r.json()["detail"] == "No Book matches the given query."


def test_uuid_lookup_field(client, document):
    r = client.get(f"/api/documents/{document.uid}/")
    assert r.status_code == 200, r
    assert r.json() == {"id": document.pk, "uid": str(document.uid), "slug": "first"}
    assert reverse("routers:document-detail", kwargs={"uid": document.uid}) == (
        f"/api/documents/{document.uid}/"
    )


def test_malformed_uuid_lookup_is_422_without_queries(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        r = client.get("/api/documents/not-a-uuid/")
    assert r.status_code == 422, r
    assert "detail" in r.json()


def test_detail_action_on_uuid_lookup(client, document, django_assert_num_queries):
    r = client.get(f"/api/documents/{document.uid}/peek/")
    assert r.status_code == 200, r
    assert r.json() == {"slug": "first", "uid": str(document.uid)}
    with django_assert_num_queries(0):
        r = client.get("/api/documents/123/peek/")
    assert r.status_code == 422, r
    assert "detail" in r.json()


def test_uuid_converter_in_an_action_url_path(client):
    """``{uuid:token}`` in ``url_path``: Ninja files the URL under its own key (``uuidstr``);
    the viewset's operations and its 405 land on that same URL."""
    token = uuid.uuid4()
    r = client.get(f"/api/tokens/by-token/{token}/")
    assert r.status_code == 200, r
    assert r.json() == {"token": str(token)}
    r = client.post(f"/api/tokens/by-token/{token}/", json={})
    assert r.status_code == 405, r
    assert allow(r) == {"GET", "HEAD", "OPTIONS"}
    assert client.get("/api/tokens/by-token/not-a-uuid/").status_code == 404


def test_slug_lookup_field(client, document):
    r = client.get("/api/documents-by-slug/first/")
    assert r.status_code == 200, r
    assert r.json()["uid"] == str(document.uid)
    assert client.get("/api/documents-by-slug/second/").status_code == 404


def test_lookup_url_kwarg_renames_the_path_parameter(client, book):
    assert reverse("routers:renamed-detail", kwargs={"book_id": book.pk}) == (
        f"/api/renamed/{book.pk}/"
    )
    r = client.get(f"/api/renamed/{book.pk}/")
    assert r.status_code == 200, r
    assert r.json()["id"] == book.pk
    assert client.get("/api/renamed/abc/").status_code == 422


def test_lookup_types_in_openapi():
    schema = openapi()

    def path_param(url: str) -> dict:
        (param,) = [p for p in operation(schema, url, "get")["parameters"] if p["in"] == "path"]
        return param

    pk = path_param("/api/books/{pk}/")
    assert (pk["name"], pk["required"], pk["schema"]["type"]) == ("pk", True, "integer")
    for url in ("/api/documents/{uid}/", "/api/documents/{uid}/peek/"):
        uid = path_param(url)
        assert uid["name"] == "uid"
        assert (uid["schema"]["type"], uid["schema"]["format"]) == ("string", "uuid")
    slug = path_param("/api/documents-by-slug/{slug}/")
    assert slug["name"] == "slug"
    assert slug["schema"]["type"] == "string"
    assert "format" not in slug["schema"]
    renamed = path_param("/api/renamed/{book_id}/")
    assert (renamed["name"], renamed["schema"]["type"]) == ("book_id", "integer")
    assert "/api/renamed/{pk}/" not in schema["paths"]


# -- DefaultRouter's API root -------------------------------------------------------------------


def test_api_root_lists_absolute_list_urls(client):
    r = client.get("/api/")
    assert r.status_code == 200, r
    assert r.json() == {
        "books": "http://testserver/api/books/",
        "readonly-books": "http://testserver/api/readonly-books/",
        "listonly": "http://testserver/api/listonly/",
        "documents": "http://testserver/api/documents/",
        "documents-by-slug": "http://testserver/api/documents-by-slug/",
        "renamed": "http://testserver/api/renamed/",
        "children": "http://testserver/api/children/",
        "alpha": "http://testserver/api/alpha/",
        "beta": "http://testserver/api/beta/",
    }
    assert "retrieveonly" not in r.json()


def test_api_root_is_named_api_root():
    assert reverse("routers:api-root") == "/api/"


# -- OpenAPI ------------------------------------------------------------------------------------


def test_openapi_schema_is_valid_openapi_3():
    validate(openapi())


def test_operation_ids_are_basename_underscore_action():
    schema = openapi()
    assert operation(schema, "/api/books/", "get")["operationId"] == "book_list"
    assert operation(schema, "/api/books/", "post")["operationId"] == "book_create"
    detail = "/api/books/{pk}/"
    assert operation(schema, detail, "get")["operationId"] == "book_retrieve"
    assert operation(schema, detail, "put")["operationId"] == "book_update"
    assert operation(schema, detail, "patch")["operationId"] == "book_partial_update"
    assert operation(schema, detail, "delete")["operationId"] == "book_destroy"
    assert operation(schema, "/api/books/recent/", "get")["operationId"] == "book_recent"
    mark_read = operation(schema, "/api/books/{pk}/mark_read/", "post")
    assert mark_read["operationId"] == "book_mark_read"


def test_operation_ids_are_unique_across_viewsets():
    schema = openapi()
    ids = [op["operationId"] for _, _, op in operations(schema)]
    assert len(ids) == len(set(ids))
    assert operation(schema, "/api/alpha/", "get")["operationId"] == "alpha_list"
    assert operation(schema, "/api/beta/", "get")["operationId"] == "beta_list"
    assert operation(schema, "/api/alpha/export/", "get")["operationId"] == "alpha_export"
    assert operation(schema, "/api/beta/export/", "get")["operationId"] == "beta_export"


def test_operation_ids_are_deterministic():
    first = [op["operationId"] for _, _, op in operations(openapi())]
    second = [op["operationId"] for _, _, op in operations(openapi())]
    assert first == second


def test_each_viewset_is_tagged_with_its_basename():
    schema = openapi()
    for url, method, op in operations(schema):
        if url.startswith("/api/books/"):
            assert op["tags"] == ["book"], (url, method)
        if url.startswith("/api/readonly-books/"):
            assert op["tags"] == ["readonly-book"], (url, method)
        if url.startswith("/api/children/"):
            assert op["tags"] == ["child"], (url, method)


def test_summary_comes_from_the_action_name():
    schema = openapi()
    # standard actions: from the model's verbose names (tests/test_schemas.py has them all)
    assert operation(schema, "/api/books/", "get")["summary"] == "List books"
    assert operation(schema, "/api/books/{pk}/", "patch")["summary"] == "Partially update a book"
    assert operation(schema, "/api/books/recent/", "get")["summary"] == "Recent"
    assert operation(schema, "/api/books/{pk}/mark_read/", "post")["summary"] == "Mark read"


def test_description_comes_from_the_docstring():
    schema = openapi()
    assert operation(schema, "/api/books/recent/", "get")["description"] == (
        "The two newest books."
    )
    assert "description" not in operation(schema, "/api/books/{pk}/mark_read/", "post")


def test_head_and_fallback_operations_are_not_in_the_schema():
    schema = openapi()
    methods = {method for _, method, _ in operations(schema)}
    assert methods <= {"get", "post", "put", "patch", "delete"}
    assert set(schema["paths"]["/api/readonly-books/"]) == {"get"}


def test_standard_schemas_in_openapi():
    schema = openapi()
    create = operation(schema, "/api/books/", "post")
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/BookIn"}
    created = create["responses"]["201"]["content"]["application/json"]["schema"]
    assert created == {"$ref": "#/components/schemas/BookOut"}
    listed = operation(schema, "/api/books/", "get")["responses"]["200"]["content"]
    assert listed["application/json"]["schema"]["items"] == {"$ref": "#/components/schemas/BookOut"}
    destroy = operation(schema, "/api/books/{pk}/", "delete")["responses"]
    assert list(destroy) == ["204", "422", "404", "409", "503"]
    assert "content" not in destroy["204"]


def test_error_responses_in_openapi_follow_the_policies():
    schema = openapi()
    listed = operation(schema, "/api/books/", "get")["responses"]
    assert set(listed) == {"200", "503"}  # AllowAny, no parameter, no body
    created = operation(schema, "/api/books/", "post")["responses"]
    assert {"400", "409", "413", "415", "422"} <= set(created)
    detail = created["409"]["content"]["application/json"]["schema"]
    assert detail["required"] == ["detail"]
    assert detail["properties"]["detail"] == {"type": "string"}
    invalid = created["422"]["content"]["application/json"]["schema"]
    assert invalid["properties"]["detail"]["type"] == "array"


class Bearer(HttpBearer):
    async def authenticate(self, request, token):
        return None


class OpenToAnonymous(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    auth = Bearer()
    authentication_required = False  # anonymous requests reach the permissions
    pagination_class = CursorPagination


class ClosedToAnonymous(OpenToAnonymous):
    authentication_required = True


def test_openapi_security_and_cursor_errors_follow_the_viewset():
    """Regression (found by `make fuzz`): optional credentials were documented as required,
    and a cursor-paginated list's 400 (invalid cursor) was undocumented."""
    r = SimpleRouter()
    r.register("open", OpenToAnonymous, basename="open")
    r.register("closed", ClosedToAnonymous, basename="closed")
    the_api = NinjaAPI(urls_namespace="routers_security")
    the_api.add_router("/", r)
    schema = json.loads(json.dumps(the_api.get_openapi_schema(path_prefix="/x/")))
    validate(schema)
    assert operation(schema, "/x/open/", "get")["security"] == [{"Bearer": []}, {}]
    assert operation(schema, "/x/open/{pk}/", "get")["security"] == [{"Bearer": []}, {}]
    assert operation(schema, "/x/closed/", "get")["security"] == [{"Bearer": []}]
    listed = operation(schema, "/x/open/", "get")["responses"]
    assert listed["400"]["description"] == "Invalid cursor"
    assert "400" not in operation(schema, "/x/open/{pk}/", "get")["responses"]


def test_schema_name_clash_in_one_router_raises_at_register():
    first = type("Out", (Schema,), {"__annotations__": {"a": int}, "__module__": __name__})
    second = type("Out", (Schema,), {"__annotations__": {"b": str}, "__module__": __name__})

    class One(ViewSet):
        async def list(self, request) -> list[first]:  # type: ignore[valid-type]
            return []

    class Two(ViewSet):
        async def list(self, request) -> list[second]:  # type: ignore[valid-type]
            return []

    r = SimpleRouter()
    r.register("one", One, basename="one")
    with pytest.raises(ImproperlyConfigured, match="Out"):
        r.register("two", Two, basename="two")


def test_same_schema_class_on_two_viewsets_is_fine():
    r = SimpleRouter()
    r.register("books", BookViewSet)
    r.register("readonly", ReadOnlyBookViewSet, basename="readonly")
    assert len(r.registry) == 2


def test_api_root_answers_other_methods_with_a_json_405(client):
    """Regression (found by the bad-input catalogue): the root's 405 was Django's HTML."""
    for method in ("POST", "DELETE", "PROPFIND"):
        r = client.request(method, "/api/")
        assert r.status_code == 405, (method, r)
        assert r.json()["detail"] == f'Method "{method}" not allowed.'
        assert allow(r) == {"GET", "HEAD", "OPTIONS"}
    assert client.head("/api/").status_code == 200
    assert client.options("/api/").json()["name"] == "Api Root"


def test_a_body_over_djangos_limit_is_a_json_413(client, db, settings):
    """Regression (found by the bad-input catalogue): Django's refusals while Ninja read the
    request (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields) were HTML pages."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    r = client.post("/api/books/", {"title": "x" * 200, "author_id": 1})
    assert r.status_code == 413, r
    assert r.json() == {"detail": "The request body is too large.", "code": "request_too_large"}
    assert not Book.objects.exists()


def test_a_json_body_documents_415():
    schema = openapi()
    created = operation(schema, "/api/books/", "post")["responses"]
    assert created["415"]["content"]["application/json"]["schema"]["required"] == ["detail"]
    assert "415" not in operation(schema, "/api/books/{pk}/", "get")["responses"]
