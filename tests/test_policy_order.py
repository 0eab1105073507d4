"""DRF's order on every viewset operation: authentication, permissions, throttles, then the
query and body are validated, then the handler (object permissions where it fetches the object).

Standard actions, extra actions, mapped methods, nested routes and ``as_view()`` all go through
the same operation; a malformed typed path value is still answered first, as URL routing would.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test.client import MULTIPART_CONTENT
from django.urls import path
from ninja import NinjaAPI, Query, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, ViewSet, action
from ninja_viewsets._ninja import STREAMING
from ninja_viewsets.permissions import BasePermission, IsAdminUser, IsAuthenticated
from ninja_viewsets.throttling import UserRateThrottle
from tests.schemasapp.models import Attachment
from tests.testapp.models import Author, Book


class AuthorIn(Schema):
    name: str


class AuthorOut(Schema):
    id: int
    name: str


class BookIn(Schema):
    title: str
    year: int = 2000


class BookOut(Schema):
    id: int
    title: str
    author_id: int


class Note(Schema):
    text: str


class Authors(ModelViewSet):
    """Signed-in users only; ``search`` and ``rename`` take typed input."""

    queryset = Author.objects.order_by("id")
    input_schema = AuthorIn
    output_schema = AuthorOut
    permission_classes = [IsAuthenticated]

    @action(detail=False)
    async def search(self, request, limit: int = Query(...)) -> list[AuthorOut]:
        return [a async for a in self.get_queryset()[:limit]]

    @action(detail=True, methods=["post"])
    async def rename(self, request, pk: int, payload: AuthorIn) -> AuthorOut:
        author = await self.get_object()
        author.name = payload.name
        await author.asave()
        return author

    @rename.mapping.put
    async def replace_name(self, request, pk: int, payload: AuthorIn) -> AuthorOut:
        return await self.rename(request, pk, payload)


class AdminAuthors(Authors):
    permission_classes = [IsAdminUser]


class TwoPerMinute(UserRateThrottle):
    rate = "2/m"


class LimitedAdmin(AdminAuthors):
    throttle_classes = [TwoPerMinute]


class ThrottledAuthors(Authors):
    permission_classes = []
    authentication_required = False
    throttle_classes = [TwoPerMinute]


class Recorded(BasePermission):
    """Records what the view holds when permissions run (nothing validated yet)."""

    seen: list[dict[str, object]] = []

    async def has_permission(self, request, view):
        Recorded.seen.append(
            {
                "kwargs": dict(view.kwargs),
                "action": view.action,
                "request": view.request is request,
                "params": sorted(view.params),
            }
        )
        return request.user.is_authenticated


class RecordedAuthors(Authors):
    permission_classes = [Recorded]


class NamedOpen(BasePermission):
    async def has_object_permission(self, request, view, obj):
        return obj.name == "open"


class ParentAuthors(ModelViewSet):
    input_schema = AuthorIn
    queryset = Author.objects.order_by("id")
    output_schema = AuthorOut
    permission_classes = [IsAuthenticated]


class Books(ModelViewSet):
    queryset = Book.objects.order_by("id")
    input_schema = BookIn
    output_schema = BookOut
    permission_classes = [IsAuthenticated]


class Plain(ViewSet):
    permission_classes = [IsAuthenticated]

    async def create(self, request, payload: Note) -> Note:
        return payload

    if STREAMING:
        from ninja.streaming import JSONL

        @action(detail=False, methods=["get"], response=JSONL[Note])
        async def feed(self, request, count: int = Query(...)):
            for i in range(count):
                yield {"text": str(i)}


class GuardedAttachments(ModelViewSet):
    queryset = Attachment.objects.order_by("id")
    permission_classes = [IsAuthenticated]


class OwnedAuthors(Authors):
    permission_classes = [IsAuthenticated, NamedOpen]


router = DefaultRouter()
router.register("authors", Authors, basename="authors")
router.register("admin-authors", AdminAuthors, basename="admin-authors")
router.register("throttled", ThrottledAuthors, basename="throttled")
router.register("limited-admin", LimitedAdmin, basename="limited-admin")
router.register("recorded", RecordedAuthors, basename="recorded")
router.register("owned", OwnedAuthors, basename="owned")
router.register("plain", Plain, basename="plain")
router.register("attachments", GuardedAttachments, basename="guarded-attachments")
parents = router.register("parents", ParentAuthors, basename="parents")
parents.register("books", Books, parent_query_lookup="author", basename="parent-books")
api = NinjaAPI(urls_namespace="policy-order")
api.add_router("/", router)
urlpatterns = [
    path("api/", api.urls),
    path("bound/<int:pk>/", Authors.as_view({"patch": "partial_update"}), name="bound"),
]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def author(db):
    return Author.objects.create(name="open")


# -- authentication before validation ----------------------------------------------------------


def test_anonymous_post_with_an_empty_body_is_401_not_422(client):
    r = client.post("/api/authors/", {})
    assert r.status_code == 401, r
    assert r.json()["detail"] == "Authentication credentials were not provided."
    assert Author.objects.count() == 0


@pytest.mark.parametrize(
    "method, url, body",
    [
        ("get", "/api/authors/search/?limit=many", None),  # extra action, bad query value
        ("get", "/api/authors/search/", None),  # a required query value missing
        ("post", "/api/authors/{pk}/rename/", {"name": 5}),  # extra action, bad body
        ("put", "/api/authors/{pk}/rename/", {}),  # mapped method
        ("put", "/api/authors/{pk}/", {"nom": "x"}),  # update
        ("patch", "/api/authors/{pk}/", {"name": ["x"]}),  # partial update
        ("post", "/api/plain/", {"text": None}),  # a plain ViewSet's create
        ("post", "/api/parents/{pk}/books/", {"year": "soon"}),  # nested create
        ("patch", "/bound/{pk}/", {"name": {}}),  # as_view()
    ],
)
def test_anonymous_invalid_input_is_401_on_every_kind_of_operation(
    client, author, method, url, body
):
    kwargs = {} if body is None else {"json": body}
    r = client.request(method, url.format(pk=author.pk), **kwargs)
    assert r.status_code == 401, r
    assert "detail" in r.json()


def test_authenticated_invalid_input_is_still_ninjas_422(client, user, author):
    client.force_login(user)
    r = client.post("/api/authors/", {})
    assert r.status_code == 422, r
    assert r.json()["detail"] == [
        {"type": "missing", "loc": ["body", "payload", "name"], "msg": "Field required"}
    ]
    r = client.get("/api/authors/search/?limit=many")
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "limit"]
    r = client.post(f"/api/authors/{author.pk}/rename/", {"name": 5})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "payload", "name"]
    r = client.patch(f"/bound/{author.pk}/", {"name": {}})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "payload", "name"]
    assert Author.objects.get().name == "open"


def test_authenticated_valid_input_reaches_the_handler(client, user, author):
    client.force_login(user)
    assert client.post("/api/authors/", {"name": "new"}).status_code == 201
    assert client.get("/api/authors/search/?limit=1").json() == [{"id": author.pk, "name": "open"}]
    r = client.put(f"/api/authors/{author.pk}/rename/", {"name": "renamed"})
    assert r.status_code == 200 and r.json()["name"] == "renamed"
    r = client.patch(f"/bound/{author.pk}/", {"name": "bound"})
    assert r.status_code == 200 and r.json()["name"] == "bound"


def test_a_malformed_typed_path_value_is_answered_first(client):
    r = client.patch("/api/authors/abc/", {})
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["path", "pk"]


@pytest.mark.skipif(not STREAMING, reason="django-ninja 1.5 has no streaming responses")
def test_a_streaming_action_checks_policies_before_its_query(client, user):
    r = client.get("/api/plain/feed/?count=many")
    assert r.status_code == 401, r
    client.force_login(user)
    r = client.get("/api/plain/feed/?count=many")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "count"]


def test_a_multipart_upload_checks_policies_before_its_form(client, user):
    form = {"title": ""}  # the file is missing
    r = client.post("/api/attachments/", data=form, content_type=MULTIPART_CONTENT)
    assert r.status_code == 401, r
    client.force_login(user)
    r = client.post("/api/attachments/", data=form, content_type=MULTIPART_CONTENT)
    assert r.status_code == 422, r
    assert ["body", "payload", "document"] in [e["loc"] for e in r.json()["detail"]]
    assert Attachment.objects.count() == 0


# -- permissions before validation -------------------------------------------------------------


def test_a_user_without_permission_gets_403_before_any_validation_error(client, user, author):
    client.force_login(user)
    for method, url, body in (
        ("post", "/api/admin-authors/", {}),
        ("patch", f"/api/admin-authors/{author.pk}/", {"name": None}),
        ("get", "/api/admin-authors/search/?limit=x", None),
        ("post", f"/api/admin-authors/{author.pk}/rename/", {"name": 1}),
    ):
        kwargs = {} if body is None else {"json": body}
        r = client.request(method, url, **kwargs)
        assert r.status_code == 403, (method, url, r)
        assert r.json()["detail"] == "You do not have permission to perform this action."


def test_permission_denied_comes_before_an_unsupported_media_type(client, user):
    client.force_login(user)
    r = client.post("/api/admin-authors/", data="name=x", content_type="text/plain")
    assert r.status_code == 403, r


def test_an_oversized_body_is_refused_after_authentication(client, user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = {"name": "x" * 200}
    assert client.post("/api/authors/", body).status_code == 401
    client.force_login(user)
    r = client.post("/api/authors/", body)
    assert r.status_code == 413, r
    assert "detail" in r.json()


def test_view_attributes_are_set_before_permissions_and_nothing_is_validated(client, user, author):
    Recorded.seen.clear()
    client.force_login(user)
    assert client.post(f"/api/recorded/{author.pk}/rename/", {"name": "x"}).status_code == 200
    assert Recorded.seen == [
        {"kwargs": {"pk": author.pk}, "action": "rename", "request": True, "params": ["pk"]}
    ]


def test_object_permissions_run_where_the_handler_fetches_the_object(client, user, db):
    closed = Author.objects.create(name="closed")
    client.force_login(user)
    assert client.patch(f"/api/owned/{closed.pk}/", {"name": "x"}).status_code == 403
    # the body is validated before the handler fetches the object (see docs/permissions.md)
    assert client.patch(f"/api/owned/{closed.pk}/", {"name": None}).status_code == 422


# -- throttles before validation ---------------------------------------------------------------


def test_a_client_past_its_rate_gets_429_even_with_invalid_input(client, author):
    # invalid requests are counted: two 422s use up the rate
    assert client.get("/api/throttled/search/?limit=x").status_code == 422
    assert client.post("/api/throttled/", {}).status_code == 422
    for method, url, body in (
        ("get", "/api/throttled/search/?limit=x", None),
        ("post", "/api/throttled/", {}),
        ("post", f"/api/throttled/{author.pk}/rename/", {"name": 1}),
        ("get", "/api/throttled/search/?limit=1", None),
    ):
        kwargs = {} if body is None else {"json": body}
        r = client.request(method, url, **kwargs)
        assert r.status_code == 429, (method, url, r)
        assert int(r.headers["Retry-After"]) >= 1


def test_permission_failures_are_not_counted_by_throttles(client, user):
    # DRF: throttles run after permissions; a denied request never reaches them
    client.force_login(user)
    for _ in range(3):
        assert client.post("/api/limited-admin/", {}).status_code == 403
    user.is_staff = True
    user.save()
    assert client.post("/api/limited-admin/", {}).status_code == 422
    assert client.post("/api/limited-admin/", {"name": "x"}).status_code == 201
    assert client.post("/api/limited-admin/", {"name": "x"}).status_code == 429


# -- nested routes -----------------------------------------------------------------------------


def test_nested_parent_checked_after_policies_before_validation(client, user, author):
    assert client.post("/api/parents/999/books/", {}).status_code == 401
    client.force_login(user)
    r = client.post("/api/parents/999/books/", {"year": "soon"})
    assert r.status_code == 404, r  # the parent does not exist: the body is not looked at
    r = client.post(f"/api/parents/{author.pk}/books/", {"year": "soon"})
    assert r.status_code == 422
    assert {e["loc"][-1] for e in r.json()["detail"]} == {"title", "year"}
    r = client.post(f"/api/parents/{author.pk}/books/", {"title": "t"})
    assert r.status_code == 201 and r.json()["author_id"] == author.pk


# -- OpenAPI is as typed as before -------------------------------------------------------------


def test_openapi_still_documents_the_body_query_and_path_parameters():
    schema = api.get_openapi_schema()
    paths = schema["paths"]
    create = paths["/api/authors/"]["post"]
    ref = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/AuthorIn")
    assert create["requestBody"]["required"] is True
    search = paths["/api/authors/search/"]["get"]
    assert [(p["name"], p["in"], p["required"]) for p in search["parameters"]] == [
        ("limit", "query", True)
    ]
    assert search["parameters"][0]["schema"]["type"] == "integer"
    rename = paths["/api/authors/{pk}/rename/"]
    assert set(rename) == {"post", "put"}
    assert [(p["name"], p["in"]) for p in rename["post"]["parameters"]] == [("pk", "path")]
    assert "requestBody" in rename["put"]
