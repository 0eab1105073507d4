"""``@action`` and ``MethodMapper``: the metadata they record, how the router routes it, per-action
overrides, and how an action's own signature types its parameters, body and response."""

import json
from http import HTTPMethod

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import path, reverse
from ninja import NinjaAPI, Schema
from ninja.security import django_auth
from openapi_spec_validator import validate

from ninja_viewsets import DefaultRouter, GenericViewSet, SimpleRouter, ViewSet, action
from ninja_viewsets.decorators import MethodMapper, is_action
from ninja_viewsets.permissions import AllowAny, IsAuthenticated
from tests.testapp.models import Author, Book, Tag


class AuthorOut(Schema):
    id: int
    name: str


class TagOut(Schema):
    id: int
    name: str


class BookOut(Schema):
    id: int
    title: str
    author: AuthorOut
    tags: list[TagOut]


class TitleOut(Schema):
    title: str


class PasswordIn(Schema):
    password: str


class StatusOut(Schema):
    status: str


SEEN: list[dict] = []


class AccountViewSet(ViewSet):
    """Passwords of accounts."""

    permission_classes = [IsAuthenticated]

    async def list(self, request) -> list[str]:
        return ["account"]

    @action(detail=True, methods=["put"], url_path="password")
    async def password(self, request, pk: int, payload: PasswordIn) -> StatusOut:
        """Set the password."""
        SEEN.append({"action": self.action, "pk": pk, "password": payload.password})
        return StatusOut(status="set")

    @password.mapping.delete
    async def delete_password(self, request, pk: int) -> StatusOut:
        """Clear the password."""
        SEEN.append({"action": self.action, "pk": pk})
        return StatusOut(status="cleared")

    @action(detail=False, permission_classes=[AllowAny])
    async def public(self, request) -> dict[str, object]:
        permissions = [type(p).__name__ for p in self.get_permissions()]
        return {"action": self.action, "permissions": permissions}

    @action(detail=False, methods=[HTTPMethod.POST, "PATCH"])
    async def shout(self, request) -> dict[str, str]:
        return {"method": request.method}


class BookActions(GenericViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut

    @action(detail=False)
    async def newest(self, request) -> list[BookOut]:
        """A QuerySet with nested FK and M2M."""
        return self.get_queryset().order_by("-id")

    @action(detail=True)
    async def one(self, request, pk: int) -> BookOut:
        return await self.get_object()

    @action(detail=True)
    async def fetched(self, request, pk: int) -> BookOut:
        return await Book.objects.aget(pk=pk)

    @action(detail=False)
    async def as_list(self, request) -> list[BookOut]:
        return [b async for b in Book.objects.order_by("id")]

    @action(detail=True, response=TitleOut)
    async def title(self, request, pk: int):
        return await self.get_object()

    @action(detail=False, output_schema=TitleOut)
    async def schema_name(self, request) -> dict[str, str]:
        return {"output_schema": self.get_output_schema().__name__}

    @action(detail=False)
    async def default_schema_name(self, request) -> dict[str, str]:
        return {"output_schema": self.get_output_schema().__name__}

    @action(detail=False)
    async def search(self, request, q: str, limit: int = 10) -> dict[str, object]:
        return {"q": q, "limit": limit}

    @action(detail=True, methods=["post"])
    async def rename(self, request, pk: int, payload: TitleOut) -> TitleOut:
        book = await self.get_object()
        book.title = payload.title
        await book.asave(update_fields=["title"])
        return TitleOut(title=book.title)

    @action(detail=True, methods=["post"])
    async def touch(self, request, pk: int) -> None:
        return None


class Guarded(ViewSet):
    auth = django_auth

    async def list(self, request) -> list[str]:
        return ["guarded"]

    @action(detail=False, auth=None)
    async def open(self, request) -> dict[str, str]:
        return {"open": "yes"}


router = DefaultRouter()
router.register("accounts", AccountViewSet, basename="account")
router.register("books", BookActions)
router.register("guarded", Guarded, basename="guarded")
api = NinjaAPI(urls_namespace="decorators")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def _clear_seen():
    SEEN.clear()
    yield
    SEEN.clear()


@pytest.fixture
def books(db):
    ann = Author.objects.create(name="Ann")
    bob = Author.objects.create(name="Bob")
    red, blue = Tag.objects.create(name="red"), Tag.objects.create(name="blue")
    first = Book.objects.create(title="First", author=ann)
    second = Book.objects.create(title="Second", author=bob)
    first.tags.set([red, blue])
    return first, second


def openapi() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api")))


def json_schema(content: dict) -> dict:
    return content["content"]["application/json"]["schema"]


# -- what @action records -----------------------------------------------------------------------


def test_detail_is_required():
    with pytest.raises(TypeError, match="detail"):
        action()
    with pytest.raises(TypeError, match="detail"):
        action(methods=["post"])


def test_defaults():
    @action(detail=True)
    def set_password(self, request):
        """Change the password."""

    assert set_password.detail is True
    assert set_password.mapping == {"get": "set_password"}
    assert isinstance(set_password.mapping, MethodMapper)
    assert set_password.url_path == "set_password"
    assert set_password.url_name == "set-password"
    assert set_password.kwargs == {"name": "Set password", "description": "Change the password."}


def test_description_is_none_without_docstring():
    @action(detail=False)
    def recent_users(self, request):
        pass

    assert recent_users.kwargs == {"name": "Recent users", "description": None}


def test_decorator_returns_the_function_itself():
    def fn(self, request):
        pass

    assert action(detail=False)(fn) is fn


def test_methods_are_lowercased():
    @action(detail=False, methods=["POST", "Put"])
    def x(self, request):
        pass

    assert x.mapping == {"post": "x", "put": "x"}


def test_http_method_enum_is_accepted():
    @action(detail=False, methods=[HTTPMethod.GET, HTTPMethod.DELETE])
    def x(self, request):
        pass

    assert x.mapping == {"get": "x", "delete": "x"}


def test_unknown_http_method_is_rejected():
    with pytest.raises(ValueError, match="FETCH"):
        action(detail=False, methods=["FETCH"])


def test_explicit_url_path_url_name_name_description():
    @action(
        detail=False,
        url_path="by-year",
        url_name="books-by-year",
        name="Books by year",
        description="Grouped.",
    )
    def by_year(self, request):
        """Ignored docstring."""

    assert by_year.url_path == "by-year"
    assert by_year.url_name == "books-by-year"
    assert by_year.kwargs == {"name": "Books by year", "description": "Grouped."}


def test_suffix_replaces_the_generated_name():
    @action(detail=True, suffix="Custom suffix")
    def x(self, request):
        pass

    assert x.kwargs == {"suffix": "Custom suffix", "description": None}


def test_name_and_suffix_are_mutually_exclusive():
    with pytest.raises(TypeError, match="mutually exclusive"):
        action(detail=True, name="n", suffix="s")


def test_overrides_are_recorded_in_kwargs():
    @action(detail=False, permission_classes=[AllowAny], response=TitleOut)
    def x(self, request):
        pass

    assert x.kwargs == {
        "name": "X",
        "description": None,
        "permission_classes": [AllowAny],
        "response": TitleOut,
    }


# -- MethodMapper -------------------------------------------------------------------------------


def test_mapping_adds_a_method_handled_by_another_function():
    @action(detail=True, methods=["put"])
    def password(self, request):
        pass

    def delete_password(self, request):
        pass

    assert password.mapping.delete(delete_password) is delete_password
    assert password.mapping == {"put": "password", "delete": "delete_password"}


def test_mapped_secondary_is_not_an_action():
    @action(detail=True)
    def password(self, request):
        pass

    @password.mapping.post
    def set_password(self, request):
        pass

    assert is_action(password)
    assert not is_action(set_password)
    for attribute in ("mapping", "detail", "url_path", "url_name", "kwargs"):
        assert not hasattr(set_password, attribute), attribute


@pytest.mark.parametrize(
    "method", ["get", "post", "put", "patch", "delete", "head", "options", "trace"]
)
def test_mapper_supports_every_http_method(method):
    @action(detail=False, methods=["get" if method != "get" else "post"])
    def primary(self, request):
        pass

    def secondary(self, request):
        pass

    getattr(primary.mapping, method)(secondary)
    assert primary.mapping[method] == "secondary"


def test_mapping_an_already_mapped_method_raises():
    @action(detail=True, methods=["get", "put"])
    def password(self, request):
        pass

    with pytest.raises(ValueError, match=r"already been mapped to '\.password'"):

        @password.mapping.put
        def put_password(self, request):
            pass


def test_mapping_a_secondary_twice_raises():
    @action(detail=True)
    def password(self, request):
        pass

    @password.mapping.delete
    def delete_password(self, request):
        pass

    with pytest.raises(ValueError, match=r"already been mapped to '\.delete_password'"):

        @password.mapping.delete
        def delete_password_again(self, request):
            pass


def test_secondary_with_the_action_name_raises():
    @action(detail=True)
    def password(self, request):
        pass

    with pytest.raises(ValueError, match="password"):

        @password.mapping.delete
        def password(self, request):
            pass


# -- routing of mapped methods ------------------------------------------------------------------


def test_mapped_method_is_routed_on_the_same_url(client, user):
    client.force_login(user)
    assert reverse("decorators:account-password", args=[5]) == "/api/accounts/5/password/"
    r = client.put("/api/accounts/5/password/", {"password": "s3cret"})
    assert r.status_code == 200, r
    assert r.json() == {"status": "set"}
    r = client.delete("/api/accounts/5/password/")
    assert r.status_code == 200, r
    assert r.json() == {"status": "cleared"}
    assert SEEN == [
        {"action": "password", "pk": 5, "password": "s3cret"},
        {"action": "delete_password", "pk": 5},
    ]


def test_unmapped_method_on_action_url_is_405(client, user):
    client.force_login(user)
    r = client.post("/api/accounts/5/password/", {"password": "x"})
    assert r.status_code == 405, r
    assert r.json()["detail"] == 'Method "POST" not allowed.'
    assert {m.strip() for m in r.headers["Allow"].split(",")} == {"PUT", "DELETE", "OPTIONS"}


def test_action_methods_from_http_method_enum_are_routed(client, user):
    client.force_login(user)
    assert client.post("/api/accounts/shout/").json() == {"method": "POST"}
    assert client.patch("/api/accounts/shout/", {}).json() == {"method": "PATCH"}
    assert client.get("/api/accounts/shout/").status_code == 405


def test_openapi_schema_is_valid():
    validate(openapi())


def test_action_with_several_methods_has_unique_operation_ids():
    ops = openapi()["paths"]["/api/accounts/shout/"]
    assert set(ops) == {"post", "patch"}
    ids = [ops["post"]["operationId"], ops["patch"]["operationId"]]
    assert ids[0] != ids[1], ids
    assert all(i.startswith("account_shout") for i in ids), ids


def test_openapi_operation_ids_of_mapped_methods():
    schema = openapi()
    ops = schema["paths"]["/api/accounts/{pk}/password/"]
    assert set(ops) == {"put", "delete"}
    assert ops["put"]["operationId"] == "account_password"
    assert ops["delete"]["operationId"] == "account_delete_password"
    assert ops["put"]["description"] == "Set the password."
    assert ops["delete"]["description"] == "Clear the password."
    assert ops["put"]["tags"] == ops["delete"]["tags"] == ["account"]


# -- overrides apply to one action only ---------------------------------------------------------


def test_permission_classes_override_applies_to_that_action_only(client):
    r = client.get("/api/accounts/public/")
    assert r.status_code == 200, r
    assert r.json() == {"action": "public", "permissions": ["AllowAny"]}
    assert client.get("/api/accounts/").status_code == 401
    assert AccountViewSet.permission_classes == [IsAuthenticated]


def test_output_schema_override_applies_to_that_action_only(client, db):
    assert client.get("/api/books/schema_name/").json() == {"output_schema": "TitleOut"}
    assert client.get("/api/books/default_schema_name/").json() == {"output_schema": "BookOut"}
    assert BookActions.output_schema is BookOut


def test_response_override_sets_the_response_schema(client, books):
    first, _ = books
    r = client.get(f"/api/books/{first.pk}/title/")
    assert r.status_code == 200, r
    assert r.json() == {"title": "First"}
    responses = openapi()["paths"]["/api/books/{pk}/title/"]["get"]["responses"]
    assert json_schema(responses["200"]) == {"$ref": "#/components/schemas/TitleOut"}


def test_auth_override_applies_to_that_action_only(client):
    assert client.get("/api/guarded/").status_code == 401
    r = client.get("/api/guarded/open/")
    assert r.status_code == 200, r
    assert r.json() == {"open": "yes"}


def test_unknown_override_raises_at_register():
    class Bad(ViewSet):
        @action(detail=False, not_an_option=1)
        async def x(self, request) -> dict[str, int]:
            return {}

    r = SimpleRouter()
    with pytest.raises(TypeError, match="not_an_option"):
        r.register("bad", Bad, basename="bad")


def test_override_of_an_existing_viewset_attribute_is_accepted():
    class Scoped(ViewSet):
        @action(detail=False, throttle_scope="burst", throttle_classes=[])
        async def x(self, request) -> dict[str, int]:
            return {}

    r = SimpleRouter()
    r.register("scoped", Scoped, basename="scoped")
    assert [reg.basename for reg in r.registry] == ["scoped"]


@pytest.mark.parametrize(
    "name", ["list", "create", "retrieve", "update", "partial_update", "destroy"]
)
def test_action_named_like_a_standard_action_raises_at_register(name):
    async def handler(self, request) -> dict[str, int]:
        return {}

    handler.__name__ = handler.__qualname__ = name
    viewset = type("Clash", (ViewSet,), {name: action(detail=False)(handler)})
    with pytest.raises(ImproperlyConfigured, match=name):
        SimpleRouter().register("clash", viewset, basename="clash")


# -- an action's own signature ------------------------------------------------------------------


def test_typed_query_parameters(client, db):
    r = client.get("/api/books/search/?q=dune&limit=3")
    assert r.status_code == 200, r
    assert r.json() == {"q": "dune", "limit": 3}
    assert client.get("/api/books/search/?q=dune").json() == {"q": "dune", "limit": 10}


def test_malformed_query_parameter_is_422(client, db):
    r = client.get("/api/books/search/?q=dune&limit=abc")
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["query", "limit"]


def test_missing_required_query_parameter_is_422(client, db):
    r = client.get("/api/books/search/")
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["query", "q"]


def test_body_schema_is_validated(client, books):
    first, _ = books
    r = client.post(f"/api/books/{first.pk}/rename/", {"title": "Renamed"})
    assert r.status_code == 200, r
    assert r.json() == {"title": "Renamed"}
    first.refresh_from_db()
    assert first.title == "Renamed"
    r = client.post(f"/api/books/{first.pk}/rename/", {"name": "wrong"})
    assert r.status_code == 422, r
    assert "detail" in r.json()


def test_action_returning_none_answers_204_with_empty_body(client, books):
    first, _ = books
    r = client.post(f"/api/books/{first.pk}/touch/")
    assert r.status_code == 204, r
    assert r.content == b""


def test_detail_action_on_missing_object_is_404(client, db):
    r = client.get("/api/books/999999/one/")
    assert r.status_code == 404, r
    assert r.json()["detail"] == "No Book matches the given query."


def test_openapi_shows_query_parameters_of_an_action():
    op = openapi()["paths"]["/api/books/search/"]["get"]
    params = {p["name"]: p for p in op["parameters"]}
    assert set(params) == {"q", "limit"}
    assert params["q"]["in"] == "query"
    assert params["q"]["required"] is True
    assert params["q"]["schema"]["type"] == "string"
    assert params["limit"]["in"] == "query"
    assert params["limit"].get("required", False) is False
    assert params["limit"]["schema"]["type"] == "integer"
    assert params["limit"]["schema"]["default"] == 10


def test_openapi_shows_request_and_response_schemas_of_an_action():
    schema = openapi()
    put = schema["paths"]["/api/accounts/{pk}/password/"]["put"]
    assert json_schema(put["requestBody"]) == {"$ref": "#/components/schemas/PasswordIn"}
    assert json_schema(put["responses"]["200"]) == {"$ref": "#/components/schemas/StatusOut"}
    rename = schema["paths"]["/api/books/{pk}/rename/"]["post"]
    assert json_schema(rename["requestBody"]) == {"$ref": "#/components/schemas/TitleOut"}
    newest = schema["paths"]["/api/books/newest/"]["get"]["responses"]["200"]
    assert json_schema(newest)["type"] == "array"
    assert json_schema(newest)["items"] == {"$ref": "#/components/schemas/BookOut"}
    touch = schema["paths"]["/api/books/{pk}/touch/"]["post"]["responses"]
    assert next(iter(touch)) == "204" and "200" not in touch
    assert {"PasswordIn", "StatusOut", "TitleOut", "BookOut"} <= set(
        schema["components"]["schemas"]
    )


# -- actions returning model objects with nested relations --------------------------------------


def expected(book: Book) -> dict:
    return {
        "id": book.pk,
        "title": book.title,
        "author": {"id": book.author.pk, "name": book.author.name},
        "tags": sorted(
            ({"id": t.pk, "name": t.name} for t in book.tags.all()), key=lambda t: t["id"]
        ),
    }


def by_id_with_sorted_tags(items: list[dict]) -> list[dict]:
    for item in items:
        item["tags"].sort(key=lambda t: t["id"])
    return sorted(items, key=lambda i: i["id"])


def test_action_returning_a_queryset_with_nested_relations(client, books):
    r = client.get("/api/books/newest/")
    assert r.status_code == 200, r
    assert by_id_with_sorted_tags(r.json()) == [expected(b) for b in books]


def test_action_returning_get_object_with_nested_relations(client, books):
    first, _ = books
    r = client.get(f"/api/books/{first.pk}/one/")
    assert r.status_code == 200, r
    assert by_id_with_sorted_tags([r.json()]) == [expected(first)]


def test_action_returning_a_fetched_instance_with_nested_relations(client, books):
    first, _ = books
    r = client.get(f"/api/books/{first.pk}/fetched/")
    assert r.status_code == 200, r
    assert by_id_with_sorted_tags([r.json()]) == [expected(first)]


def test_action_returning_a_list_of_instances_with_nested_relations(client, books):
    r = client.get("/api/books/as_list/")
    assert r.status_code == 200, r
    assert by_id_with_sorted_tags(r.json()) == [expected(b) for b in books]
