"""ninja_viewsets.views and ninja_viewsets._policies: the request engine under every viewset
(DRF's ``APIView`` part) and its policy checks."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS
from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer

from ninja_viewsets import DefaultRouter, ModelViewSet, ViewSet, action, viewsets
from ninja_viewsets._policies import PolicyChecks
from ninja_viewsets.permissions import IsAuthenticated
from ninja_viewsets.views import APIView
from tests.testapp.models import Author


class AuthorOut(Schema):
    id: int
    name: str


class AuthorIn(Schema):
    name: str


class Token(HttpBearer):
    async def authenticate(self, request, token):
        return await User.objects.filter(username=token).afirst()


class Authors(ModelViewSet):
    queryset = Author.objects.all()
    output_schema = AuthorOut
    input_schema = AuthorIn
    permission_classes: list = []


class Unatomic(Authors):
    atomic_writes = False


class Private(ViewSet):
    auth = Token()
    authentication_required = False  # DRF's meaning: the permissions decide
    permission_classes = [IsAuthenticated]

    @action(detail=False)
    async def secret(self, request) -> dict[str, str]:
        return {"user": request.user.username}


class Failing(ViewSet):
    permission_classes: list = []
    seen: list[str] = []

    @action(detail=False)
    async def boom(self, request) -> dict[str, str]:
        raise KeyError("lost")

    def handle_exception(self, exc):
        self.seen.append(type(exc).__name__)
        return super().handle_exception(exc)


router = DefaultRouter()
router.register("authors", Authors, basename="author")
router.register("private", Private, basename="private")
router.register("failing", Failing, basename="failing")
api = NinjaAPI(urls_namespace="views")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


def test_every_viewset_runs_on_the_engine_and_its_policy_checks():
    assert issubclass(viewsets.ViewSetMixin, APIView)
    assert issubclass(APIView, PolicyChecks)
    assert ModelViewSet.run is APIView.run
    assert ModelViewSet.check_permissions is PolicyChecks.check_permissions


def test_a_write_runs_in_a_transaction_on_the_models_write_database(db):
    assert Authors().get_write_database() == DEFAULT_DB_ALIAS
    assert Unatomic().get_write_database() is None  # atomic_writes = False: none
    assert ViewSet().get_write_database() == DEFAULT_DB_ALIAS  # no queryset: the default


def test_a_non_json_body_is_415_before_the_action(client, db):
    r = client.post("/api/authors/", {"name": "Zoe"}, content_type="text/plain")
    assert r.status_code == 415, r
    assert r.json()["code"] == "unsupported_media_type"
    assert not Author.objects.exists()
    r = client.post("/api/authors/", {"name": "Zoe"})
    assert r.status_code == 201, r


def test_permission_denied_is_401_with_the_challenge_when_anonymous(client, db):
    r = client.get("/api/private/secret/")
    assert r.status_code == 401, r
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert "detail" in r.json()


def test_permission_granted_for_an_authenticated_user(client, db):
    User.objects.create(username="ann")
    r = client.get("/api/private/secret/", headers={"Authorization": "Bearer ann"})
    assert (r.status_code, r.json()) == (200, {"user": "ann"})


def test_handle_exception_sees_the_actions_error_and_answers_500(client, db):
    Failing.seen.clear()
    r = client.get("/api/failing/boom/")
    assert r.status_code == 500, r
    assert r.json() == {"detail": "A server error occurred.", "code": "server_error"}
    assert Failing.seen == ["KeyError"]
