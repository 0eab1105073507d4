"""Optimistic concurrency (ETag / If-Match / If-None-Match) and concurrent writes."""

from __future__ import annotations

import asyncio

import pytest
from django.db import connection
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet
from tests.servers import server_env, uvicorn
from tests.testapp.models import Account


class AccountOut(Schema):
    id: int
    name: str
    balance: int


class AccountIn(Schema):
    name: str
    balance: int = 0
    owner_id: int


class AccountViewSet(ModelViewSet):
    queryset = Account.objects.all()
    output_schema = AccountOut
    input_schema = AccountIn
    optimistic_concurrency = True


class PlainAccounts(ModelViewSet):
    queryset = Account.objects.all()
    output_schema = AccountOut
    input_schema = AccountIn


router = DefaultRouter()
router.register("accounts", AccountViewSet)
router.register("plain", PlainAccounts, basename="plain")
api = NinjaAPI(urls_namespace="concurrency")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def account(user):
    return Account.objects.create(owner=user, name="main", balance=10)


def test_responses_carry_an_etag_that_changes_with_the_object(client, account):
    r = client.get(f"/api/accounts/{account.id}/")
    etag = r.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert client.get(f"/api/accounts/{account.id}/").headers["ETag"] == etag
    r = client.patch(f"/api/accounts/{account.id}/", {"balance": 11})
    assert r.status_code == 200 and r.headers["ETag"] != etag
    assert client.get(f"/api/accounts/{account.id}/").headers["ETag"] == r.headers["ETag"]


def test_if_none_match_gives_304(client, account):
    etag = client.get(f"/api/accounts/{account.id}/").headers["ETag"]
    r = client.get(f"/api/accounts/{account.id}/", headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.content == b"" and r.headers["ETag"] == etag
    r = client.get(f"/api/accounts/{account.id}/", headers={"If-None-Match": '"other"'})
    assert r.status_code == 200


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_stale_if_match_is_412_and_writes_nothing(client, account, method):
    stale = client.get(f"/api/accounts/{account.id}/").headers["ETag"]
    Account.objects.filter(pk=account.pk).update(balance=99)  # someone else wrote
    body = {"name": "x", "balance": 1, "owner_id": account.owner_id}
    r = client.request(
        method, f"/api/accounts/{account.id}/", json=body, headers={"If-Match": stale}
    )
    assert r.status_code == 412, r
    assert r.json()["code"] == "precondition_failed"
    account.refresh_from_db()
    assert (account.name, account.balance) == ("main", 99)


def test_matching_if_match_writes(client, account):
    etag = client.get(f"/api/accounts/{account.id}/").headers["ETag"]
    r = client.patch(f"/api/accounts/{account.id}/", {"balance": 12}, headers={"If-Match": etag})
    assert r.status_code == 200
    r = client.delete(f"/api/accounts/{account.id}/", headers={"If-Match": "*"})
    assert r.status_code == 204


def test_off_by_default(client, account):
    r = client.get(f"/api/plain/{account.id}/")
    assert "ETag" not in r.headers
    r = client.patch(f"/api/plain/{account.id}/", {"balance": 1}, headers={"If-Match": '"x"'})
    assert r.status_code == 200


# -- real concurrency: uvicorn + PostgreSQL ------------------------------------------------


@pytest.fixture
def uvicorn_url(transactional_db):
    """The test API under a real uvicorn, on the test database (committed data)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (DATABASE_URL)")
    db = connection.settings_dict
    env = server_env(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        TEST_URLCONF=__name__,
    )
    with uvicorn("tests.asgi:application", env) as url:
        yield url


@pytest.mark.e2e
def test_concurrent_creates_and_patches_lose_nothing(uvicorn_url, django_user_model):
    import httpx

    owner = django_user_model.objects.create(username="owner")
    target = Account.objects.create(owner=owner, name="target", balance=0)

    async def scenario() -> tuple[list[int], list[int], list[int]]:
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(base_url=uvicorn_url, limits=limits, timeout=30) as http:
            creates = await asyncio.gather(
                *(
                    http.post(
                        "/api/plain/", json={"name": f"n{i}", "balance": i, "owner_id": owner.id}
                    )
                    for i in range(200)
                )
            )
            patches = await asyncio.gather(
                *(http.patch(f"/api/plain/{target.id}/", json={"balance": i}) for i in range(200))
            )
            return (
                [r.status_code for r in creates],
                [r.status_code for r in patches],
                [r.json()["balance"] for r in patches if r.status_code == 200],
            )

    create_codes, patch_codes, _ = asyncio.run(scenario())
    assert create_codes.count(201) == 200, create_codes
    assert Account.objects.filter(name__startswith="n").count() == 200
    assert sorted(
        Account.objects.filter(name__startswith="n").values_list("balance", flat=True)
    ) == (list(range(200)))
    assert patch_codes.count(200) == 200, patch_codes
    target.refresh_from_db()
    assert 0 <= target.balance < 200  # the last accepted write, whole


@pytest.mark.e2e
def test_read_modify_write_with_if_match_loses_no_update(uvicorn_url, django_user_model):
    import httpx

    owner = django_user_model.objects.create(username="counter")
    counter = Account.objects.create(owner=owner, name="counter", balance=0)
    workers, increments = 8, 5

    async def worker(http: httpx.AsyncClient) -> int:
        done = conflicts = 0
        while done < increments:
            r = await http.get(f"/api/accounts/{counter.id}/")
            etag, balance = r.headers["ETag"], r.json()["balance"]
            w = await http.patch(
                f"/api/accounts/{counter.id}/",
                json={"balance": balance + 1},
                headers={"If-Match": etag},
            )
            if w.status_code == 200:
                done += 1
            else:
                assert w.status_code == 412, w.text
                conflicts += 1
                assert conflicts < 500
        return conflicts

    async def scenario() -> list[int]:
        async with httpx.AsyncClient(base_url=uvicorn_url, timeout=30) as http:
            return await asyncio.gather(*(worker(http) for _ in range(workers)))

    asyncio.run(scenario())
    counter.refresh_from_db()
    assert counter.balance == workers * increments  # every accepted increment counted
