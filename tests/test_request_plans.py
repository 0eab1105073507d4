"""ninja_viewsets._request_plans: what the requests of one operation need of the viewset's
policies, resolved once: the permissions and throttles that may refuse (the ones that can only
say yes cost nothing), ``None`` where a hook of the user's decides per request, and a new plan
when a policy attribute or the settings change."""

from __future__ import annotations

import pytest
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet
from ninja_viewsets._request_plans import RequestPlan
from ninja_viewsets._signature import build_spec
from ninja_viewsets.filters import OrderingFilter, SearchFilter
from ninja_viewsets.permissions import AllowAny, BasePermission, IsAuthenticated
from ninja_viewsets.throttling import BaseThrottle
from tests.testapp.models import Author
from tests.testapp.schemas import AuthorOut


class AuthorIn(Schema):
    name: str


class ObjectsOnly(BasePermission):
    async def has_object_permission(self, request, view, obj):
        return obj.name != "secret"


class Refusing(BaseThrottle):
    def allow_request(self, request, view):
        return False


class Authors(ModelViewSet):
    queryset = Author.objects.order_by("pk")
    output_schema = AuthorOut
    input_schema = AuthorIn
    permission_classes = [AllowAny, IsAuthenticated, ObjectsOnly]
    throttle_classes: list = []
    filter_backends = [SearchFilter, OrderingFilter]
    search_fields = ["name"]


class PerRequest(Authors):
    def get_permissions(self):
        return super().get_permissions()

    async def check_throttles(self, request):
        return None


class Open(Authors):
    permission_classes = [AllowAny]


router = DefaultRouter()
router.register("open", Open, basename="open")
api = NinjaAPI(urls_namespace="request-plans")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


def plan_of(viewset: type, action: str) -> RequestPlan:
    view = viewset(action=action)
    path_types = {"pk": int} if action == "retrieve" else {}
    spec = build_spec(viewset, action, path_types, {}, {}, probe=view)
    view.collection = spec.collection
    return RequestPlan(view, spec, key=("test",))


def test_only_the_permissions_that_may_refuse_are_kept():
    plan = plan_of(Authors, "retrieve")
    assert plan.permissions == (IsAuthenticated,)  # AllowAny, ObjectsOnly: yes to every request
    assert plan.object_permissions == (ObjectsOnly,)  # the others say yes to every object
    assert plan.throttles == ()
    assert plan.key == ("test",)
    assert plan.async_handler and plan.library_handler


def test_a_hook_of_the_users_decides_per_request():
    plan = plan_of(PerRequest, "retrieve")
    assert plan.permissions is None
    assert plan.object_permissions is None
    assert plan.throttles is None


def test_the_settings_fill_what_the_viewset_leaves_unset(settings):
    class Defaults(Authors):
        permission_classes = None
        throttle_classes = None

    settings.NINJA_VIEWSETS = {
        "DEFAULT_PERMISSION_CLASSES": [IsAuthenticated],
        "DEFAULT_THROTTLE_CLASSES": [Refusing],
    }
    plan = plan_of(Defaults, "list")
    assert plan.permissions == (IsAuthenticated,)
    assert plan.throttles == (Refusing,)


def test_built_in_backends_with_nothing_to_do_are_left_out():
    class Mine(SearchFilter):
        def filter_queryset(self, request, queryset, view):
            return queryset

    class Unsearched(Authors):
        search_fields = None
        filter_backends = [SearchFilter, Mine]

    assert plan_of(Authors, "list").backends == (SearchFilter, OrderingFilter)
    assert plan_of(Authors, "retrieve").backends == ()  # their parameters are the list's
    assert plan_of(Unsearched, "list").backends == (Mine,)  # an override always runs


def test_a_changed_policy_attribute_is_seen_by_the_next_request(client, db):
    author = Author.objects.create(name="secret")
    assert client.get(f"/api/open/{author.pk}/").status_code == 200
    Open.permission_classes = [ObjectsOnly]
    try:
        assert client.get(f"/api/open/{author.pk}/").status_code == 401  # refused, anonymous
    finally:
        Open.permission_classes = [AllowAny]
    assert client.get(f"/api/open/{author.pk}/").status_code == 200
