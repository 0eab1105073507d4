"""DRF's ``tests/test_routers.py``, ported: route tables, lookups, trailing slashes, roots,
basenames, ``initkwargs``.

Each test keeps DRF's name and says which DRF test it ports. Differences adapted (listed in
``docs/coming-from-drf.md``): a router is mounted on a ``NinjaAPI`` (always namespaced) instead
of ``include(router.urls)``; URL patterns are Django ``path()`` routes (``notes/<uuid>/``), not
regexes, and the route table's templates carry no ``^``/``$``; ``url_path`` takes typed
``{name}`` parameters instead of regex groups or ``<int:name>``; the hyperlinked ``url`` field
of DRF's serializers is left out of the schemas; registering after the URLs were built is an
``ImproperlyConfigured`` (DRF rebuilds its URLs). Not ported (see ``tests/drf/README.md``):
``TestRootView.test_retrieve_non_namespaced_root`` (a Ninja API always has a namespace).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path, resolve, reverse
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, SimpleRouter, ViewSet, action, permissions
from tests.testapp.models import BasicModel, RouterTestModel


class NoteOut(Schema):
    uuid: str
    text: str


class NoteIn(Schema):
    uuid: str
    text: str


class NoteViewSet(ModelViewSet):
    queryset = RouterTestModel.objects.order_by("id")
    output_schema = NoteOut
    input_schema = NoteIn
    lookup_field = "uuid"


class KWargedNoteViewSet(ModelViewSet):
    queryset = RouterTestModel.objects.all()
    output_schema = NoteOut
    input_schema = NoteIn
    lookup_field = "text__contains"
    lookup_url_kwarg = "text"


class BasenameViewSet(ModelViewSet):
    queryset = BasicModel.objects.all()


class MockViewSet(ViewSet):
    """Adapted: DRF's is a ``ModelViewSet`` with no queryset nor serializer, never called;
    here a ``ModelViewSet`` needs a model or schemas at ``register()``."""

    async def list(self, request) -> list[int]:
        return []


class RegexNoteViewSet(NoteViewSet):
    lookup_value_regex = "[0-9a-f]{32}"


class EmptyPrefixViewSet(ModelViewSet):
    queryset = RouterTestModel.objects.order_by("id")
    output_schema = NoteOut
    input_schema = NoteIn


class UrlPathViewSet(ViewSet):
    @action(detail=False, url_path="list/{kwarg}")
    async def url_path_list(self, request, kwarg: int) -> dict[str, int]:
        return {"kwarg": self.kwargs.get("kwarg", kwarg)}

    @action(detail=True, url_path="detail/{kwarg}")
    async def url_path_detail(self, request, pk: str, kwarg: int) -> dict[str, object]:
        return {"pk": pk, "kwarg": kwarg}

    @action(detail=True, url_path="detail/{kwarg}/detail/{param}")
    async def url_path_detail_multiple_params(
        self, request, pk: str, kwarg: int, param: int
    ) -> dict[str, object]:
        return {"pk": pk, "kwarg": kwarg, "param": param}


class BasicViewSet(ViewSet):
    async def list(self, request) -> dict[str, str]:
        return {"method": "list"}

    @action(methods=["post"], detail=True)
    async def action1(self, request, pk: str) -> dict[str, str]:
        return {"method": "action1"}

    @action(methods=["post", "delete"], detail=True)
    async def action2(self, request, pk: str) -> dict[str, str]:
        return {"method": "action2"}

    @action(methods=["post"], detail=True)
    async def action3(self, request, pk: str) -> dict[str, str]:
        return {"post": pk}

    @action3.mapping.delete
    async def action3_delete(self, request, pk: str) -> dict[str, str]:
        return {"delete": pk}


class ActionKwargsViewSet(ModelViewSet):
    queryset = BasicModel.objects.all()
    permission_classes = []

    @action(methods=["post"], detail=True, permission_classes=[permissions.AllowAny])
    async def custom(self, request, pk: int) -> dict[str, list[str]]:
        return {"permission_classes": [p.__name__ for p in self.permission_classes]}


class DynamicListAndDetailViewSet(ViewSet):
    async def list(self, request) -> dict[str, str]:
        return {"method": "list"}

    @action(methods=["post"], detail=False)
    async def list_route_post(self, request) -> dict[str, str]:
        return {"method": "action1"}

    @action(methods=["post"], detail=True)
    async def detail_route_post(self, request, pk: str) -> dict[str, str]:
        return {"method": "action2"}

    @action(detail=False)
    async def list_route_get(self, request) -> dict[str, str]:
        return {"method": "link1"}

    @action(detail=True)
    async def detail_route_get(self, request, pk: str) -> dict[str, str]:
        return {"method": "link2"}

    @action(detail=False, url_path="list_custom-route")
    async def list_custom_route_get(self, request) -> dict[str, str]:
        return {"method": "link1"}

    @action(detail=True, url_path="detail_custom-route")
    async def detail_custom_route_get(self, request, pk: str) -> dict[str, str]:
        return {"method": "link2"}


class SubDynamicListAndDetailViewSet(DynamicListAndDetailViewSet):
    pass


def mount(router, namespace):
    api = NinjaAPI(urls_namespace=namespace)
    api.add_router("/", router)
    return api


basics_router = SimpleRouter()
basics_router.register("basics", BasicViewSet, basename="basic")
notes_router = SimpleRouter()
notes_router.register("notes", NoteViewSet)
kwarged_notes_router = SimpleRouter()
kwarged_notes_router.register("notes", KWargedNoteViewSet)
namespaced_router = DefaultRouter()
namespaced_router.register("example", MockViewSet, basename="example")
empty_prefix_router = SimpleRouter()
empty_prefix_router.register("", EmptyPrefixViewSet, basename="empty_prefix")
url_path_router = SimpleRouter()
url_path_router.register("", UrlPathViewSet, basename="path")
notes_path_default_router = DefaultRouter()
notes_path_default_router.register("notes", NoteViewSet, basename="default-note")
regex_router = SimpleRouter()
regex_router.register("notes", RegexNoteViewSet, basename="regex-note")
kwargs_router = SimpleRouter()
kwargs_router.register("test", ActionKwargsViewSet, basename="test")
nameable_router = DefaultRouter()
nameable_router.root_view_name = "nameable-root"
nameable_router.register("notes", NoteViewSet)

apis = {
    "api": mount(basics_router, "drf-routers"),
    "example": mount(notes_router, "drf-routers-notes"),
    "example2": mount(kwarged_notes_router, "drf-routers-kwarged"),
    "namespaced": mount(namespaced_router, "namespaced"),
    "empty-prefix": mount(empty_prefix_router, "drf-routers-empty"),
    "path": mount(url_path_router, "drf-routers-path"),
    "default": mount(notes_path_default_router, "drf-routers-default"),
    "regex": mount(regex_router, "drf-routers-regex"),
    "kwargs": mount(kwargs_router, "drf-routers-kwargs"),
    "nameable": mount(nameable_router, "drf-routers-nameable"),
}
urlpatterns = [path(f"{prefix}/", api.urls) for prefix, api in apis.items()]
pytestmark = pytest.mark.urls(__name__)


NINJAS_OWN = {"openapi-json", "openapi-view", "api-root"}  # Ninja's docs and its own root
NINJAS_OWN.add("ninja-viewsets-fallback")  # the unrouted URLs' JSON 404 (not a route)


def routes(api):
    """The routes of the router's URL patterns, in order, once each (DRF: ``router.urls``).

    Ninja yields one pattern per operation and adds its docs and root: left out here.
    """
    found = [str(p.pattern) for p in api.urls[0] if p.name not in NINJAS_OWN]
    return list(dict.fromkeys(found))


@pytest.fixture
def notes(db):
    RouterTestModel.objects.create(uuid="123", text="foo bar")
    RouterTestModel.objects.create(uuid="a b", text="baz qux")


# -- TestSimpleRouter --------------------------------------------------------------------------


def test_action_routes():
    """DRF test_routers.py TestSimpleRouter.test_action_routes (templates without ^$)."""
    found = SimpleRouter().get_routes(BasicViewSet)
    extra = [r for r in found if r.name not in ("{basename}-list", "{basename}-detail")]
    assert [(r.url, r.mapping) for r in extra] == [
        ("{prefix}/{lookup}/action1{trailing_slash}", {"post": "action1"}),
        ("{prefix}/{lookup}/action2{trailing_slash}", {"post": "action2", "delete": "action2"}),
        (
            "{prefix}/{lookup}/action3{trailing_slash}",
            {"post": "action3", "delete": "action3_delete"},
        ),
    ]


def test_multiple_action_handlers(client, db):
    """DRF test_routers.py TestSimpleRouter.test_multiple_action_handlers."""
    url = reverse("drf-routers:basic-action3", args=[1])
    assert client.post(url).json() == {"post": "1"}
    assert client.delete(url).json() == {"delete": "1"}


def test_register_after_accessing_urls():
    """DRF test_routers.py TestSimpleRouter.test_register_after_accessing_urls.

    Adapted: Ninja freezes a router once ``api.urls`` is read, so a later ``register()`` is a
    clear ``ImproperlyConfigured`` (DRF rebuilds ``router.urls``); before that, it works.
    """
    router = SimpleRouter()
    router.register("notes", NoteViewSet)
    api = mount(router, "drf-routers-late")
    router.register("notes_bis", NoteViewSet, basename="notes_bis")  # before api.urls: fine
    assert len(routes(api)) == 4  # list and detail, twice
    with pytest.raises(ImproperlyConfigured, match=r"before `api.urls` is read"):
        router.register("notes_ter", NoteViewSet, basename="notes_ter")
    assert len(routes(api)) == 4  # nothing half-registered


# -- TestRootView ------------------------------------------------------------------------------


def test_retrieve_namespaced_root(client, db):
    """DRF test_routers.py TestRootView.test_retrieve_namespaced_root."""
    response = client.get("/namespaced/")
    assert response.json() == {"example": "http://testserver/namespaced/example/"}


# -- TestCustomLookupFields --------------------------------------------------------------------


def test_custom_lookup_field_route():
    """DRF test_routers.py TestCustomLookupFields.test_custom_lookup_field_route."""
    assert "<uuid>" in routes(apis["example"])[-1]


def test_retrieve_lookup_field_list_view(client, notes):
    """DRF test_routers.py TestCustomLookupFields.test_retrieve_lookup_field_list_view."""
    assert client.get("/example/notes/").json() == [
        {"uuid": "123", "text": "foo bar"},
        {"uuid": "a b", "text": "baz qux"},
    ]


def test_retrieve_lookup_field_detail_view(client, notes):
    """DRF test_routers.py TestCustomLookupFields.test_retrieve_lookup_field_detail_view."""
    assert client.get("/example/notes/123/").json() == {"uuid": "123", "text": "foo bar"}


def test_retrieve_lookup_field_url_encoded_detail_view_(client, notes):
    """DRF test_routers.py TestCustomLookupFields
    .test_retrieve_lookup_field_url_encoded_detail_view_."""
    assert client.get("/example/notes/a%20b/").json() == {"uuid": "a b", "text": "baz qux"}


# -- TestLookupValueRegex ----------------------------------------------------------------------


def test_urls_limited_by_lookup_value_regex(client, db):
    """DRF test_routers.py TestLookupValueRegex.test_urls_limited_by_lookup_value_regex.

    Adapted: the regex is a URL converter of the route; a value that does not match is a
    404 from the resolver, without a query.
    """
    list_route, detail_route = routes(apis["regex"])
    assert list_route == "notes/"
    assert detail_route.startswith("notes/<nvlookup") and detail_route.endswith(":uuid>/")
    key = "0123456789abcdef" * 2
    RouterTestModel.objects.create(uuid=key[:20], text="x")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/regex/notes/not-hex/").status_code == 404
    assert len(queries) == 0
    assert client.get(f"/regex/notes/{key}/").status_code == 404  # matches: looked up
    assert reverse("drf-routers-regex:regex-note-detail", args=[key]) == f"/regex/notes/{key}/"


# -- TestLookupUrlKwargs -----------------------------------------------------------------------


def test_custom_lookup_url_kwarg_route():
    """DRF test_routers.py TestLookupUrlKwargs.test_custom_lookup_url_kwarg_route."""
    assert routes(apis["example2"])[-1].startswith("notes/<text>")


def test_retrieve_lookup_url_kwarg_detail_view(client, notes):
    """DRF test_routers.py TestLookupUrlKwargs.test_retrieve_lookup_url_kwarg_detail_view."""
    assert client.get("/example2/notes/fo/").json() == {"uuid": "123", "text": "foo bar"}


def test_retrieve_lookup_url_encoded_kwarg_detail_view(client, notes):
    """DRF test_routers.py TestLookupUrlKwargs
    .test_retrieve_lookup_url_encoded_kwarg_detail_view."""
    assert client.get("/example2/notes/foo%20bar/").json() == {"uuid": "123", "text": "foo bar"}


# -- TestTrailingSlashIncluded / TestTrailingSlashRemoved --------------------------------------


def test_urls_have_trailing_slash_by_default():
    """DRF test_routers.py TestTrailingSlashIncluded.test_urls_have_trailing_slash_by_default."""
    router = SimpleRouter()
    router.register("notes", NoteViewSet)
    assert routes(mount(router, "drf-routers-slash")) == ["notes/", "notes/<uuid>/"]


def test_urls_can_have_trailing_slash_removed():
    """DRF test_routers.py TestTrailingSlashRemoved.test_urls_can_have_trailing_slash_removed."""
    router = SimpleRouter(trailing_slash=False)
    router.register("notes", NoteViewSet)
    assert routes(mount(router, "drf-routers-noslash")) == ["notes", "notes/<uuid>"]


# -- TestNameableRoot --------------------------------------------------------------------------


def test_router_has_custom_name():
    """DRF test_routers.py TestNameableRoot.test_router_has_custom_name."""
    names = [p.name for p in apis["nameable"].urls[0] if str(p.pattern) == ""]
    assert names[0] == "nameable-root"  # the router's root (Ninja adds its own after it)
    assert reverse("drf-routers-nameable:nameable-root") == "/nameable/"


# -- TestActionKeywordArgs ---------------------------------------------------------------------


def test_action_kwargs(client, db):
    """DRF test_routers.py TestActionKeywordArgs.test_action_kwargs (refs DRF #940)."""
    obj = BasicModel.objects.create(text="x")
    response = client.post(f"/kwargs/test/{obj.pk}/custom/")
    assert response.json() == {"permission_classes": ["AllowAny"]}


# -- TestActionAppliedToExistingRoute ----------------------------------------------------------


def test_exception_raised_when_action_applied_to_existing_route():
    """DRF test_routers.py TestActionAppliedToExistingRoute
    .test_exception_raised_when_action_applied_to_existing_route (at register())."""

    class TestViewSet(ModelViewSet):
        queryset = BasicModel.objects.all()

        @action(methods=["post"], detail=True)
        async def retrieve(self, request, pk: int) -> dict[str, str]:
            return {"hello": "world"}

    with pytest.raises(ImproperlyConfigured, match="retrieve"):
        SimpleRouter().register("test", TestViewSet, basename="test")


# -- TestDynamicListAndDetailRouter ------------------------------------------------------------


@pytest.mark.parametrize(
    ("test", "viewset"),
    [
        ("test_list_and_detail_route_decorators", DynamicListAndDetailViewSet),
        ("test_inherited_list_and_detail_route_decorators", SubDynamicListAndDetailViewSet),
    ],
)
def test_dynamic_list_and_detail_router(test, viewset):
    """DRF test_routers.py TestDynamicListAndDetailRouter.<test>."""
    found = SimpleRouter().get_routes(viewset)
    decorator_routes = [r for r in found if not r.name.endswith(("-list", "-detail"))]
    expected = [
        ("list_custom_route_get", "list_custom-route"),
        ("list_route_get", "list_route_get"),
        ("list_route_post", "list_route_post"),
        ("detail_custom_route_get", "detail_custom-route"),
        ("detail_route_get", "detail_route_get"),
        ("detail_route_post", "detail_route_post"),
    ]
    for route, (method_name, url_path) in zip(decorator_routes, expected, strict=True):
        if method_name.startswith("list_"):
            assert route.url == f"{{prefix}}/{url_path}{{trailing_slash}}"
        else:
            assert route.url == f"{{prefix}}/{{lookup}}/{url_path}{{trailing_slash}}"
        method = "post" if method_name.endswith("_post") else "get"
        assert route.mapping[method] == method_name


# -- TestEmptyPrefix ---------------------------------------------------------------------------


@pytest.fixture
def empty_prefix(db):
    return [
        RouterTestModel.objects.create(uuid="111", text="First"),
        RouterTestModel.objects.create(uuid="222", text="Second"),
    ]


def test_empty_prefix_list(client, empty_prefix):
    """DRF test_routers.py TestEmptyPrefix.test_empty_prefix_list."""
    response = client.get("/empty-prefix/")
    assert response.status_code == 200
    assert response.json() == [{"uuid": "111", "text": "First"}, {"uuid": "222", "text": "Second"}]


def test_empty_prefix_detail(client, empty_prefix):
    """DRF test_routers.py TestEmptyPrefix.test_empty_prefix_detail."""
    response = client.get(f"/empty-prefix/{empty_prefix[0].pk}/")
    assert response.status_code == 200
    assert response.json() == {"uuid": "111", "text": "First"}


# -- TestRegexUrlPath / TestUrlPath ------------------------------------------------------------


def test_regex_url_path_list(client, db):
    """DRF test_routers.py TestRegexUrlPath.test_regex_url_path_list.

    Adapted: ``url_path="list/{kwarg}"`` with ``kwarg: int`` (DRF: a regex group).
    """
    response = client.get("/path/list/1234/")
    assert response.status_code == 200
    assert response.json() == {"kwarg": 1234}


def test_regex_url_path_detail(client, db):
    """DRF test_routers.py TestRegexUrlPath.test_regex_url_path_detail (adapted as above)."""
    response = client.get("/path/1/detail/1234/")
    assert response.status_code == 200
    assert response.json() == {"pk": "1", "kwarg": 1234}


def test_create(client, notes):
    """DRF test_routers.py TestUrlPath.test_create: 201 with ``Location``."""
    response = client.post("/example/notes/", {"uuid": "foo", "text": "example"})
    assert response.status_code == 201
    assert response.headers["Location"] == "http://testserver/example/notes/foo/"
    assert response.json() == {"uuid": "foo", "text": "example"}
    assert RouterTestModel.objects.filter(uuid="foo").exists()


def test_retrieve(client, notes):
    """DRF test_routers.py TestUrlPath.test_retrieve."""
    for url in ("/example/notes/123/", "/default/notes/123/"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.json() == {"uuid": "123", "text": "foo bar"}


def test_list(client, notes):
    """DRF test_routers.py TestUrlPath.test_list."""
    for url in ("/example/notes/", "/default/notes/"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.json() == [
            {"uuid": "123", "text": "foo bar"},
            {"uuid": "a b", "text": "baz qux"},
        ]


def test_update(client, notes):
    """DRF test_routers.py TestUrlPath.test_update."""
    response = client.patch("/example/notes/123/", {"text": "foo bar example"})
    assert response.status_code == 200
    assert response.json() == {"uuid": "123", "text": "foo bar example"}


def test_delete(client, notes):
    """DRF test_routers.py TestUrlPath.test_delete."""
    assert client.delete("/example/notes/123/").status_code == 204
    assert not RouterTestModel.objects.filter(uuid="123").exists()


def test_list_extra_action(client, db):
    """DRF test_routers.py TestUrlPath.test_list_extra_action."""
    response = client.get("/path/list/1234/")
    assert response.status_code == 200
    assert response.json() == {"kwarg": 1234}


def test_detail_extra_action(client, db):
    """DRF test_routers.py TestUrlPath.test_detail_extra_action."""
    response = client.get("/path/1/detail/1234/")
    assert response.status_code == 200
    assert response.json() == {"pk": "1", "kwarg": 1234}


def test_detail_extra_other_action(client, db):
    """DRF test_routers.py TestUrlPath.test_detail_extra_other_action: the longer route wins."""
    response = client.get("/path/1/detail/1234/detail/2/")
    assert response.status_code == 200
    assert response.json() == {"pk": "1", "kwarg": 1234, "param": 2}


def test_defaultrouter_root(client, db):
    """DRF test_routers.py TestUrlPath.test_defaultrouter_root."""
    response = client.get("/default/")
    assert response.status_code == 200
    assert response.json() == {"notes": "http://testserver/default/notes/"}


# -- TestViewInitkwargs ------------------------------------------------------------------------


def test_suffix():
    """DRF test_routers.py TestViewInitkwargs.test_suffix."""
    assert resolve("/example/notes/").func.initkwargs["suffix"] == "List"


def test_detail():
    """DRF test_routers.py TestViewInitkwargs.test_detail."""
    assert not resolve("/example/notes/").func.initkwargs["detail"]
    assert resolve("/example/notes/123/").func.initkwargs["detail"]


def test_basename():
    """DRF test_routers.py TestViewInitkwargs.test_basename."""
    match = resolve("/example/notes/")
    assert match.func.initkwargs["basename"] == "routertestmodel"
    assert match.func.cls is NoteViewSet
    assert match.func.actions == {"get": "list", "post": "create"}


# -- BasenameTestCase (x3: TestDuplicateBasenameSimpleRouter, ...DefaultRouter, ...RootViewName)


def _simple():
    return SimpleRouter(trailing_slash=False)


def _default_named():
    router = DefaultRouter()
    router.root_view_name = "nameable-root"
    return router


ROUTERS = pytest.mark.parametrize(
    "make_router",
    [_simple, DefaultRouter, _default_named],
    ids=[
        "TestDuplicateBasenameSimpleRouter",
        "TestDuplicateBasenameDefaultRouter",
        "TestDuplicateBasenameDefaultRouterRootViewName",
    ],
)


@ROUTERS
def test_conflicting_autogenerated_basenames(make_router):
    """DRF test_routers.py BasenameTestCase.test_conflicting_autogenerated_basenames."""
    router = make_router()
    router.register("notes", NoteViewSet)
    with pytest.raises(ImproperlyConfigured):
        router.register("notes_kwduplicate", KWargedNoteViewSet)
    with pytest.raises(ImproperlyConfigured):
        router.register("notes_duplicate", NoteViewSet)


@ROUTERS
def test_conflicting_mixed_basenames(make_router):
    """DRF test_routers.py BasenameTestCase.test_conflicting_mixed_basenames."""
    router = make_router()
    router.register("notes", NoteViewSet)
    with pytest.raises(ImproperlyConfigured):
        router.register("notes_kwduplicate", KWargedNoteViewSet, basename="routertestmodel")
    with pytest.raises(ImproperlyConfigured):
        router.register("notes_duplicate", NoteViewSet, basename="routertestmodel")


@ROUTERS
def test_nonconflicting_mixed_basenames(make_router):
    """DRF test_routers.py BasenameTestCase.test_nonconflicting_mixed_basenames."""
    router = make_router()
    router.register("notes", NoteViewSet)
    router.register("notes_kwduplicate", KWargedNoteViewSet, basename="routertestmodel_kwduplicate")
    router.register("notes_duplicate", NoteViewSet, basename="routertestmodel_duplicate")


@ROUTERS
def test_conflicting_specified_basename(make_router):
    """DRF test_routers.py BasenameTestCase.test_conflicting_specified_basename."""
    router = make_router()
    router.register("notes", NoteViewSet, basename="notes")
    with pytest.raises(ImproperlyConfigured):
        router.register("notes_kwduplicate", KWargedNoteViewSet, basename="notes")
    with pytest.raises(ImproperlyConfigured):
        router.register("notes_duplicate", KWargedNoteViewSet, basename="notes")


@ROUTERS
def test_nonconflicting_specified_basename(make_router):
    """DRF test_routers.py BasenameTestCase.test_nonconflicting_specified_basename."""
    router = make_router()
    router.register("notes", NoteViewSet, basename="notes")
    router.register("notes_kwduplicate", KWargedNoteViewSet, basename="notes_kwduplicate")
    router.register("notes_duplicate", NoteViewSet, basename="notes_duplicate")


@ROUTERS
def test_nonconflicting_specified_basename_different_models(make_router):
    """DRF test_routers.py BasenameTestCase
    .test_nonconflicting_specified_basename_different_models."""
    router = make_router()
    router.register("notes", NoteViewSet, basename="notes")
    router.register("notes_basename", BasenameViewSet, basename="notes_basename")


@ROUTERS
def test_conflicting_specified_basename_different_models(make_router):
    """DRF test_routers.py BasenameTestCase.test_conflicting_specified_basename_different_models."""
    router = make_router()
    router.register("notes", NoteViewSet)
    with pytest.raises(ImproperlyConfigured):
        router.register("notes_basename", BasenameViewSet, basename="routertestmodel")


@ROUTERS
def test_nonconflicting_autogenerated_basename_different_models(make_router):
    """DRF test_routers.py BasenameTestCase
    .test_nonconflicting_autogenerated_basename_different_models."""
    router = make_router()
    router.register("notes", NoteViewSet)
    router.register("notes_basename", BasenameViewSet)
