"""DRF's ``tests/test_viewsets.py``, ported: as_view, extra actions, their URL map, reverse.

Each test keeps DRF's name and says which DRF test it ports. Differences adapted (listed in
``docs/coming-from-drf.md``): actions are ``async`` and return data (DRF's tests read
``response.view``; here the action answers what the test reads from the view), configuration
errors are ``TypeError``/``ValueError``/``ImproperlyConfigured`` with DRF's messages instead of
``AssertionError``, and ``url_path`` takes ``{name}`` parameters instead of regex groups.
"""

from __future__ import annotations

import functools

import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import GenericViewSet, ModelViewSet, SimpleRouter, ViewSet, action
from tests.testapp.models import Action, Author, BasicModel

factory = RequestFactory()


class BasicViewSet(GenericViewSet):
    async def list(self, request) -> dict[str, str]:
        return {"ACTION": "LIST"}


class InstanceViewSet(GenericViewSet):
    async def dummy(self, request) -> dict[str, bool]:
        return {attr: attr in dir(self) for attr in ("args", "kwargs", "request", "action_map")}


def decorate(fn):
    @functools.wraps(fn)
    async def wrapper(self, request, **kwargs):
        return await fn(self, request, **kwargs)

    return wrapper


def seen(view) -> dict[str, object]:
    """What DRF's tests read from ``response.view``."""
    return {"action": view.action, "urls": view.get_extra_action_url_map()}


class ActionViewSet(GenericViewSet):
    queryset = Action.objects.all()

    async def list(self, request) -> dict[str, object]:
        return seen(self)

    async def retrieve(self, request, pk: int) -> dict[str, object]:
        return seen(self)

    @action(detail=False)
    async def list_action(self, request) -> dict[str, object]:
        return seen(self)

    @action(detail=False, url_name="list-custom")
    async def custom_list_action(self, request) -> dict[str, object]:
        raise NotImplementedError

    @action(detail=True)
    async def detail_action(self, request, pk: int) -> dict[str, object]:
        raise NotImplementedError

    @action(detail=True, url_name="detail-custom")
    async def custom_detail_action(self, request, pk: int) -> dict[str, object]:
        raise NotImplementedError

    @action(detail=True, url_path="unresolvable/{arg}", url_name="unresolvable")
    async def unresolvable_detail_action(self, request, pk: int, arg: str) -> dict[str, object]:
        raise NotImplementedError

    @action(detail=False)
    @decorate
    async def wrapped_list_action(self, request) -> dict[str, object]:
        raise NotImplementedError

    @action(detail=True)
    @decorate
    async def wrapped_detail_action(self, request, pk: int) -> dict[str, object]:
        raise NotImplementedError


class ActionNamesViewSet(GenericViewSet):
    async def retrieve(self, request, pk: int) -> dict[str, object]:
        return seen(self)

    @action(detail=True)
    async def unnamed_action(self, request, pk: int) -> dict[str, object]:
        raise NotImplementedError

    @action(detail=True, name="Custom Name")
    async def named_action(self, request, pk: int) -> dict[str, object]:
        raise NotImplementedError

    @action(detail=True, suffix="Custom Suffix")
    async def suffixed_action(self, request, pk: int) -> dict[str, object]:
        raise NotImplementedError


class ThingWithMapping:
    def __init__(self):
        self.mapping = {}


class ActionViewSetWithMapping(ActionViewSet):
    mapper = ThingWithMapping()


router = SimpleRouter()
router.register("actions", ActionViewSet)
router.register("actions-alt", ActionViewSet, basename="actions-alt")
router.register("names", ActionNamesViewSet, basename="names")
router.register("mapping", ActionViewSetWithMapping, basename="mapping")


# -- beyond DRF's module: issue 13's viewset items --------------------------------------------


class AuthorOut(Schema):
    id: int
    name: str


class AuthorIn(Schema):
    name: str


class AuthorViewSet(ModelViewSet[Author]):
    queryset = Author.objects.all()
    output_schema = AuthorOut
    input_schema = AuthorIn


class CreateOnly(GenericViewSet[Author]):
    """A create without a detail route: no Location."""

    queryset = Author.objects.all()
    output_schema = AuthorOut
    input_schema = AuthorIn

    from ninja_viewsets.mixins import CreateModelMixin as _Create

    create = _Create.create
    perform_create = _Create.perform_create
    get_success_headers = _Create.get_success_headers


router.register("authors", AuthorViewSet)
router.register("create-only", CreateOnly, basename="create-only")
api = NinjaAPI(urls_namespace="drf-viewsets")
api.add_router("/", router)


class NoQueryset(ViewSet):
    async def retrieve(self, request, pk) -> dict[str, str]:
        return {"type": type(pk).__name__, "kwarg": type(self.kwargs["pk"]).__name__}


basic_list = BasicViewSet.as_view(actions={"get": "list"})
instance_dummy = InstanceViewSet.as_view(actions={"get": "dummy"})
action_list = ActionViewSet.as_view(actions={"get": "list"})
action_extra = ActionViewSet.as_view(actions=dict(ActionViewSet.list_action.mapping))

urlpatterns = [
    path("api/", api.urls),
    path("basic/", basic_list),
    path("instance/", instance_dummy),
    path("action-list/", action_list),
    path("action-extra/", action_extra),
    path("typed/<int:pk>/", NoQueryset.as_view({"get": "retrieve"})),
    path("untyped/<str:pk>/", NoQueryset.as_view({"get": "retrieve"})),
]
pytestmark = pytest.mark.urls(__name__)


# -- InitializeViewSetsTestCase ----------------------------------------------------------------


def test_initialize_view_set_with_actions(client, db):
    """DRF test_viewsets.py InitializeViewSetsTestCase.test_initialize_view_set_with_actions."""
    response = client.get("/basic/")
    assert response.status_code == 200
    assert response.json() == {"ACTION": "LIST"}


def test_head_request_against_viewset(client, db):
    """DRF test_viewsets.py InitializeViewSetsTestCase.test_head_request_against_viewset."""
    response = client.head("/basic/")
    assert response.status_code == 200


def test_initialize_view_set_with_empty_actions():
    """DRF test_viewsets.py InitializeViewSetsTestCase
    .test_initialize_view_set_with_empty_actions."""
    with pytest.raises(TypeError) as excinfo:
        BasicViewSet.as_view()
    assert str(excinfo.value) == (
        "The `actions` argument must be provided "
        "when calling `.as_view()` on a ViewSet. "
        "For example `.as_view({'get': 'list'})`"
    )


def test_initialize_view_set_with_both_name_and_suffix():
    """DRF test_viewsets.py InitializeViewSetsTestCase
    .test_initialize_view_set_with_both_name_and_suffix."""
    with pytest.raises(TypeError) as excinfo:
        BasicViewSet.as_view(name="", suffix="", actions={"get": "list"})
    assert str(excinfo.value) == (
        "BasicViewSet() received both `name` and `suffix`, which are mutually exclusive arguments."
    )


def test_args_kwargs_request_action_map_on_self(client, db):
    """DRF test_viewsets.py InitializeViewSetsTestCase.test_args_kwargs_request_action_map_on_self.

    A view only has args, kwargs, request and action_map once ``as_view`` serves a request.
    """
    bare_view = InstanceViewSet()
    for attribute in ("args", "kwargs", "request", "action_map"):
        assert attribute not in dir(bare_view)
    response = client.get("/instance/")
    assert response.json() == {"args": True, "kwargs": True, "request": True, "action_map": True}


def test_viewset_action_attr(client, db):
    """DRF test_viewsets.py InitializeViewSetsTestCase.test_viewset_action_attr."""
    assert client.get("/action-list/").json()["action"] == "list"
    head = client.head("/action-list/")
    assert head.status_code == 200  # HEAD runs the same action (its body is dropped)


def test_viewset_action_attr_for_extra_action(client, db):
    """DRF test_viewsets.py InitializeViewSetsTestCase.test_viewset_action_attr_for_extra_action."""
    assert client.get("/action-extra/").json()["action"] == "list_action"
    assert client.head("/action-extra/").status_code == 200


def test_login_required_middleware_compat():
    """DRF test_viewsets.py InitializeViewSetsTestCase.test_login_required_middleware_compat."""
    view = ActionViewSet.as_view(actions={"get": "list"})
    assert view.login_required is False


# -- GetExtraActionsTests ----------------------------------------------------------------------

EXPECTED_EXTRA_ACTIONS = [
    "custom_detail_action",
    "custom_list_action",
    "detail_action",
    "list_action",
    "unresolvable_detail_action",
    "wrapped_detail_action",
    "wrapped_list_action",
]


def test_extra_actions():
    """DRF test_viewsets.py GetExtraActionsTests.test_extra_actions."""
    view = ActionViewSet()
    assert [a.__name__ for a in view.get_extra_actions()] == EXPECTED_EXTRA_ACTIONS


def test_should_only_return_decorated_methods():
    """DRF test_viewsets.py GetExtraActionsTests.test_should_only_return_decorated_methods."""
    view = ActionViewSetWithMapping()
    assert [a.__name__ for a in view.get_extra_actions()] == EXPECTED_EXTRA_ACTIONS


def test_attr_name_check():
    """DRF test_viewsets.py GetExtraActionsTests.test_attr_name_check.

    Adapted: ``ValueError`` (DRF: ``AssertionError``), with DRF's message; a router raises it
    at ``register()``.
    """

    def decorate(fn):
        async def wrapper(self, request, **kwargs):
            return await fn(self, request, **kwargs)

        return wrapper

    class ActionViewSet(GenericViewSet):
        queryset = Action.objects.all()

        @action(detail=False)
        @decorate
        async def wrapped_list_action(self, request) -> dict[str, str]:
            raise NotImplementedError

    view = ActionViewSet()
    with pytest.raises(ValueError) as excinfo:
        view.get_extra_actions()
    assert str(excinfo.value) == (
        "Expected function (`wrapper`) to match its attribute name "
        "(`wrapped_list_action`). If using a decorator, ensure the inner "
        "function is decorated with `functools.wraps`, or that "
        "`wrapper.__name__` is otherwise set to `wrapped_list_action`."
    )
    with pytest.raises(ValueError, match=r"functools\.wraps"):
        SimpleRouter().register("x", ActionViewSet)


# -- GetExtraActionUrlMapTests -----------------------------------------------------------------


def test_list_view(client, db):
    """DRF test_viewsets.py GetExtraActionUrlMapTests.test_list_view."""
    response = client.get("/api/actions/")
    assert response.json()["urls"] == {
        "Custom list action": "http://testserver/api/actions/custom_list_action/",
        "List action": "http://testserver/api/actions/list_action/",
        "Wrapped list action": "http://testserver/api/actions/wrapped_list_action/",
    }


def test_detail_view(client, db):
    """DRF test_viewsets.py GetExtraActionUrlMapTests.test_detail_view."""
    response = client.get("/api/actions/1/")
    assert response.json()["urls"] == {
        "Custom detail action": "http://testserver/api/actions/1/custom_detail_action/",
        "Detail action": "http://testserver/api/actions/1/detail_action/",
        "Wrapped detail action": "http://testserver/api/actions/1/wrapped_detail_action/",
        # "Unresolvable detail action" excluded, since it's not resolvable
    }


def test_uninitialized_view():
    """DRF test_viewsets.py GetExtraActionUrlMapTests.test_uninitialized_view."""
    assert ActionViewSet().get_extra_action_url_map() == {}


def test_action_names(client, db):
    """DRF test_viewsets.py GetExtraActionUrlMapTests.test_action_names.

    Action ``name`` and ``suffix`` kwargs are respected.
    """
    response = client.get("/api/names/1/")
    assert response.json()["urls"] == {
        "Custom Name": "http://testserver/api/names/1/named_action/",
        "Action Names Custom Suffix": "http://testserver/api/names/1/suffixed_action/",
        "Unnamed action": "http://testserver/api/names/1/unnamed_action/",
    }


# -- ReverseActionTests ------------------------------------------------------------------------


def test_default_basename():
    """DRF test_viewsets.py ReverseActionTests.test_default_basename."""
    view = ActionViewSet()
    view.basename = router.get_default_basename(ActionViewSet)
    view.request = None

    assert view.reverse_action("list") == "/api/actions/"
    assert view.reverse_action("list-action") == "/api/actions/list_action/"
    assert view.reverse_action("list-custom") == "/api/actions/custom_list_action/"

    assert view.reverse_action("detail", args=["1"]) == "/api/actions/1/"
    assert view.reverse_action("detail-action", args=["1"]) == "/api/actions/1/detail_action/"
    assert (
        view.reverse_action("detail-custom", args=["1"]) == "/api/actions/1/custom_detail_action/"
    )


def test_custom_basename():
    """DRF test_viewsets.py ReverseActionTests.test_custom_basename."""
    view = ActionViewSet()
    view.basename = "actions-alt"
    view.request = None

    assert view.reverse_action("list") == "/api/actions-alt/"
    assert view.reverse_action("list-action") == "/api/actions-alt/list_action/"
    assert view.reverse_action("list-custom") == "/api/actions-alt/custom_list_action/"

    assert view.reverse_action("detail", args=["1"]) == "/api/actions-alt/1/"
    assert view.reverse_action("detail-action", args=["1"]) == "/api/actions-alt/1/detail_action/"
    assert (
        view.reverse_action("detail-custom", args=["1"])
        == "/api/actions-alt/1/custom_detail_action/"
    )


def test_request_passing():
    """DRF test_viewsets.py ReverseActionTests.test_request_passing."""
    view = ActionViewSet()
    view.basename = router.get_default_basename(ActionViewSet)
    view.request = factory.get("/")

    # Passing the view's request object should result in an absolute URL.
    assert view.reverse_action("list") == "http://testserver/api/actions/"

    # Users should be able to explicitly not pass the view's request.
    assert view.reverse_action("list", request=None) == "/api/actions/"


# -- beyond DRF's module -----------------------------------------------------------------------


def test_create_answers_location_of_the_new_object(client, db):
    """Issue 13: ``create`` answers 201 with ``Location`` when the viewset has a detail route."""
    response = client.post("/api/authors/", json={"name": "Le Guin"})
    assert response.status_code == 201, response
    new = response.json()["id"]
    assert response.headers["Location"] == f"http://testserver/api/authors/{new}/"
    assert client.get(response.headers["Location"].removeprefix("http://testserver")).json() == {
        "id": new,
        "name": "Le Guin",
    }
    no_detail = client.post("/api/create-only/", json={"name": "X"})
    assert no_detail.status_code == 201 and "Location" not in no_detail.headers


def test_viewsets_are_subscriptable_with_their_model():
    """Issue 13: ``ModelViewSet[Author]``, ``GenericViewSet[Author]`` (typing)."""
    import typing

    from ninja_viewsets import ReadOnlyModelViewSet

    for base in (GenericViewSet, ModelViewSet, ReadOnlyModelViewSet):
        assert typing.get_origin(base[Author]) is base
    assert AuthorViewSet.__orig_bases__ == (ModelViewSet[Author],)
    assert issubclass(AuthorViewSet, ModelViewSet)


def test_class_level_queryset_evaluation_is_guarded(db):
    """Issue 13: evaluating ``Viewset.queryset`` raises, clones do not (DRF's guard)."""
    BasicModel.objects.create(text="x")

    class Guarded(GenericViewSet):
        queryset = BasicModel.objects.all()

    with pytest.raises(RuntimeError, match=r"Guarded.queryset directly.*get_queryset\(\)"):
        list(Guarded.queryset)
    assert [o.text for o in Guarded().get_queryset()] == ["x"]
    assert User.objects.count() == 0  # an unrelated queryset is untouched


def test_as_view_without_queryset_keeps_the_url_converters_type(client, db):
    """Issue 13: no queryset to type the lookup from: ``<int:pk>`` is an int, as in DRF."""
    assert client.get("/typed/7/").json() == {"type": "int", "kwarg": "int"}
    assert client.get("/untyped/7/").json() == {"type": "str", "kwarg": "str"}
