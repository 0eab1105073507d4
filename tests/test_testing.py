"""ninja_viewsets.testing: Ninja's test clients plus DRF's force_authenticate."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from ninja import NinjaAPI, Router

from ninja_viewsets import SimpleRouter, ViewSet
from ninja_viewsets.permissions import IsAuthenticated
from ninja_viewsets.testing import APIClient, AsyncAPIClient


class Me(ViewSet):
    permission_classes = [IsAuthenticated]

    async def list(self, request) -> dict[str, object]:
        return {"user": str(request.user), "auth": request.auth}


class Anyone(ViewSet):
    permission_classes: list = []

    async def list(self, request) -> dict[str, object]:
        return {"anonymous": isinstance(request.user, AnonymousUser), "auth": request.auth}


router = SimpleRouter()
router.register("me", Me, basename="me")
router.register("anyone", Anyone, basename="anyone")


@router.get("/sync-plain/", response=dict[str, str])
def sync_plain(request):  # a user's plain sync Ninja function next to the viewsets
    return {"user": str(request.user)}


api = NinjaAPI(urls_namespace="testing-clients")
api.add_router("/", router)


def test_anonymous_by_default_with_a_real_anonymous_user(db):
    client = APIClient(router)
    assert client.get("/me/").status_code in (401, 403)
    assert client.get("/anyone/").json() == {"anonymous": True, "auth": None}


def test_force_authenticate_user_and_token_then_back_to_anonymous(user):
    client = APIClient(api)
    client.force_authenticate(user, token="tok")
    response = client.get("/me/")
    assert response.status_code == 200
    assert response.json() == {"user": "alice", "auth": "tok"}
    client.force_authenticate(None)
    assert client.get("/me/").status_code in (401, 403)


def test_a_per_request_user_wins_over_the_forced_one(user, admin):
    client = APIClient(router)
    client.force_authenticate(user)
    assert client.get("/me/", user=admin).json()["user"] == "root"
    assert client.get("/me/").json()["user"] == "alice"


def test_a_per_request_auth_wins_over_the_forced_token(user):
    client = APIClient(router)
    client.force_authenticate(user, token="forced")
    assert client.get("/me/", auth="explicit").json()["auth"] == "explicit"


def test_the_sync_client_calls_sync_functions_too(user):
    client = APIClient(router)
    client.force_authenticate(user)
    assert client.get("/sync-plain/").json() == {"user": "alice"}


@pytest.mark.django_db(transaction=True)
async def test_the_async_client(django_user_model):
    user = await django_user_model.objects.acreate(username="bob")
    client = AsyncAPIClient(api)
    assert (await client.get("/me/")).status_code in (401, 403)
    client.force_authenticate(user, token="t")
    assert (await client.get("/me/")).json() == {"user": "bob", "auth": "t"}
    assert (await client.get("/sync-plain/")).json() == {"user": "bob"}  # a sync function


def test_a_router_of_plain_ninja_functions_works_as_with_ninjas_client(db):
    plain = Router()

    @plain.get("/hello/")
    def hello(request):
        return {"hello": "world"}

    assert APIClient(plain).get("/hello/").json() == {"hello": "world"}
