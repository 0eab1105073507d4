"""Ninja auth on viewsets and actions, request.auth / request.user, 401 challenges, testing."""

from __future__ import annotations

import base64

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.urls import path
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, HttpBasicAuth, HttpBearer, django_auth
from ninja.throttling import AnonRateThrottle

from ninja_viewsets import DefaultRouter, ViewSet, action
from ninja_viewsets.permissions import IsAdminUser, IsAuthenticated
from ninja_viewsets.testing import APIClient, AsyncAPIClient
from tests.conftest import Client

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


class TokenOrSession(ViewSet):
    """docs/auth.md's ``MeViewSet``: a token or the Django session, with a write."""

    auth = [UserBearer(), django_auth]
    permission_classes = [IsAuthenticated]

    async def create(self, request) -> dict[str, object]:
        return {"user": request.user.username}


class UserBasic(HttpBasicAuth):
    async def authenticate(self, request, username, password):
        user = await User.objects.filter(username=username).afirst()
        return user if user is not None and user.check_password(password) else None


class OptionalBasic(ViewSet):
    auth = [UserBasic(), SyncKey()]
    authentication_required = False

    async def list(self, request) -> dict[str, object]:
        return {"user": request.user.username or None, "auth": repr(request.auth)}

    async def create(self, request) -> dict[str, object]:
        return {"user": request.user.username or None}


class Defaulted(ViewSet):
    """No ``auth``: NINJA_VIEWSETS["DEFAULT_AUTHENTICATION"] applies."""

    permission_classes = [IsAuthenticated]

    async def list(self, request) -> dict[str, object]:
        return {"user": request.user.username}

    @action(detail=False, auth=None, permission_classes=[])
    async def public(self, request) -> dict[str, object]:
        return {"auth": request.auth}


router = DefaultRouter()
router.register("whoami", Whoami, basename="whoami")
router.register("session", SessionOnly, basename="session")
router.register("optional", OptionalAuth, basename="optional")
router.register("optbasic", OptionalBasic, basename="optbasic")
router.register("token-or-session", TokenOrSession, basename="token-or-session")
api = NinjaAPI(urls_namespace="auth")
api.add_router("/", router)
throttled_router = DefaultRouter()
throttled_router.register("optbasic", OptionalBasic, basename="optbasic")
throttled_api = NinjaAPI(urls_namespace="auth-throttled", throttle=[AnonRateThrottle("1/min")])
throttled_api.add_router("/", throttled_router)
urlpatterns = [path("api/", api.urls), path("throttled-api/", throttled_api.urls)]
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
    for headers, detail, code in (
        ({}, "Authentication credentials were not provided.", "not_authenticated"),
        ({"Authorization": "Bearer nope"}, "Invalid token.", "authentication_failed"),
    ):
        r = client.get("/api/whoami/", headers=headers)
        assert r.status_code == 401, r
        assert r.headers["WWW-Authenticate"] == "Bearer"
        assert r.json() == {"detail": detail, "code": code}


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
    schemes = {"UserBearer", "SyncKey", "SessionAuth", "UserBasic"}
    assert set(schema["components"]["securitySchemes"]) == schemes
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


# -- credentials that fail are a 401, even where anonymous requests are allowed ---------------


def basic(username: str, password: str) -> dict[str, str]:
    value = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {value}"}


def test_wrong_password_is_401_even_when_authentication_is_optional(client, user):
    user.set_password("right")
    user.save()
    r = client.get("/api/optbasic/")
    assert r.status_code == 200 and r.json() == {"user": None, "auth": "None"}
    for method in ("get", "post"):
        r = client.request(method, "/api/optbasic/", headers=basic("alice", "wrong"))
        assert r.status_code == 401, r
        assert r.json() == {
            "detail": "Invalid username/password.",
            "code": "authentication_failed",
        }
        assert r.headers["WWW-Authenticate"] == 'Basic realm="api"'
    r = client.get("/api/optbasic/", headers=basic("alice", "right"))
    assert r.status_code == 200 and r.json()["user"] == "alice"
    r = client.get("/api/optbasic/", headers={"X-Key": "forged"})
    assert r.status_code == 401 and r.json()["detail"] == "Invalid API key."
    # credentials of a scheme no authenticator reads: none presented, so anonymous
    r = client.get("/api/optbasic/", headers={"Authorization": "Bearer whatever"})
    assert r.status_code == 200 and r.json()["user"] is None


def test_an_expired_session_is_anonymous_not_a_401(client):
    client._client.cookies["sessionid"] = "expired"
    assert client.get("/api/optional/").json() == {"user": None, "auth": False}


def test_anonymous_request_auth_is_none_for_ninjas_api_level_throttle(client, settings):
    """Ninja's AnonRateThrottle only counts requests whose ``request.auth`` is None."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    r1 = client.get("/throttled-api/optbasic/")
    r2 = client.get("/throttled-api/optbasic/")
    assert r1.status_code == 200 and r1.json()["auth"] == "None"
    assert r2.status_code == 429, r2


@pytest.mark.django_db
def test_default_authentication_setting(settings, token):
    settings.NINJA_VIEWSETS = {"DEFAULT_AUTHENTICATION": ["tests.test_auth.UserBearer"]}
    defaulted = DefaultRouter()
    defaulted.register("defaulted", Defaulted, basename="defaulted")
    client = APIClient(defaulted)
    r = client.get("/defaulted/")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
    r = client.get("/defaulted/", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json() == {"user": "alice"}
    assert client.get("/defaulted/public/").json() == {"auth": None}  # auth=None: public
    documented = DefaultRouter()  # Ninja 1.5 attaches a router to one API only
    documented.register("defaulted", Defaulted, basename="defaulted")
    schema = NinjaAPI(urls_namespace="auth-default")
    schema.add_router("/", documented)
    paths = schema.get_openapi_schema(path_prefix="")["paths"]
    assert paths["/defaulted/"]["get"]["security"] == [{"UserBearer": []}]
    assert "security" not in paths["/defaulted/public/"]["get"]


def test_a_session_authenticator_checks_csrf_only_for_a_request_with_a_session(user, token):
    """Found by a newcomer: with ``django_auth`` among a viewset's authenticators, a write with
    no session cookie was a 403 "CSRF check Failed" (Ninja checks CSRF before it looks for the
    session): a POST without credentials, or with a wrong token, never got its 401. DRF's
    ``SessionAuthentication`` enforces CSRF only for a request its session authenticates."""
    client = Client(enforce_csrf_checks=True)
    r = client.post("/api/token-or-session/", {})
    assert r.status_code == 401, r
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert r.json()["code"] == "not_authenticated"
    r = client.post("/api/token-or-session/", {}, headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401 and r.json()["detail"] == "Invalid token.", r
    r = client.post("/api/token-or-session/", {}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json() == {"user": user.username}, r
    client.force_login(user)  # a session: now its CSRF token is required
    r = client.post("/api/token-or-session/", {})
    assert r.status_code == 403, r
    assert client.get("/api/session/").status_code == 403  # reads need none (IsAdminUser: 403)
