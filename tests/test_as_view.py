"""ninja_viewsets._as_view: ``ViewSet.as_view(actions)``, one URL of the project's URLconf
served by the same operations as a router's, over HTTP."""

from __future__ import annotations

import pytest
from django.urls import path, resolve
from ninja import Schema

from ninja_viewsets import ModelViewSet, ViewSet
from tests.testapp.models import Author
from tests.testapp.schemas import AuthorOut


class AuthorIn(Schema):
    name: str


class Authors(ModelViewSet):
    """Authors, bound by hand."""

    queryset = Author.objects.order_by("pk")
    output_schema = AuthorOut
    input_schema = AuthorIn


class Echo(ViewSet):
    """No queryset: the URL converter types the lookup."""

    async def retrieve(self, request, pk):
        return {"pk": pk, "type": type(pk).__name__}


urlpatterns = [
    path("authors/", Authors.as_view({"get": "list", "post": "create"}), name="author-list"),
    path(
        "authors/<int:pk>/",
        Authors.as_view({"get": "retrieve", "delete": "destroy"}, suffix="Instance"),
        name="author-detail",
    ),
    path("echo/<int:pk>/", Echo.as_view({"get": "retrieve"}), name="echo"),
    path("echo-str/<str:pk>/", Echo.as_view({"get": "retrieve"}), name="echo-str"),
]
pytestmark = pytest.mark.urls(__name__)


def test_the_bound_actions_are_served(client, db):
    r = client.post("/authors/", {"name": "Le Guin"})
    assert r.status_code == 201, r
    pk = r.json()["id"]
    assert client.get("/authors/").json() == [{"id": pk, "name": "Le Guin"}]
    assert client.get(f"/authors/{pk}/").json() == {"id": pk, "name": "Le Guin"}
    assert client.delete(f"/authors/{pk}/").status_code == 204
    assert client.get(f"/authors/{pk}/").status_code == 404


def test_an_unbound_method_is_a_405_with_allow(client, db):
    r = client.put("/authors/", {"name": "x"})
    assert r.status_code == 405, r
    assert "GET" in r.headers["Allow"] and "POST" in r.headers["Allow"]


def test_without_a_queryset_the_converter_types_the_lookup(client):
    assert client.get("/echo/7/").json() == {"pk": 7, "type": "int"}
    assert client.get("/echo-str/abc/").json() == {"pk": "abc", "type": "str"}


def test_the_view_carries_drfs_attributes():
    match = resolve("/authors/1/")
    assert match.func.cls is Authors
    assert match.func.actions == {"get": "retrieve", "delete": "destroy"}
    assert match.func.initkwargs == {"suffix": "Instance"}
    assert match.func.__name__ == "Authors"
    assert match.func.__doc__ == "Authors, bound by hand."


def test_an_action_the_viewset_lacks_is_refused_when_bound():
    with pytest.raises(TypeError, match=r"Echo has no action\(s\) \['list'\] to bind"):
        Echo.as_view({"get": "list"})
