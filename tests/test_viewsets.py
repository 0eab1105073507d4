"""Per-request binding of a viewset (request, kwargs, action, detail, basename, name, description,
suffix), ``as_view``, ``reverse_action``, ``get_extra_actions``, ``get_extra_action_url_map`` and
sync user handlers."""

from __future__ import annotations

import asyncio

import pytest
from django.contrib.auth.models import User
from django.urls import path
from ninja import NinjaAPI, Schema
from openapi_spec_validator import validate

from ninja_viewsets import DefaultRouter, GenericViewSet, ModelViewSet, ViewSet, action
from ninja_viewsets.decorators import is_action
from ninja_viewsets.permissions import BasePermission, IsAuthenticated
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
    year: int
    author: AuthorOut
    tags: list[TagOut]


class BookIn(Schema):
    title: str
    year: int = 2000
    author_id: int


class NameIn(Schema):
    name: str


SEEN: list[dict] = []
INSTANCES: list[object] = []


def snapshot(view) -> dict:
    return {
        "method": view.request.method,
        "action": view.action,
        "detail": view.detail,
        "basename": view.basename,
        "suffix": view.suffix,
        "name": view.name,
        "description": view.description,
        "kwargs": dict(view.kwargs),
        "view_name": view.get_view_name(),
    }


class RecordingMixin:
    def get_permissions(self):
        SEEN.append(snapshot(self))
        return super().get_permissions()


class ProbeViewSet(RecordingMixin, ViewSet):
    """Records what each request sees."""

    async def list(self, request) -> dict[str, object]:
        return {"same_request": self.request is request, "path": self.request.path}

    async def retrieve(self, request, pk: int) -> dict[str, int]:
        return {"pk": pk}

    @action(detail=True, methods=["put"])
    async def password(self, request, pk: int) -> dict[str, str]:
        """Set it."""
        return {"handled_by": "password"}

    @password.mapping.delete
    async def delete_password(self, request, pk: int) -> dict[str, str]:
        return {"handled_by": "delete_password"}

    @action(detail=False, name="Recent things", description="Custom")
    async def recent(self, request) -> list[int]:
        return []


class CounterViewSet(ViewSet):
    hits = 0

    async def list(self, request) -> dict[str, int]:
        INSTANCES.append(self)
        self.hits += 1
        return {"hits": self.hits}


class NoDeleting(BasePermission):
    message = "No deleting."

    async def has_permission(self, request, view) -> bool:
        return False


class ActionScopedBooks(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn

    def get_queryset(self):
        SEEN.append({"get_queryset": self.action})
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset.filter(year__gte=2000)
        return queryset

    def get_permissions(self):
        if self.action == "destroy":
            return [NoDeleting()]
        return super().get_permissions()


class UserViewSet(GenericViewSet):
    queryset = User.objects.all()

    async def list(self, request) -> dict[str, str]:
        return self.get_extra_action_url_map()

    async def retrieve(self, request, pk: int) -> dict[str, str]:
        return self.get_extra_action_url_map()

    @action(detail=True, methods=["post"])
    async def set_password(self, request, pk: int) -> dict[str, str]:
        return {"self": self.reverse_action("set-password", args=[pk])}

    @action(detail=True, name="Custom name")
    async def profile(self, request, pk: int) -> dict[str, str]:
        return {}

    @action(detail=False)
    async def links(self, request) -> dict[str, str]:
        return {
            "set_password": self.reverse_action("set-password", args=["1"]),
            "list": self.reverse_action("list"),
            "detail": self.reverse_action("detail", kwargs={"pk": 2}),
        }


class SyncViewSet(GenericViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut

    def list(self, request) -> list[str]:
        return list(Book.objects.order_by("id").values_list("title", flat=True))

    def retrieve(self, request, pk: int) -> BookOut:
        return Book.objects.select_related("author").prefetch_related("tags").get(pk=pk)

    @action(detail=False, methods=["post"])
    def authors(self, request, payload: NameIn) -> dict[str, object]:
        author = Author.objects.create(name=payload.name)
        return {"id": author.pk, "count": Author.objects.count()}

    @action(detail=False)
    def loop(self, request) -> dict[str, bool]:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return {"on_event_loop": False}
        return {"on_event_loop": True}

    @action(detail=False)
    def everything(self, request) -> list[BookOut]:
        return self.get_queryset().order_by("id")


router = DefaultRouter()
router.register("probes", ProbeViewSet, basename="probe")
router.register("counters", CounterViewSet, basename="counter")
router.register("scoped-books", ActionScopedBooks, basename="scoped-book")
router.register("users", UserViewSet)
router.register("people", UserViewSet, basename="person")
router.register("sync", SyncViewSet, basename="sync")
api = NinjaAPI(urls_namespace="viewsets")
api.add_router("/", router)


class PlainBooks(RecordingMixin, ModelViewSet):
    """Books served by as_view."""

    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn


class PrivateViewSet(ViewSet):
    permission_classes = [IsAuthenticated]

    async def list(self, request) -> list[str]:
        return ["secret"]


plain_list = PlainBooks.as_view({"get": "list", "post": "create"})
plain_detail = PlainBooks.as_view(
    {"get": "retrieve", "delete": "destroy"}, basename="plain-book", detail=True
)
plain_named = PlainBooks.as_view({"get": "list"}, name="Everything")
private_list = PrivateViewSet.as_view({"get": "list"})
probe_password = ProbeViewSet.as_view({"put": "password", "delete": "delete_password"})

urlpatterns = [
    path("api/", api.urls),
    path("plain/books/", plain_list),
    path("plain/books/<pk>/", plain_detail),
    path("plain/named/", plain_named),
    path("plain/private/", private_list),
    path("plain/probes/<pk>/password/", probe_password),
]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def _clear():
    SEEN.clear()
    INSTANCES.clear()
    yield
    SEEN.clear()
    INSTANCES.clear()


@pytest.fixture
def author(db):
    return Author.objects.create(name="Ann")


@pytest.fixture
def old_and_new(author):
    old = Book.objects.create(title="Old", year=1900, author=author)
    new = Book.objects.create(title="New", year=2020, author=author)
    return old, new


def allow(response) -> set[str]:
    return {m.strip() for m in response.headers["Allow"].split(",")}


def test_openapi_schema_is_valid():
    import json

    validate(json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api"))))


# -- one instance per request -------------------------------------------------------------------


def test_each_request_gets_a_new_instance(client):
    assert client.get("/api/counters/").json() == {"hits": 1}
    assert client.get("/api/counters/").json() == {"hits": 1}
    first, second = INSTANCES
    assert first is not second
    assert CounterViewSet.hits == 0


def test_self_request_is_the_request(client):
    r = client.get("/api/probes/")
    assert r.status_code == 200, r
    assert r.json() == {"same_request": True, "path": "/api/probes/"}


# -- what the viewset sees before permissions run -----------------------------------------------


def test_list_route_binding(client):
    assert client.get("/api/probes/").status_code == 200
    assert SEEN == [
        {
            "method": "GET",
            "action": "list",
            "detail": False,
            "basename": "probe",
            "suffix": "List",
            "name": None,
            "description": None,
            "kwargs": {},
            "view_name": "Probe List",
        }
    ]


def test_detail_route_binding(client):
    assert client.get("/api/probes/7/").json() == {"pk": 7}
    assert SEEN == [
        {
            "method": "GET",
            "action": "retrieve",
            "detail": True,
            "basename": "probe",
            "suffix": "Instance",
            "name": None,
            "description": None,
            "kwargs": {"pk": 7},
            "view_name": "Probe Instance",
        }
    ]


def test_detail_action_binding(client):
    assert client.put("/api/probes/7/password/").json() == {"handled_by": "password"}
    assert SEEN == [
        {
            "method": "PUT",
            "action": "password",
            "detail": True,
            "basename": "probe",
            "suffix": None,
            "name": "Password",
            "description": "Set it.",
            "kwargs": {"pk": 7},
            "view_name": "Password",
        }
    ]


def test_mapped_secondary_binding_uses_its_own_method_name(client):
    r = client.delete("/api/probes/7/password/")
    assert r.json() == {"handled_by": "delete_password"}
    assert len(SEEN) == 1
    assert SEEN[0]["action"] == "delete_password"
    assert (SEEN[0]["detail"], SEEN[0]["kwargs"]) == (True, {"pk": 7})


def test_list_action_binding_with_name_and_description(client):
    assert client.get("/api/probes/recent/").json() == []
    assert SEEN == [
        {
            "method": "GET",
            "action": "recent",
            "detail": False,
            "basename": "probe",
            "suffix": None,
            "name": "Recent things",
            "description": "Custom",
            "kwargs": {},
            "view_name": "Recent things",
        }
    ]


def test_head_binds_the_get_action(client):
    r = client.head("/api/probes/")
    assert r.status_code == 200, r
    assert [s["action"] for s in SEEN] == ["list"]
    assert SEEN[0]["method"] == "HEAD"


def test_standard_actions_keep_drf_names(client, old_and_new):
    assert client.get("/api/scoped-books/").status_code == 200
    assert SEEN == [{"get_queryset": "list"}]


def test_get_queryset_can_branch_on_action(client, old_and_new):
    old, _ = old_and_new
    r = client.get("/api/scoped-books/")
    assert r.status_code == 200, r
    assert [b["title"] for b in r.json()] == ["New"]
    r = client.get(f"/api/scoped-books/{old.pk}/")
    assert r.status_code == 200, r
    assert r.json()["title"] == "Old"


def test_get_permissions_can_branch_on_action(client, user, old_and_new):
    old, _ = old_and_new
    client.force_login(user)
    r = client.delete(f"/api/scoped-books/{old.pk}/")
    assert r.status_code == 403, r
    assert r.json()["detail"] == "No deleting."
    assert Book.objects.filter(pk=old.pk).exists()
    assert client.get(f"/api/scoped-books/{old.pk}/").status_code == 200


def test_permissions_run_before_get_queryset(client, user, old_and_new):
    old, _ = old_and_new
    client.force_login(user)
    assert client.delete(f"/api/scoped-books/{old.pk}/").status_code == 403
    assert SEEN == []


# -- reverse_action -----------------------------------------------------------------------------


def test_reverse_action_in_a_request_is_absolute(client):
    r = client.get("/api/users/links/")
    assert r.status_code == 200, r
    assert r.json() == {
        "set_password": "http://testserver/api/users/1/set_password/",
        "list": "http://testserver/api/users/",
        "detail": "http://testserver/api/users/2/",
    }


def test_reverse_action_uses_the_registration_basename(client):
    r = client.get("/api/people/links/")
    assert r.status_code == 200, r
    assert r.json() == {
        "set_password": "http://testserver/api/people/1/set_password/",
        "list": "http://testserver/api/people/",
        "detail": "http://testserver/api/people/2/",
    }


def test_reverse_action_from_a_detail_action(client):
    r = client.post("/api/users/5/set_password/")
    assert r.status_code == 200, r
    assert r.json() == {"self": "http://testserver/api/users/5/set_password/"}


def test_reverse_action_without_a_request_is_relative():
    view = UserViewSet(basename="user")
    assert view.reverse_action("set-password", args=["1"]) == "/api/users/1/set_password/"
    assert view.reverse_action("list") == "/api/users/"
    assert view.reverse_action("detail", kwargs={"pk": 3}) == "/api/users/3/"


# -- get_extra_actions / get_extra_action_url_map -----------------------------------------------


class ExtraBase(ViewSet):
    @action(detail=False)
    async def zeta(self, request) -> dict[str, int]:
        return {}

    @action(detail=True, methods=["put"])
    async def alpha(self, request, pk: int) -> dict[str, int]:
        return {}

    @alpha.mapping.delete
    async def delete_alpha(self, request, pk: int) -> dict[str, int]:
        return {}

    async def plain_method(self, request) -> dict[str, int]:
        return {}


def _not_an_action(self, request):
    pass


_not_an_action.mapping = {"get": "x"}  # type: ignore[attr-defined]


class ExtraChild(ExtraBase):
    lookalike = _not_an_action

    @action(detail=False)
    async def beta(self, request) -> dict[str, int]:
        return {}


def test_get_extra_actions_returns_decorated_methods_sorted():
    actions = ExtraBase.get_extra_actions()
    assert [a.__name__ for a in actions] == ["alpha", "zeta"]
    assert actions == [ExtraBase.alpha, ExtraBase.zeta]
    assert all(is_action(a) for a in actions)


def test_get_extra_actions_includes_inherited_and_skips_secondaries_and_lookalikes():
    names = [a.__name__ for a in ExtraChild.get_extra_actions()]
    assert names == ["alpha", "beta", "zeta"]


def test_get_extra_actions_on_an_instance():
    assert [a.__name__ for a in ExtraChild().get_extra_actions()] == ["alpha", "beta", "zeta"]


def test_get_extra_actions_rejects_a_renamed_action():
    @action(detail=False)
    async def original(self, request) -> dict[str, int]:
        return {}

    renamed = type("Renamed", (ViewSet,), {"other_name": original})
    with pytest.raises(ValueError, match="other_name"):
        renamed.get_extra_actions()


def test_extra_action_url_map_on_list_route(client):
    r = client.get("/api/users/")
    assert r.status_code == 200, r
    assert r.json() == {"Links": "http://testserver/api/users/links/"}


def test_extra_action_url_map_on_detail_route(client):
    r = client.get("/api/users/3/")
    assert r.status_code == 200, r
    assert r.json() == {
        "Set password": "http://testserver/api/users/3/set_password/",
        "Custom name": "http://testserver/api/users/3/profile/",
    }


def test_extra_action_url_map_without_router_is_empty():
    assert UserViewSet().get_extra_action_url_map() == {}


# -- as_view ------------------------------------------------------------------------------------


def test_as_view_list_and_create(client, author):
    Book.objects.create(title="One", author=author)
    r = client.get("/plain/books/")
    assert r.status_code == 200, r
    assert [b["title"] for b in r.json()] == ["One"]
    r = client.post("/plain/books/", {"title": "Two", "author_id": author.pk})
    assert r.status_code == 201, r
    assert r.json()["title"] == "Two"
    assert [s["action"] for s in SEEN] == ["list", "create"]


def test_as_view_validates_the_body(client, author):
    r = client.post("/plain/books/", {"year": 3})
    assert r.status_code == 422, r
    assert "detail" in r.json()
    assert not Book.objects.exists()


def test_as_view_types_path_params_from_url_kwargs(client, author):
    book = Book.objects.create(title="One", author=author)
    r = client.get(f"/plain/books/{book.pk}/")
    assert r.status_code == 200, r
    assert r.json()["id"] == book.pk
    assert SEEN[-1]["kwargs"] == {"pk": book.pk}
    r = client.get("/plain/books/abc/")
    assert r.status_code == 422, r
    assert "detail" in r.json()


def test_as_view_detail_destroy(client, author):
    book = Book.objects.create(title="One", author=author)
    r = client.delete(f"/plain/books/{book.pk}/")
    assert r.status_code == 204, r
    assert not Book.objects.exists()


def test_as_view_unmapped_method_is_405(client, author):
    book = Book.objects.create(title="One", author=author)
    r = client.put(f"/plain/books/{book.pk}/", {"title": "x", "author_id": author.pk})
    assert r.status_code == 405, r
    assert r.json()["detail"] == 'Method "PUT" not allowed.'
    assert allow(r) == {"GET", "HEAD", "DELETE", "OPTIONS"}


def test_as_view_head_follows_get(client, author):
    r = client.head("/plain/books/")
    assert r.status_code == 200, r
    assert [s["action"] for s in SEEN] == ["list"]


def test_as_view_runs_permissions(client, user):
    assert client.get("/plain/private/").status_code == 401
    client.force_login(user)
    r = client.get("/plain/private/")
    assert r.status_code == 200, r
    assert r.json() == ["secret"]


def test_as_view_initkwargs_become_attributes(client, author):
    book = Book.objects.create(title="One", author=author)
    seen = []
    for url in (f"/plain/books/{book.pk}/", "/plain/books/", "/plain/named/"):
        assert client.get(url).status_code == 200, url
        seen.append(SEEN[0])
        SEEN.clear()
    detail, listing, named = seen
    assert (detail["basename"], detail["detail"]) == ("plain-book", True)
    assert (listing["basename"], listing["detail"]) == (None, None)
    assert (named["name"], named["view_name"]) == ("Everything", "Everything")


def test_as_view_of_an_extra_action_and_its_mapped_secondary(client):
    assert client.put("/plain/probes/7/password/").json() == {"handled_by": "password"}
    assert client.delete("/plain/probes/7/password/").json() == {"handled_by": "delete_password"}
    assert [(s["action"], s["kwargs"], s["detail"]) for s in SEEN] == [
        ("password", {"pk": 7}, None),
        ("delete_password", {"pk": 7}, None),
    ]
    assert client.get("/plain/probes/7/password/").status_code == 405


def test_as_view_exposes_cls_initkwargs_actions():
    assert plain_list.cls is PlainBooks
    assert plain_list.actions == {"get": "list", "post": "create"}
    assert plain_list.initkwargs == {}
    assert plain_detail.cls is PlainBooks
    assert plain_detail.actions == {"get": "retrieve", "delete": "destroy"}
    assert plain_detail.initkwargs == {"basename": "plain-book", "detail": True}


def test_as_view_is_an_async_csrf_exempt_view():
    assert asyncio.iscoroutinefunction(plain_list)
    assert plain_list.csrf_exempt is True
    assert plain_list.login_required is False


def test_as_view_requires_actions():
    with pytest.raises(TypeError, match="actions"):
        PlainBooks.as_view()
    with pytest.raises(TypeError, match="actions"):
        PlainBooks.as_view({})


def test_as_view_rejects_http_method_initkwargs():
    with pytest.raises(TypeError, match="get"):
        PlainBooks.as_view({"get": "list"}, get="list")


def test_as_view_rejects_unknown_initkwargs():
    with pytest.raises(TypeError, match="bogus"):
        PlainBooks.as_view({"get": "list"}, bogus=1)


def test_as_view_rejects_name_and_suffix_together():
    with pytest.raises(TypeError, match="mutually exclusive"):
        PlainBooks.as_view({"get": "list"}, name="A", suffix="B")


# -- sync user handlers -------------------------------------------------------------------------


def test_sync_list_uses_the_sync_orm(client, author):
    Book.objects.create(title="A", author=author)
    Book.objects.create(title="B", author=author)
    r = client.get("/api/sync/")
    assert r.status_code == 200, r
    assert r.json() == ["A", "B"]


def test_sync_retrieve_returns_a_model_instance(client, author):
    tag = Tag.objects.create(name="t")
    book = Book.objects.create(title="A", author=author)
    book.tags.set([tag])
    r = client.get(f"/api/sync/{book.pk}/")
    assert r.status_code == 200, r
    assert r.json() == {
        "id": book.pk,
        "title": "A",
        "year": 2000,
        "author": {"id": author.pk, "name": "Ann"},
        "tags": [{"id": tag.pk, "name": "t"}],
    }


def test_sync_action_with_body_writes_with_the_sync_orm(client, db):
    r = client.post("/api/sync/authors/", {"name": "Zoe"})
    assert r.status_code == 200, r
    assert r.json() == {"id": Author.objects.get(name="Zoe").pk, "count": 1}


def test_sync_action_runs_off_the_event_loop(client, db):
    r = client.get("/api/sync/loop/")
    assert r.status_code == 200, r
    assert r.json() == {"on_event_loop": False}


def test_sync_action_returning_a_queryset_with_nested_relations(client, author):
    book = Book.objects.create(title="A", author=author)
    r = client.get("/api/sync/everything/")
    assert r.status_code == 200, r
    assert r.json() == [
        {
            "id": book.pk,
            "title": "A",
            "year": 2000,
            "author": {"id": author.pk, "name": "Ann"},
            "tags": [],
        }
    ]


def test_a_body_declared_as_another_type_than_json_is_415(client, db):
    """Regression (found by the bad-input catalogue): Ninja parsed a text/plain or form body
    as JSON, so a cross-site form could write; now only JSON media types reach the action."""
    for url in ("/api/sync/authors/", "/plain/books/"):
        for media_type in ("text/plain", "application/x-www-form-urlencoded"):
            r = client.post(
                url, {"name": "Zoe", "title": "t", "author_id": 1}, content_type=media_type
            )
            assert r.status_code == 415, (url, media_type, r)
            assert r.json()["code"] == "unsupported_media_type"
    assert not Author.objects.exists() and not Book.objects.exists()
    r = client.post("/api/sync/authors/", {"name": "Zoe"}, content_type="application/vnd.api+json")
    assert r.status_code == 200, r


def test_a_body_without_a_content_type_is_read_as_json(db):
    """Ninja's TestClient sends none; such a request is no cross-site form."""
    from ninja_viewsets.testing import APIClient

    r = APIClient(router).post("/sync/authors/", json={"name": "Zoe"})
    assert r.status_code == 200, r.content
