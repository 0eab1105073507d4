"""``ninja_viewsets.middleware``: Django's stock middleware with no thread hop for what does no
I/O, and the same behaviour as Django's own (sessions, CSRF, messages, auth, headers), under
ASGI (``AsyncClient``: Django's ASGI handler) and WSGI (``Client``)."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.test import AsyncClient, Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

OURS = [
    "ninja_viewsets.middleware.SecurityMiddleware",
    "ninja_viewsets.middleware.SessionMiddleware",
    "ninja_viewsets.middleware.CommonMiddleware",
    "ninja_viewsets.middleware.CsrfViewMiddleware",
    "ninja_viewsets.middleware.AuthenticationMiddleware",
    "ninja_viewsets.middleware.MessageMiddleware",
    "ninja_viewsets.middleware.XFrameOptionsMiddleware",
]
DJANGOS = [  # startproject's MIDDLEWARE
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


@csrf_exempt
async def api(request: HttpRequest) -> JsonResponse:
    """An API view: async and csrf_exempt, as Ninja's are."""
    return JsonResponse({"method": request.method})


def count(request: HttpRequest) -> JsonResponse:
    """A sync view that writes the session (Django runs it in the thread)."""
    request.session["n"] = request.session.get("n", 0) + 1
    return JsonResponse({"n": request.session["n"]})


def sign_in(request: HttpRequest) -> JsonResponse:
    user = get_user_model().objects.get(username="ada")
    login(request, user)
    return JsonResponse({"ok": True})


def who(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"user": request.user.get_username() or None})


def form(request: HttpRequest) -> JsonResponse:
    """A form view: CSRF protected (not exempt)."""
    return JsonResponse({"posted": request.POST.get("x")})


def token(request: HttpRequest) -> JsonResponse:
    """A page that uses the CSRF token: sets its cookie (or session entry)."""
    return JsonResponse({"token": get_token(request)})


def say(request: HttpRequest) -> JsonResponse:
    messages.info(request, f"hello {request.GET.get('to', '')}")
    return JsonResponse({"ok": True})


def hear(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"messages": [m.message for m in messages.get_messages(request)]})


urlpatterns = [
    path("api/", api),
    path("count/", count),
    path("sign-in/", sign_in),
    path("who/", who),
    path("form/", form),
    path("token/", token),
    path("say/", say),
    path("hear/", hear),
]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=["ours", "djangos"])
def stack(request, settings):
    settings.MIDDLEWARE = OURS if request.param == "ours" else DJANGOS
    return request.param


def test_an_api_request_takes_no_thread_hop_in_the_middleware(settings, count_hops):
    """The seven of a new project add no hop to an API request (Django's add a dozen)."""
    hops = {}
    for name, chain in (("none", []), ("ours", OURS), ("djangos", DJANGOS)):
        settings.MIDDLEWARE = chain
        client = AsyncClient()
        with count_hops() as n:
            r = client.get("/api/")
            r = _run(r)
        assert r.status_code == 200
        hops[name] = n[0]
    assert hops["ours"] == hops["none"], hops
    assert hops["djangos"] >= hops["none"] + 10, hops


def test_a_csrf_cookie_and_a_safe_view_check_take_no_hop(settings, count_hops):
    settings.MIDDLEWARE = OURS
    client = AsyncClient(enforce_csrf_checks=True)
    base = _hops(count_hops, client, "get", "/api/")
    with count_hops() as n:
        assert _run(client.get("/who/")).json() == {"user": None}
    # the sync view's own hop, nothing else (the anonymous user is never read from a session)
    assert n[0] <= base + 1, (n[0], base)


@pytest.mark.parametrize("asgi", [True, False], ids=["asgi", "wsgi"])
def test_sessions_are_saved_and_read_back(stack, asgi):
    client = AsyncClient() if asgi else Client()
    assert [_run(client.get("/count/")).json()["n"] for _ in range(3)] == [1, 2, 3]


@pytest.mark.parametrize("asgi", [True, False], ids=["asgi", "wsgi"])
def test_a_login_holds_for_the_next_request(stack, asgi, django_user_model):
    django_user_model.objects.create_user("ada", password="x")
    client = AsyncClient() if asgi else Client()
    assert _run(client.get("/who/")).json() == {"user": None}
    assert _run(client.get("/sign-in/")).status_code == 200
    assert _run(client.get("/who/")).json() == {"user": "ada"}


@pytest.mark.parametrize("use_sessions", [False, True], ids=["cookie", "session"])
@pytest.mark.parametrize("asgi", [True, False], ids=["asgi", "wsgi"])
def test_csrf_refuses_a_form_post_without_the_token_and_takes_it_with(
    stack, settings, asgi, use_sessions
):
    settings.CSRF_USE_SESSIONS = use_sessions
    client = AsyncClient(enforce_csrf_checks=True) if asgi else Client(enforce_csrf_checks=True)
    assert _run(client.post("/form/", {"x": "1"})).status_code == 403
    assert _run(client.post("/api/", {"x": "1"})).status_code == 200  # exempt
    secret = _run(client.get("/token/")).json()["token"]
    r = _run(client.post("/form/", {"x": "1"}, headers={"X-CSRFToken": secret}))
    assert r.status_code == 200, r.content
    assert r.json() == {"posted": "1"}


@pytest.mark.parametrize("storage", ["fallback", "cookie", "session"])
@pytest.mark.parametrize("asgi", [True, False], ids=["asgi", "wsgi"])
def test_messages_reach_the_next_request(stack, settings, asgi, storage):
    settings.MESSAGE_STORAGE = {
        "fallback": "django.contrib.messages.storage.fallback.FallbackStorage",
        "cookie": "django.contrib.messages.storage.cookie.CookieStorage",
        "session": "django.contrib.messages.storage.session.SessionStorage",
    }[storage]
    client = AsyncClient() if asgi else Client()
    assert _run(client.get("/count/")).status_code == 200  # a stored session, read to add to
    assert _run(client.get("/say/?to=ada")).status_code == 200
    assert _run(client.get("/hear/")).json() == {"messages": ["hello ada"]}
    assert _run(client.get("/hear/")).json() == {"messages": []}


@pytest.mark.parametrize("asgi", [True, False], ids=["asgi", "wsgi"])
def test_save_every_request_saves_an_unmodified_session(stack, settings, asgi):
    settings.SESSION_SAVE_EVERY_REQUEST = True
    client = AsyncClient() if asgi else Client()
    assert _run(client.get("/count/")).json() == {"n": 1}
    first = client.cookies["sessionid"].value
    assert _run(client.get("/who/")).status_code == 200
    assert client.cookies["sessionid"].value == first
    assert _run(client.get("/count/")).json() == {"n": 2}


@pytest.mark.parametrize("asgi", [True, False], ids=["asgi", "wsgi"])
def test_headers_and_redirects_are_djangos(stack, settings, asgi):
    settings.SECURE_CONTENT_TYPE_NOSNIFF = True
    settings.X_FRAME_OPTIONS = "DENY"
    client = AsyncClient() if asgi else Client()
    r = _run(client.get("/api/"))
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["X-Frame-Options"] == "DENY"
    r = _run(client.get("/api"))  # APPEND_SLASH
    assert r.status_code == 301 and r["Location"] == "/api/"


def test_under_wsgi_they_are_djangos_classes(settings):
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.middleware.csrf import CsrfViewMiddleware

    from ninja_viewsets import middleware

    assert issubclass(middleware.SessionMiddleware, SessionMiddleware)
    assert issubclass(middleware.CsrfViewMiddleware, CsrfViewMiddleware)
    sync = middleware.CsrfViewMiddleware(lambda request: JsonResponse({}))
    assert "process_view" not in vars(sync)  # the sync chain calls Django's process_view


def _hops(count_hops, client, method, url):
    with count_hops() as n:
        assert _run(getattr(client, method)(url)).status_code == 200
    return n[0]


def _run(result):
    """A sync Client's response, or an AsyncClient's awaited on a fresh loop."""
    if hasattr(result, "__await__"):
        import asyncio

        return asyncio.run(_await(result))
    return result


async def _await(awaitable):
    return await awaitable
