"""Whatever a plain Ninja operation supports works on a viewset action, the same way.

Each case is one handler body served twice: as a plain Ninja operation and as a viewset
``@action``; status, headers, body and the OpenAPI operation (parameters, request body and
success responses) must match.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import Cookie, Field, File, Form, Header, NinjaAPI, Router, Schema, UploadedFile
from ninja.renderers import BaseRenderer

from ninja_viewsets import SimpleRouter, ViewSet, action
from ninja_viewsets._compat import respond
from ninja_viewsets._ninja import STREAMING
from ninja_viewsets.permissions import AllowAny


class Item(Schema):
    id: int
    label: str = Field(serialization_alias="itemLabel")
    note: str | None = None
    at: datetime | None = None


class Login(Schema):
    user: str


ITEMS = [
    Item(id=1, label="one", at=datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)),
    Item(id=2, label="two", note="n"),
]


async def h_status(request: HttpRequest) -> Any:
    return respond(201, {"id": 3, "label": "three"})  # Status, or (201, body) on Ninja 1.5


async def h_headers(
    request: HttpRequest,
    response: HttpResponse,
    x_token: Header[str],
    session: Cookie[str] = "none",
) -> dict[str, str]:
    response["X-Echo"] = x_token
    response.set_cookie("seen", session)
    return {"token": x_token, "session": session}


async def h_form(request: HttpRequest, login: Form[Login], flag: Form[bool] = False) -> dict:
    return {"user": login.user, "flag": flag}


async def h_file(request: HttpRequest, upload: File[UploadedFile]) -> dict:
    return {"name": upload.name, "size": upload.size}


async def h_alias(request: HttpRequest) -> list[Item]:
    return ITEMS


async def h_stream(request: HttpRequest):
    for item in ITEMS:
        yield item


CASES: dict[str, tuple[Any, str, dict[str, Any]]] = {
    "status": (h_status, "post", {"response": {201: Item}}),
    # a viewset action reads its response from the return annotation; Ninja needs response=
    "headers": (h_headers, "get", {"response": dict[str, str]}),
    "form": (h_form, "post", {"response": dict}),
    "file": (h_file, "post", {"response": dict}),
    "alias": (h_alias, "get", {"response": list[Item], "by_alias": True, "exclude_none": True}),
}
if STREAMING:
    from ninja.streaming import JSONL, SSE

    CASES["sse"] = (h_stream, "get", {"response": SSE[Item]})
    CASES["jsonl"] = (h_stream, "get", {"response": JSONL[Item], "by_alias": True})


plain_router = Router()
for name, (handler, method, options) in CASES.items():
    plain_router.add_api_operation(f"/cases/{name}/", [method.upper()], handler, **options)


def _action(name: str, handler: Any, method: str, options: dict[str, Any]) -> Any:
    if hasattr(handler, "__aiter__") or name in ("sse", "jsonl"):

        async def method_(self, *args: Any, **kwargs: Any):
            async for item in handler(*args, **kwargs):
                yield item
    else:

        async def method_(self, *args: Any, **kwargs: Any):
            return await handler(*args, **kwargs)

    import inspect

    sig = inspect.signature(handler)
    self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    method_.__signature__ = sig.replace(parameters=[self_param, *sig.parameters.values()])
    method_.__annotations__ = dict(handler.__annotations__)
    method_.__globals__.update({})  # annotations are real objects already
    method_.__name__ = name
    return action(detail=False, methods=[method], url_path=name, **options)(method_)


CaseViewSet = type(
    "CaseViewSet",
    (ViewSet,),
    {
        "permission_classes": [AllowAny],
        "throttle_classes": [],
        "__module__": __name__,
        **{name: _action(name, *case) for name, case in CASES.items()},
    },
)

viewset_router = SimpleRouter()
viewset_router.register("cases", CaseViewSet, basename="case")

plain_api = NinjaAPI(urls_namespace="parity-plain")
plain_api.add_router("/", plain_router)
viewset_api = NinjaAPI(urls_namespace="parity-viewset")
viewset_api.add_router("/", viewset_router)


class Yaml(BaseRenderer):
    media_type = "text/x-plain-repr"

    def render(self, request, data, *, response_status):
        return f"{response_status}:{data!r}"


custom_plain = Router()
custom_plain.add_api_operation("/cases/alias/", ["GET"], h_alias, **CASES["alias"][2])
custom_viewset = SimpleRouter()
custom_viewset.register("cases", CaseViewSet, basename="case")
custom_plain_api = NinjaAPI(urls_namespace="parity-custom-plain", renderer=Yaml())
custom_plain_api.add_router("/", custom_plain)
custom_viewset_api = NinjaAPI(urls_namespace="parity-custom-viewset", renderer=Yaml())
custom_viewset_api.add_router("/", custom_viewset)

urlpatterns = [
    path("plain/", plain_api.urls),
    path("viewset/", viewset_api.urls),
    path("custom-plain/", custom_plain_api.urls),
    path("custom-viewset/", custom_viewset_api.urls),
]
pytestmark = pytest.mark.urls(__name__)

REQUESTS: dict[str, dict[str, Any]] = {
    "status": {},
    "headers": {"headers": {"X-Token": "t1"}, "cookies": {"session": "s1"}},
    "form": {"data": {"user": "ann", "flag": "true"}},
    "file": {"file": True},
    "alias": {},
    "sse": {},
    "jsonl": {},
}


async def _send(prefix: str, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import AsyncClient

    client = AsyncClient()
    _handler, method, _options = CASES[name]
    spec = REQUESTS[name]
    for key, value in spec.get("cookies", {}).items():
        client.cookies[key] = value
    kwargs: dict[str, Any] = {"headers": spec.get("headers", {})}
    if "data" in spec:
        kwargs["data"] = spec["data"]
    if spec.get("file"):
        kwargs["data"] = {"upload": SimpleUploadedFile("a.txt", b"hello")}
    response = await getattr(client, method)(f"/{prefix}/cases/{name}/", **kwargs)
    if response.streaming:
        body = b"".join([chunk async for chunk in response.streaming_content])
    else:
        body = response.content
    return response, body


def _same_json(plain: bytes, ours: bytes) -> None:
    """Equal values, and equal text but for Ninja's spacing (json.dumps' default separators)."""
    assert json.loads(ours) == json.loads(plain)
    respaced = json.dumps(json.loads(plain), separators=(",", ":"), ensure_ascii=False)
    assert ours.decode() in (plain.decode(), respaced)


_HEADERS = ("Content-Type", "X-Echo", "Cache-Control", "X-Accel-Buffering")


@pytest.mark.parametrize("name", list(CASES))
def test_a_viewset_action_answers_as_the_plain_operation(name, db):
    # driven from a sync test: the ORM work of the request lands on the test's thread (its
    # transaction), as with tests/conftest.py's client
    plain, plain_body = async_to_sync(_send)("plain", name)
    ours, our_body = async_to_sync(_send)("viewset", name)
    assert (ours.status_code, our_body and ours.status_code) == (
        plain.status_code,
        plain_body and plain.status_code,
    ), our_body
    assert plain.status_code < 300, plain_body
    for header in _HEADERS:
        assert ours.headers.get(header) == plain.headers.get(header), header
    assert {k: v.value for k, v in ours.cookies.items()} == {
        k: v.value for k, v in plain.cookies.items()
    }
    if name in ("sse", "jsonl"):
        assert our_body == plain_body
    else:
        _same_json(plain_body, our_body)


@pytest.mark.parametrize("name", list(CASES))
def test_the_openapi_operation_is_the_plain_one(name):
    _handler, method, _options = CASES[name]
    plain = plain_api.get_openapi_schema(path_prefix="")["paths"][f"/cases/{name}/"][method]
    ours = viewset_api.get_openapi_schema(path_prefix="")["paths"][f"/cases/{name}/"][method]
    assert ours.get("parameters") == plain.get("parameters")
    assert ours.get("requestBody") == plain.get("requestBody")
    success = {code: r for code, r in plain["responses"].items() if str(code).startswith("2")}
    assert {code: ours["responses"][code] for code in success} == success


def test_a_custom_renderer_renders_viewset_actions_too(client):
    plain = client.get("/custom-plain/cases/alias/")
    ours = client.get("/custom-viewset/cases/alias/")
    assert plain.headers["Content-Type"].startswith("text/x-plain-repr")
    assert (ours.status_code, ours.headers["Content-Type"], ours.content) == (
        plain.status_code,
        plain.headers["Content-Type"],
        plain.content,
    )


class Deny(AllowAny):
    async def has_permission(self, request, view):
        return False


class GuardedStream(ViewSet):
    permission_classes = [Deny]
    throttle_classes: list = []

    if STREAMING:

        @action(detail=False, methods=["get"], response=SSE[Item])
        async def events(self, request):
            yield ITEMS[0]


guarded_router = SimpleRouter()
guarded_router.register("guarded", GuardedStream, basename="guarded")
guarded_api = NinjaAPI(urls_namespace="parity-guarded")
guarded_api.add_router("/", guarded_router)
urlpatterns.append(path("guarded/", guarded_api.urls))


@pytest.mark.skipif(not STREAMING, reason="django-ninja 1.5 has no streaming responses")
def test_a_refused_stream_is_an_error_response_not_a_broken_stream(client):
    response = client.get("/guarded/guarded/events/")
    assert response.status_code in (401, 403)
    assert not response.raw.streaming
    assert "detail" in response.json()
