"""ninja_viewsets._policies: DRF's policy checks of a viewset request, over HTTP:
permissions in order (401 anonymous, 403 otherwise, with the permission's message and code),
``get_permissions()`` per action, object permissions, and throttles' longest wait."""

from __future__ import annotations

import pytest
from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer

from ninja_viewsets import DefaultRouter, ModelViewSet
from ninja_viewsets._policies import PolicyChecks
from ninja_viewsets.permissions import AllowAny, BasePermission, IsAuthenticated
from ninja_viewsets.throttling import BaseThrottle
from ninja_viewsets.views import APIView
from tests.testapp.models import Author
from tests.testapp.schemas import AuthorOut


class AuthorIn(Schema):
    name: str


CALLED: list[str] = []


class NoBanned(BasePermission):
    message = "Banned names cannot be read."
    code = "banned"

    def has_permission(self, request, view):
        CALLED.append("NoBanned")
        return True

    async def has_object_permission(self, request, view, obj):
        return obj.name != "banned"


class Never(BasePermission):
    message = "Never."

    def has_permission(self, request, view):
        CALLED.append("Never")
        return False


class Authors(ModelViewSet):
    queryset = Author.objects.order_by("pk")
    output_schema = AuthorOut
    input_schema = AuthorIn
    permission_classes = [IsAuthenticated, NoBanned]

    def get_permissions(self):
        if self.action == "list":
            return [AllowAny()]
        return super().get_permissions()


class Closed(Authors):
    permission_classes = [Never, NoBanned]


class Token(HttpBearer):
    async def authenticate(self, request, token):
        return token if token == "good" else None


class WithBearer(Closed):
    auth = Token()
    authentication_required = False  # the permissions decide, as in DRF


class Slow(BaseThrottle):
    def allow_request(self, request, view):
        return False

    def wait(self):
        return 30


class Slower(Slow):
    def wait(self):
        return 90


class Unknown(Slow):
    def wait(self):
        return None


class Throttled(Authors):
    permission_classes = [AllowAny]
    throttle_classes = [Slow, Slower, Unknown]


router = DefaultRouter()
router.register("authors", Authors, basename="authors")
router.register("closed", Closed, basename="closed")
router.register("bearer", WithBearer, basename="bearer")
router.register("throttled", Throttled, basename="throttled")
api = NinjaAPI(urls_namespace="policies")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def authors(db):
    return Author.objects.create(name="fine"), Author.objects.create(name="banned")


def test_the_request_engine_runs_these_checks():
    assert issubclass(APIView, PolicyChecks)


def test_get_permissions_decides_per_action(client, authors):
    assert client.get("/api/authors/").status_code == 200  # AllowAny for list
    r = client.get(f"/api/authors/{authors[0].pk}/")
    assert r.status_code == 401, r  # IsAuthenticated, anonymous


def test_object_permissions_answer_403_with_the_message_and_code(client, authors, user):
    client.force_login(user)
    fine, banned = authors
    assert client.get(f"/api/authors/{fine.pk}/").status_code == 200
    r = client.get(f"/api/authors/{banned.pk}/")
    assert r.status_code == 403, r
    assert r.json() == {"detail": "Banned names cannot be read.", "code": "banned"}


def test_permissions_run_in_order_and_stop_at_the_first_no(client, authors, user):
    client.force_login(user)
    CALLED.clear()
    r = client.get(f"/api/closed/{authors[0].pk}/")
    assert r.status_code == 403, r
    assert r.json()["detail"] == "Never."
    assert CALLED == ["Never"]


def test_an_anonymous_refusal_is_a_401_that_names_the_scheme(client, authors):
    r = client.get(f"/api/bearer/{authors[0].pk}/")
    assert r.status_code == 401, r
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    r = client.get(f"/api/bearer/{authors[0].pk}/", headers={"Authorization": "Bearer good"})
    assert r.status_code == 403, r  # authenticated by the token: refused, not unknown


def test_a_throttled_request_waits_the_longest_known_wait(client, authors):
    r = client.get("/api/throttled/")
    assert r.status_code == 429, r
    assert r.headers["Retry-After"] == "90"
