"""ninja_viewsets._endpoints: the function Ninja registers for each viewset operation, over
HTTP: a new viewset instance per request, the policies before the body is validated (DRF's
order), the signature Ninja reads (and the private parameters it never shows), and the
operation record (``OperationSpec``)."""

from __future__ import annotations

import inspect

import pytest
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, action
from ninja_viewsets._endpoints import (
    RESPONSE_PARAM,
    VALIDATE_PARAM,
    OperationSpec,
    make_endpoint,
    schema_classes,
)
from ninja_viewsets.permissions import IsAuthenticated
from tests.testapp.models import Author
from tests.testapp.schemas import AuthorOut


class AuthorIn(Schema):
    name: str


class Authors(ModelViewSet):
    queryset = Author.objects.order_by("pk")
    output_schema = AuthorOut
    input_schema = AuthorIn
    permission_classes = [IsAuthenticated]
    seen: list[int] = []

    @action(detail=False)
    async def me(self, request, loud: bool = False) -> dict[str, str]:
        """Who asks."""
        Authors.seen.append(id(self))
        name = request.user.username
        return {"user": name.upper() if loud else name}


router = DefaultRouter()
router.register("authors", Authors, basename="authors")
api = NinjaAPI(urls_namespace="endpoints")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


def test_each_request_is_served_by_a_new_viewset_instance(client, user):
    client.force_login(user)
    Authors.seen.clear()
    assert client.get("/api/authors/me/?loud=true").json() == {"user": "ALICE"}
    assert client.get("/api/authors/me/").json() == {"user": "alice"}
    assert len(set(Authors.seen)) == 2


def test_the_policies_run_before_the_body_is_validated(client, user):
    r = client.post("/api/authors/", {"nom": "no name"})
    assert r.status_code in (401, 403), r  # DRF's order: not a 422 for an anonymous client
    client.force_login(user)
    r = client.post("/api/authors/", {"nom": "no name"})
    assert r.status_code == 422, r


def test_openapi_shows_the_actions_parameters_only():
    operation = api.get_openapi_schema(path_prefix="")["paths"]["/authors/me/"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["loud"]
    assert operation["description"] == "Who asks."


def spec(**kwargs) -> OperationSpec:
    loud = inspect.Parameter("loud", inspect.Parameter.KEYWORD_ONLY, annotation=bool, default=False)
    return OperationSpec(action="me", path_params=(), parameters=(loud,), **kwargs)


def test_an_endpoint_is_typed_for_ninja():
    endpoint = make_endpoint(Authors, spec(description="Doc."), {}, name="authors_me")
    assert inspect.iscoroutinefunction(endpoint)
    params = list(inspect.signature(endpoint).parameters)
    assert params == ["request", "loud", RESPONSE_PARAM]
    assert (endpoint.__name__, endpoint.__doc__, endpoint.__module__) == (
        "authors_me",
        "Doc.",
        __name__,
    )
    assert VALIDATE_PARAM not in params  # handed over by the operation, not declared


def test_specs_compare_by_their_typing_not_their_memo():
    first, second = spec(), spec()
    first.memo.plan = object()
    assert first == second
    assert first != spec(collection=True)


def test_schema_classes_finds_every_schema_a_response_names():
    assert schema_classes({200: list[AuthorOut], 201: AuthorIn | None, 204: None}) == [
        AuthorOut,
        AuthorIn,
    ]
    assert schema_classes(dict[str, int]) == []
