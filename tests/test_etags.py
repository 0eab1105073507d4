"""ninja_viewsets._etags: the ETag half of a generic viewset (``ETagMixin``): the tag of an
object, the tag lists of ``If-Match`` / ``If-None-Match``, a tag of one's own, the tag of a
sparse representation, and the lock a conditional write takes.

(tests/test_concurrency.py has the 304 / 412 basics and the concurrent writes under uvicorn.)
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet
from ninja_viewsets._etags import ETagMixin
from ninja_viewsets.generics import GenericAPIView
from tests.testapp.models import Account


class AccountOut(Schema):
    id: int
    name: str
    balance: int


class AccountIn(Schema):
    name: str
    balance: int = 0
    owner_id: int


class Accounts(ModelViewSet):
    queryset = Account.objects.all()
    output_schema = AccountOut
    input_schema = AccountIn
    optimistic_concurrency = True
    sparse_fields = True


class Versioned(Accounts):
    """The balance stands in for a version column."""

    def get_etag(self, instance):
        return f'"v{instance.balance}"'


router = DefaultRouter()
router.register("accounts", Accounts, basename="accounts")
router.register("versioned", Versioned, basename="versioned")
api = NinjaAPI(urls_namespace="etags")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def account(user):
    return Account.objects.create(owner=user, name="main", balance=10)


def test_a_generic_viewset_has_the_etag_half():
    assert issubclass(GenericAPIView, ETagMixin)
    assert GenericAPIView.get_etag is ETagMixin.get_etag


def test_if_none_match_takes_a_list_of_tags_weak_or_strong(client, account):
    url = f"/api/accounts/{account.pk}/"
    etag = client.get(url).headers["ETag"]
    for header in (f'"other", {etag}', f"W/{etag}", "*"):
        r = client.get(url, headers={"If-None-Match": header})
        assert r.status_code == 304, (header, r)
    assert client.get(url, headers={"If-None-Match": '"a", "b"'}).status_code == 200


def test_if_match_takes_a_list_of_tags(client, account):
    url = f"/api/accounts/{account.pk}/"
    etag = client.get(url).headers["ETag"]
    r = client.patch(url, {"balance": 11}, headers={"If-Match": f'"stale", {etag}'})
    assert r.status_code == 200, r
    r = client.patch(url, {"balance": 12}, headers={"If-Match": f'"stale", {etag}'})
    assert r.status_code == 412, r  # the tag changed with the write
    account.refresh_from_db()
    assert account.balance == 11


def test_a_viewsets_own_etag_is_sent_and_checked(client, account):
    url = f"/api/versioned/{account.pk}/"
    r = client.get(url)
    assert r.headers["ETag"] == '"v10"'
    assert client.patch(url, {"balance": 1}, headers={"If-Match": '"v9"'}).status_code == 412
    r = client.patch(url, {"balance": 11}, headers={"If-Match": '"v10"'})
    assert r.status_code == 200, r
    assert r.headers["ETag"] == '"v11"'


def test_a_sparse_representation_has_its_own_tag(client, account):
    url = f"/api/accounts/{account.pk}/"
    full = client.get(url).headers["ETag"]
    r = client.get(f"{url}?fields=name")
    assert r.json() == {"name": "main"}
    sparse = r.headers["ETag"]
    assert sparse != full
    assert client.get(f"{url}?fields=name").headers["ETag"] == sparse
    assert client.get(f"{url}?fields=name", headers={"If-None-Match": sparse}).status_code == 304
    # the full representation's tag does not stand for the sparse one
    assert client.get(f"{url}?fields=name", headers={"If-None-Match": full}).status_code == 200


def test_only_a_conditional_write_locks_the_object(client, user):
    if not connection.features.has_select_for_update:
        pytest.skip("SQLite has no SELECT ... FOR UPDATE (its writes are serialized)")
    plain, conditional = (Account.objects.create(owner=user, name=n) for n in ("p", "c"))
    with CaptureQueriesContext(connection) as unlocked:
        assert client.delete(f"/api/accounts/{plain.pk}/").status_code == 204
    with CaptureQueriesContext(connection) as locked:
        r = client.delete(f"/api/accounts/{conditional.pk}/", headers={"If-Match": "*"})
        assert r.status_code == 204, r
    assert not any("FOR UPDATE" in q["sql"] for q in unlocked.captured_queries)
    assert any("FOR UPDATE" in q["sql"] for q in locked.captured_queries)
