"""Ninja auth on viewsets and actions, request.auth / request.user, 401 challenges, testing."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.urls import path
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from ninja_viewsets import DefaultRouter, ViewSet, action
from ninja_viewsets.permissions import IsAdminUser, IsAuthenticated
from ninja_viewsets.testing import APIClient, AsyncAPIClient

TOKENS: dict[str, str] = {}


class UserBearer(HttpBearer):
    async def authenticate(self, request, token):
        username = TOKENS.get(token)
        if username is None:
            return None
        return await User.objects.aget(username=username)  # a User: becomes request.user


class SyncKey(APIKeyHeader):
    param_name = "X-Key"

    def authenticate(self, request, key):
        return key if key == "sekret" else None


class Whoami(ViewSet):
    auth = UserBearer()
    permission_classes = [IsAuthenticated]

    async def list(self, request) -> dict[str, object]:
        return {
            "user": request.user.username,
            "auth": type(request.auth).__name__,
            "action": self.action,
        }

    @action(detail=False, auth=[SyncKey()], permission_classes=[])
    async def by_key(self, request) -> dict[str, object]:
        return {"auth": request.auth, "anonymous": request.user.is_anonymous}

    @action(detail=False, auth=None, permission_classes=[])
    async def public(self, request) -> dict[str, object]:
        return {"auth": request.auth}


class OptionalAuth(ViewSet):
    """DRF's meaning of authentication: anonymous requests reach the permissions."""

    auth = UserBearer()
    authentication_required = False

    async def list(self, request) -> dict[str, object]:
        return {"user": request.user.username or None, "auth": request.auth is not None}

    @action(detail=False, permission_classes=[IsAuthenticated])
    async def private(self, request) -> dict[str, object]:
        return {"user": request.user.username}


class SessionOnly(ViewSet):
    auth = django_auth
    permission_classes = [IsAdminUser]

    async def list(self, request) -> dict[str, object]:
        return {"user": request.user.username}


router = DefaultRouter()
router.register("whoami", Whoami, basename="whoami")
router.register("session", SessionOnly, basename="session")
router.register("optional", OptionalAuth, basename="optional")
api = NinjaAPI(urls_namespace="auth")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def token(user):
    TOKENS["t0k"] = user.username
    yield "t0k"
    TOKENS.clear()


def test_bearer_user_becomes_request_user(client, token):
    r = client.get("/api/whoami/", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r
    assert r.json() == {"user": "alice", "auth": "User", "action": "list"}


def test_missing_or_bad_token_is_401_with_challenge(client, token):
    for headers in ({}, {"Authorization": "Bearer nope"}):
        r = client.get("/api/whoami/", headers=headers)
        assert r.status_code == 401, r
        assert r.headers["WWW-Authenticate"] == "Bearer"
        assert r.json()["detail"] == "Authentication credentials were not provided."


def test_action_auth_overrides_sync_api_key(client):
    assert client.get("/api/whoami/by_key/").status_code == 401
    assert "WWW-Authenticate" not in client.get("/api/whoami/by_key/").headers
    r = client.get("/api/whoami/by_key/", headers={"X-Key": "sekret"})
    assert r.status_code == 200
    assert r.json() == {"auth": "sekret", "anonymous": True}


def test_action_auth_none_is_public(client):
    r = client.get("/api/whoami/public/")
    assert r.status_code == 200 and r.json() == {"auth": None}


def test_session_auth_and_403_for_authenticated_non_admin(client, user, admin):
    assert client.get("/api/session/").status_code == 401
    client.force_login(user)
    r = client.get("/api/session/")
    assert r.status_code == 403
    assert r.json() == {
        "detail": "You do not have permission to perform this action.",
        "code": "permission_denied",
    }
    client.force_login(admin)
    assert client.get("/api/session/").json() == {"user": "root"}


def test_openapi_documents_only_the_real_security_schemes():
    schema = api.get_openapi_schema(path_prefix="/api")
    assert set(schema["components"]["securitySchemes"]) == {"UserBearer", "SyncKey", "SessionAuth"}
    assert schema["paths"]["/api/whoami/"]["get"]["security"] == [{"UserBearer": []}]
    assert "security" not in schema["paths"]["/api/whoami/public/"]["get"]


def test_sync_test_client_force_authenticate(user):
    client = APIClient(router)
    assert client.get("/whoami/").status_code == 401
    client.force_authenticate(user)
    r = client.get("/whoami/")
    assert r.status_code == 200, r.content
    assert r.json()["user"] == "alice"
    client.force_authenticate(None)
    assert client.get("/whoami/").status_code == 401


def test_async_test_client_force_authenticate(admin):
    client = AsyncAPIClient(api)

    async def scenario() -> None:
        assert (await client.get("/session/")).status_code == 401
        client.force_authenticate(admin, token="abc")
        r = await client.get("/session/")
        assert r.status_code == 200 and r.json() == {"user": "root"}

    async_to_sync(scenario)()  # the ORM runs on the test's thread, in its transaction


def test_authentication_not_required_lets_permissions_decide(client, token):
    assert client.get("/api/optional/").json() == {"user": None, "auth": False}
    r = client.get("/api/optional/", headers={"Authorization": f"Bearer {token}"})
    assert r.json() == {"user": "alice", "auth": True}
    r = client.get("/api/optional/private/")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
    r = client.get("/api/optional/private/", headers={"Authorization": f"Bearer {token}"})
    assert r.json() == {"user": "alice"}
