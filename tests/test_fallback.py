"""ninja_viewsets._fallback: a router's catch-all URL. A URL under it that no route matches is
a JSON 404; a routed URL without its trailing slash is served; routes added after it (a plain
Ninja function, another router) are served, not shadowed."""

from __future__ import annotations

import pytest
from django.urls import path
from ninja import NinjaAPI, Router, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet
from tests.testapp.models import Author
from tests.testapp.schemas import AuthorOut


class AuthorIn(Schema):
    name: str


class Authors(ModelViewSet):
    queryset = Author.objects.order_by("pk")
    output_schema = AuthorOut
    input_schema = AuthorIn


router = DefaultRouter()
router.register("authors", Authors, basename="author")


@router.get("/late/")
def late(request) -> dict[str, str]:
    """A plain Ninja function added after register(): before the catch-all all the same."""
    return {"served": "late"}


later = Router()


@later.get("/other/")
def other(request) -> dict[str, str]:
    return {"served": "other"}


api = NinjaAPI(urls_namespace="fallback")
api.add_router("/", router)
api.add_router("/", later)  # mounted after the first router's catch-all
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


def test_an_unmatched_url_is_a_json_404(client, db):
    r = client.get("/api/nope/")
    assert r.status_code == 404, r
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"detail": "Not found: /api/nope/", "code": "not_found"}
    assert client.post("/api/authors/1/nope/", {}).status_code == 404


def test_a_routed_url_without_its_slash_is_served_for_every_method(client, db):
    r = client.post("/api/authors", {"name": "Le Guin"})  # APPEND_SLASH would refuse a POST
    assert r.status_code == 201, r
    pk = r.json()["id"]
    assert client.get(f"/api/authors/{pk}").json() == {"id": pk, "name": "Le Guin"}
    assert client.get("/api/late").json() == {"served": "late"}


def test_routes_added_after_the_catch_all_are_served(client, db):
    assert client.get("/api/late/").json() == {"served": "late"}
    assert client.get("/api/other/").json() == {"served": "other"}


def test_the_catch_all_is_not_in_openapi():
    paths = api.get_openapi_schema(path_prefix="")["paths"]
    assert not [url for url in paths if "rest" in url]
    assert "/late/" in paths and "/other/" in paths
