"""register() plans, then applies: a configuration error leaves the router and its API as they
were; the plan is plain data; each operation's viewset is resolved once into an ActionConfig."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import ModelViewSet, SimpleRouter, ViewSet, action
from ninja_viewsets._operations import ViewSetPathView
from ninja_viewsets._plans import ActionConfig, Plan, resolve_action
from ninja_viewsets.permissions import AllowAny, IsAuthenticated
from tests.testapp.models import Author


class AuthorOut(Schema):
    id: int
    name: str


class AuthorIn(Schema):
    name: str


class AuthorViewSet(ModelViewSet):
    queryset = Author.objects.all()
    output_schema = AuthorOut
    input_schema = AuthorIn
    permission_classes = [AllowAny]


def _clashing_schema() -> type[Schema]:
    class AuthorOut(Schema):  # another class with the name of the one already registered
        nickname: str

    return AuthorOut


class BrokenSecondAction(ViewSet):
    """Its first action is fine; the second answers a schema whose name is already taken."""

    permission_classes = [AllowAny]

    @action(detail=False, methods=["get"])
    async def fine(self, request) -> dict[str, str]:
        return {"ok": "yes"}

    @action(detail=False, methods=["get"], response=_clashing_schema())
    async def clash(self, request):
        return {"nickname": "x"}


class BadOption(ViewSet):
    permission_classes = [AllowAny]

    @action(detail=False, methods=["get"])
    async def fine(self, request) -> dict[str, str]:
        return {"ok": "yes"}

    @action(detail=False, methods=["get"], no_such_option=1)
    async def wrong(self, request) -> dict[str, str]:
        return {}


router = SimpleRouter()


@router.get("/plain/", response=dict[str, str])
def plain(request):  # the user's own Ninja operation on this router
    return {"plain": "ninja"}


router.register("authors", AuthorViewSet)
with pytest.raises(ImproperlyConfigured, match="two different schemas are named 'AuthorOut'"):
    router.register("broken", BrokenSecondAction, basename="broken")
with pytest.raises(TypeError, match="no_such_option"):
    router.register("badoption", BadOption, basename="badoption")

api = NinjaAPI(urls_namespace="registration")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


def test_a_failed_register_adds_nothing():
    assert [r.basename for r in router.registry] == ["author"]
    assert not [key for key in router.path_operations if "broken" in key or "badoption" in key]
    schema = api.get_openapi_schema(path_prefix="/api")
    assert not [url for url in schema["paths"] if "broken" in url or "badoption" in url]
    assert "/api/authors/" in schema["paths"]


def test_the_other_routes_still_serve(client):
    author = Author.objects.create(name="Ann")
    assert client.get("/api/authors/").json() == [{"id": author.pk, "name": "Ann"}]
    assert client.get(f"/api/authors/{author.pk}/").status_code == 200
    assert client.get("/api/plain/").json() == {"plain": "ninja"}
    assert client.get("/api/broken/fine/").status_code == 404


def test_a_ninja_error_while_applying_rolls_back(monkeypatch):
    fresh = SimpleRouter()

    @fresh.post("/authors/", response=dict[str, str])
    def by_hand(request):  # a plain PathView on the URL the viewset will share
        return {}

    before = {
        key: (type(view), list(view.operations)) for key, view in fresh.path_operations.items()
    }
    calls = []
    original = SimpleRouter.add_api_operation

    def failing(self, *args, **kwargs):
        calls.append(args[0])
        if len(calls) == 3:
            raise RuntimeError("Ninja refused the operation")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SimpleRouter, "add_api_operation", failing)
    with pytest.raises(RuntimeError, match="Ninja refused"):
        fresh.register("authors", AuthorViewSet)
    assert len(calls) == 3  # two operations were added before the failure
    after = {
        key: (type(view), list(view.operations)) for key, view in fresh.path_operations.items()
    }
    assert after == before
    assert fresh.registry == []
    monkeypatch.undo()
    fresh.register("authors", AuthorViewSet)  # and the same registration then succeeds
    assert isinstance(fresh.path_operations["/authors/"], ViewSetPathView)


class DescribedAuthorViewSet(AuthorViewSet):
    """Authors: described, so their tag is listed in the API's document."""


def test_a_rolled_back_registration_leaves_no_tag_in_the_api(monkeypatch):
    fresh = SimpleRouter()
    mounted = NinjaAPI(urls_namespace="registration-tags", openapi_extra={"info": {"x": 1}})
    mounted.add_router("/", fresh)  # Ninja 1.5 binds each operation as it is added
    original = SimpleRouter.add_api_operation
    calls = []

    def failing(self, *args, **kwargs):
        calls.append(args[0])
        if len(calls) == 3:
            raise RuntimeError("Ninja refused the operation")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SimpleRouter, "add_api_operation", failing)
    with pytest.raises(RuntimeError, match="Ninja refused"):
        fresh.register("authors", DescribedAuthorViewSet)
    assert mounted.openapi_extra == {"info": {"x": 1}}
    monkeypatch.undo()
    fresh.register("writers", AuthorViewSet, basename="writer")  # no docstring: no tag
    assert "tags" not in mounted.get_openapi_schema(path_prefix="")


def test_plan_touches_nothing():
    fresh = SimpleRouter()
    plan = fresh.plan("authors", AuthorViewSet, "author")
    assert isinstance(plan, Plan)
    assert fresh.path_operations == {}
    assert fresh.registry == []
    assert [p.path for p in plan.paths] == ["/authors/", "/authors/{pk}/"]
    assert [op.methods for op in plan.paths[1].operations] == [
        ["GET"],
        ["PUT"],
        ["PATCH"],
        ["DELETE"],
    ]
    assert plan.paths[0].operations[0].options["operation_id"] == "author_list"
    fresh.apply(plan)
    assert set(fresh.path_operations) == {"/authors/", "/authors/{pk}/"}


class Guarded(ViewSet):
    permission_classes = [IsAuthenticated]
    throttle_classes: list = []

    async def list(self, request):
        return []


class PerRequest(ViewSet):
    def get_permissions(self):
        return [AllowAny()] if self.request.user.is_staff else [IsAuthenticated()]

    def get_throttles(self):
        return [] if self.action == "list" else [object()]

    async def list(self, request):
        return []


def test_action_config_is_resolved_once_per_operation():
    config = resolve_action(AuthorViewSet, "update", {"basename": "author"})
    assert isinstance(config, ActionConfig)
    assert config.instance.action == "update"
    assert config.generic and not config.may_deny and not config.has_auth
    guarded = resolve_action(Guarded, "list", {})
    assert guarded.may_deny and not guarded.throttled and not guarded.generic
    # an override reading the request is decided per request; one reading the action is not
    per_request = resolve_action(PerRequest, "list", {})
    assert per_request.may_deny and not per_request.throttled
    assert resolve_action(PerRequest, "retrieve", {}).throttled
