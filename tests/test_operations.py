"""ninja_viewsets._operations: the Ninja-facing side of a viewset URL, what its view answers
itself: ``OPTIONS`` (DRF's metadata), ``HEAD``, and a JSON 405 for a method it does not route."""

from __future__ import annotations

import pytest
from django.urls import path, resolve
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, ReadOnlyModelViewSet, action
from ninja_viewsets.permissions import IsAdminUser, IsAuthenticatedOrReadOnly
from tests.testapp.models import Author
from tests.testapp.schemas import AuthorOut


class AuthorIn(Schema):
    name: str


class Documented(ModelViewSet):
    """Authors of the catalogue.

    With their books:
        an indented line keeps its indentation relative to the others.
    """

    queryset = Author.objects.all()
    output_schema = AuthorOut
    input_schema = AuthorIn
    permission_classes = [IsAuthenticatedOrReadOnly]

    @action(detail=False)
    async def newest(self, request) -> list[AuthorOut]:
        """The newest authors."""
        return [a async for a in self.get_queryset().order_by("-pk")[:1]]

    @action(detail=False)
    async def oldest(self, request) -> list[AuthorOut]:
        return [a async for a in self.get_queryset().order_by("pk")[:1]]


class Undocumented(ModelViewSet):
    queryset = Author.objects.all()
    output_schema = AuthorOut
    input_schema = AuthorIn
    permission_classes = [IsAuthenticatedOrReadOnly]


class Inheriting(Documented):
    pass


class AdminsOnly(ReadOnlyModelViewSet):
    """Read by admins."""

    queryset = Author.objects.all()
    output_schema = AuthorOut
    permission_classes = [IsAdminUser]


router = DefaultRouter()
router.register("documented", Documented, basename="documented")
router.register("undocumented", Undocumented, basename="undocumented")
router.register("inheriting", Inheriting, basename="inheriting")
router.register("admins", AdminsOnly, basename="admins")
api = NinjaAPI(urls_namespace="operations")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


def allow(response) -> list[str]:
    return [m.strip() for m in response.headers["Allow"].split(",")]


def test_options_describes_a_viewset_with_its_own_docstring(client):
    r = client.options("/api/documented/")
    assert r.status_code == 200, r
    body = r.json()
    assert body["name"] == "Documented List"
    assert body["description"] == (
        "Authors of the catalogue.\n\nWith their books:\n"
        "    an indented line keeps its indentation relative to the others."
    )
    assert body["renders"] == ["application/json"]
    assert body["parses"] == ["application/json"]


@pytest.mark.parametrize("prefix", ["undocumented", "inheriting"])
def test_options_never_shows_a_base_class_docstring(client, prefix):
    """DRF's: the class's own ``__doc__``: not ``ModelViewSet``'s, not a base viewset's."""
    r = client.options(f"/api/{prefix}/")
    assert r.status_code == 200, r
    assert r.json()["description"] == ""


def test_options_on_an_action_describes_the_action(client):
    """DRF's: an extra action's view has the action's docstring as its ``description``."""
    assert client.options("/api/documented/newest/").json()["description"] == (
        "The newest authors."
    )
    # an action without a docstring: the viewset's own
    assert (
        client.options("/api/documented/oldest/")
        .json()["description"]
        .startswith("Authors of the catalogue.")
    )


def test_options_lists_the_writes_the_user_may_call(client, db, user):
    author = Author.objects.create(name="Le Guin")
    anonymous = client.options("/api/documented/").json()
    assert "actions" not in anonymous  # IsAuthenticatedOrReadOnly: no POST for them
    client.force_login(user)
    listed = client.options("/api/documented/").json()
    assert set(listed["actions"]) == {"POST"}
    assert listed["actions"]["POST"]["name"]["required"] is True
    detail = client.options(f"/api/documented/{author.pk}/").json()
    assert set(detail["actions"]) == {"PUT"}
    # PUT on an object that does not exist: not offered
    assert "actions" not in client.options("/api/documented/999999/").json()


def test_options_answers_allow_and_runs_no_permission_check_of_its_own(client):
    r = client.options("/api/admins/")  # IsAdminUser refuses the anonymous GET
    assert r.status_code == 200, r
    assert allow(r) == ["GET", "HEAD", "OPTIONS"]
    assert client.get("/api/admins/").status_code in (401, 403)


def test_head_runs_the_get_operation_without_a_body(client, db):
    Author.objects.create(name="Herbert")
    get = client.get("/api/documented/")
    head = client.head("/api/documented/")
    assert head.status_code == 200, head
    assert head.content == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]


def test_a_method_the_url_does_not_route_is_a_json_405_with_allow(client, db):
    r = client.delete("/api/documented/")
    assert r.status_code == 405, r
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"detail": 'Method "DELETE" not allowed.', "code": "method_not_allowed"}
    assert allow(r) == ["GET", "POST", "HEAD", "OPTIONS"]


def test_the_django_view_carries_drfs_resolve_attributes():
    match = resolve("/api/documented/")
    assert match.func.cls is Documented
    assert match.func.actions == {"get": "list", "post": "create"}
    assert match.func.initkwargs["basename"] == "documented"
    assert match.func.csrf_exempt is True
