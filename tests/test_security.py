"""Security properties of the example API, and of a viewset scoped to its user, over every
operation their OpenAPI documents describe (not one of each):

- no mass assignment: a field absent from the input schema (ids, owners, timestamps,
  ``is_staff``) is never stored, whatever the body of a create, update or patch says;
- no cross-tenant access: another user's object is 404 on every detail operation (standard,
  extra detail actions, mapped methods) of a viewset whose ``get_queryset()`` is the user's;
- permissions first: an anonymous write is 401 before any query runs or anything is written;
- with ``DEBUG = False``, error bodies never carry a traceback, SQL or another user's data.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import DateTimeField, ForeignKey, Model
from django.test import AsyncClient
from django.test.utils import CaptureQueriesContext
from django.urls import path
from ninja import Field, NinjaAPI, Schema

from library.api import api as library_api
from library.auth import make_token, session_or_token
from library.models import Book, Review, Tag
from ninja_viewsets import DefaultRouter, ModelViewSet, action
from ninja_viewsets.permissions import IsAuthenticated
from tests.test_catalogue import (
    OPERATIONS,
    Operation,
    concrete,
    existing_path_values,
    operations,
    snapshot,
    valid_value,
)
from tests.testapp.models import Account
from tests.testapp.models import Review as AppReview

pytestmark = pytest.mark.urls(__name__)


# -- a viewset scoped to request.user, with extra detail actions and a mapped method ----------


class AccountIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)


class AccountOut(Schema):
    id: int
    name: str
    balance: int


class Deposit(Schema):
    amount: int = Field(..., ge=1, le=1_000_000)


class AccountViewSet(ModelViewSet):
    """The signed-in user's accounts; another user's are invisible, whatever the action."""

    queryset = Account.objects.all()
    output_schema = AccountOut
    input_schema = AccountIn
    permission_classes = [IsAuthenticated]
    auth = session_or_token

    def get_queryset(self):
        return Account.objects.filter(owner=self.request.user)

    async def perform_create(self, data):
        return await Account.objects.acreate(owner=self.request.user, **data.model_dump())

    @action(detail=True, methods=["post"])
    async def deposit(self, request, pk: int, payload: Deposit) -> AccountOut:
        account = await self.get_object()
        account.balance += payload.amount
        await account.asave(update_fields=["balance"])
        return account

    @action(detail=True)
    async def statement(self, request, pk: int) -> AccountOut:
        return await self.get_object()

    @statement.mapping.delete
    async def close(self, request, pk: int) -> None:
        await (await self.get_object()).adelete()

    @action(detail=True, methods=["put", "patch"], url_path="rename")
    async def rename(self, request, pk: int, payload: AccountIn) -> AccountOut:
        account = await self.get_object()
        account.name = payload.name
        await account.asave(update_fields=["name"])
        return account


# -- viewsets that fail inside: an unexpected exception, database constraints -----------------


class StarsIn(Schema):
    book_id: int
    user_id: int
    stars: int  # no bound here: the database's check constraint (stars >= 0) refuses -1


class StarsOut(Schema):
    id: int


class BrokenViewSet(ModelViewSet):
    """``perform_create`` fails with a message full of internals (a plain bug)."""

    queryset = AppReview.objects.all()
    output_schema = StarsOut
    input_schema = StarsIn

    async def perform_create(self, data):
        raise RuntimeError(f"SELECT password FROM auth_user WHERE id = {data.user_id}; hunter2")


class ConstrainedViewSet(ModelViewSet):
    """The database's own constraints (foreign keys, checks) refuse what the schema let in."""

    queryset = AppReview.objects.all()
    output_schema = StarsOut
    input_schema = StarsIn


accounts = DefaultRouter()
accounts.register("accounts", AccountViewSet)
accounts.register("broken", BrokenViewSet, basename="broken")
accounts.register("constrained", ConstrainedViewSet, basename="constrained")
accounts_api = NinjaAPI(urls_namespace="security-accounts")
accounts_api.add_router("/", accounts)

urlpatterns = [path("api/", library_api.urls), path("accounts-api/", accounts_api.urls)]

ACCOUNT_OPERATIONS = operations(accounts_api.get_openapi_schema(path_prefix="/accounts-api/"))
EXAMPLE_WRITES = [op for op in OPERATIONS if op.method in ("POST", "PUT", "PATCH", "DELETE")]
BODY_WRITES = [op for op in EXAMPLE_WRITES if op.body is not None]

PROTECTED_USER_FIELDS = ("is_staff", "is_superuser", "is_active", "date_joined", "last_login")
FORGED_ID = 987_654
FORGED_TIME = "2000-01-01T00:00:00Z"


# -- helpers ----------------------------------------------------------------------------------


def send(
    method: str,
    url: str,
    body: Any = None,
    *,
    token: str | None = None,
    client: AsyncClient | None = None,
) -> Any:
    """One request through Django's ASGI handler; server errors answer, they do not raise."""
    client = client or AsyncClient(raise_request_exception=False)
    kwargs: dict[str, Any] = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    if token is not None:
        kwargs["headers"] = {"Authorization": f"Bearer {token}"}

    async def request() -> Any:
        return await client.generic(method, url, **kwargs)

    return async_to_sync(request)()


def fill(op: Operation, values: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), op.path)


def registered(op: Operation) -> Any:
    """The router registration (viewset) an example operation belongs to, if any."""
    from library.api import router

    matches = [r for r in router.registry if op.path.startswith(f"/api/{r.prefix}/")]
    return max(matches, key=lambda r: len(r.prefix), default=None)


def stored_body(op: Operation) -> dict[str, Any]:
    """A body the operation accepts and the database can store: related ids exist, unique
    values are new. Fields are matched to the viewset's model by name or attname."""
    assert op.body is not None
    reg = registered(op)
    queryset = getattr(reg.viewset, "queryset", None) if reg else None
    model = queryset.model if queryset is not None else None
    body: dict[str, Any] = {}
    if {"username", "password"} <= set(op.body.get("properties", {})):
        body = {"username": "demo", "password": "demo"}  # credentials: the seeded user's
    for name, prop in op.body.get("properties", {}).items():
        if name in body or concrete(prop).get("format") == "binary":  # a file: multipart only
            continue
        fields = {f.name: f for f in model._meta.get_fields()} if model else {}
        fields |= {getattr(f, "attname", f.name): f for f in fields.values()}
        fld = fields.get(name)
        if fld is not None and fld.is_relation:
            pk = fld.related_model._default_manager.order_by("pk").values_list("pk", flat=True)[0]
            body[name] = [pk] if fld.many_to_many else pk
        elif fld is not None and getattr(fld, "unique", False):
            body[name] = ("7" * max(prop.get("minLength", 1), 10))[: prop.get("maxLength", 10)]
        else:
            body[name] = valid_value(prop)
    return body


def forged_fields(op: Operation, other: Model) -> dict[str, Any]:
    """Every id, relation and timestamp of the example's models, and the user flags, that the
    operation's input schema does not declare, with values a client should never get stored."""
    declared = set((op.body or {}).get("properties", {}))
    forged: dict[str, Any] = {}
    for model in (Book, Review, Tag, type(other)):
        for fld in model._meta.concrete_fields:
            names = {fld.name, fld.attname}
            if names & declared:
                continue
            if fld.primary_key:
                value: Any = FORGED_ID
            elif isinstance(fld, ForeignKey) and fld.related_model is type(other):
                value = other.pk
            elif isinstance(fld, ForeignKey):  # another object than the URL or body names
                value = fld.related_model._default_manager.order_by("-pk").values_list(
                    "pk", flat=True
                )[0]
            elif isinstance(fld, DateTimeField):
                value = FORGED_TIME
            elif fld.name in PROTECTED_USER_FIELDS:
                value = True
            else:
                continue
            forged |= dict.fromkeys(names, value)
    return forged


def changed_rows(before: dict, after: dict) -> Iterator[tuple[str, dict, dict | None]]:
    """(table, row after, row before or None when new) for every new or changed row."""
    for table, rows in after.items():
        old = {r["id"]: r for r in before[table]}
        for row in rows:
            if old.get(row["id"]) != row:
                yield table, row, old.get(row["id"])


@pytest.fixture
def library(db: None) -> Iterator[dict[str, Any]]:
    """The seeded example (demo owns every book and review), plus a user who owns nothing."""
    cache.clear()
    call_command("seed", books=10, stdout=io.StringIO())
    users = get_user_model().objects
    other = users.create_user("mallory", password="pw")
    yield {
        "demo": make_token(users.get(username="demo")),
        "admin": make_token(users.get(username="admin")),
        "other": other,
        "other_token": make_token(other),
    }
    cache.clear()


# -- mass assignment --------------------------------------------------------------------------


@pytest.mark.parametrize("op", BODY_WRITES, ids=str)
def test_fields_outside_the_input_schema_are_never_stored(op, library):
    """Every writing operation with a body, sent its valid body plus forged ids, owners,
    timestamps and user flags: the write happens, none of the forged values is stored."""
    other = library["other"]
    forged = forged_fields(op, other)
    url = fill(op, existing_path_values(op.path))
    before = snapshot()
    for actor in ("demo", "admin"):  # the first user the operation lets through
        r = send(op.method, url, {**stored_body(op), **forged}, token=library[actor])
        if r.status_code not in (401, 403):
            break
        assert snapshot() == before
    assert 200 <= r.status_code < 300, (r.status_code, r.content[:300])
    after = snapshot()
    written = list(changed_rows(before, after))
    if op.operation_id != "token_create":
        assert written, "the operation wrote nothing: the test would prove nothing"
    for table, row, old in written:
        assert row["id"] != FORGED_ID, (table, row)
        for column, value in row.items():
            if column in forged and column != "id":
                if old is not None and old[column] == value:
                    continue  # unchanged
                stored = value.isoformat() if isinstance(value, datetime) else value
                assert stored != forged[column] and not (
                    isinstance(value, datetime) and value.year == 2000
                ), (table, column, value)
    users = get_user_model()._meta.db_table
    assert after[users] == before[users]


@pytest.mark.parametrize("op", [op for op in BODY_WRITES if op.method == "PATCH"], ids=str)
def test_a_patch_of_only_forged_fields_changes_nothing(op, library):
    forged = forged_fields(op, library["other"])
    before = snapshot()
    r = send(op.method, fill(op, existing_path_values(op.path)), forged, token=library["demo"])
    assert r.status_code == 200, r.content
    assert snapshot() == before


# -- cross-tenant access ----------------------------------------------------------------------

ACCOUNT_OPS = [op for op in ACCOUNT_OPERATIONS if op.operation_id.startswith("account_")]
ACCOUNT_DETAIL = [op for op in ACCOUNT_OPS if "pk" in op.path_params]


def test_every_kind_of_detail_operation_is_checked():
    kinds = {op.operation_id.removeprefix("account_") for op in ACCOUNT_DETAIL}
    assert {"retrieve", "update", "partial_update", "destroy", "deposit", "statement"} <= kinds
    assert any(op.method == "DELETE" and op.path.endswith("/statement/") for op in ACCOUNT_DETAIL)


def account_body(op: Operation) -> Any:
    return {k: valid_value(v) for k, v in op.body["properties"].items()} if op.body else None


@pytest.mark.parametrize("op", ACCOUNT_DETAIL, ids=str)
def test_another_users_object_is_404_on_every_detail_operation(op, library):
    demo = get_user_model().objects.get(username="demo")
    mine = Account.objects.create(owner=demo, name="mine", balance=5)
    theirs = Account.objects.create(owner=library["other"], name="mallory-secret", balance=7)
    before = snapshot_accounts()
    r = send(op.method, fill(op, {"pk": theirs.pk}), account_body(op), token=library["demo"])
    assert r.status_code == 404, (r.status_code, r.content)
    assert r.json()["detail"] and b"mallory" not in r.content
    assert snapshot_accounts() == before
    r = send(op.method, fill(op, {"pk": mine.pk}), account_body(op), token=library["demo"])
    assert 200 <= r.status_code < 300, r.content  # the same request on one's own object works


def snapshot_accounts() -> list[dict[str, Any]]:
    return list(Account.objects.order_by("pk").values())


SCOPED_EXAMPLE = [
    op
    for op in OPERATIONS
    if op.path_params and (reg := registered(op)) is not None and reg.basename == "review"
]


@pytest.mark.parametrize("op", SCOPED_EXAMPLE, ids=str)
def test_another_users_review_is_404_in_the_example(op, library):
    theirs = Review.objects.create(book=Book.objects.first(), user=library["other"], stars=2)
    body = stored_body(op) if op.body else None
    before = snapshot()
    r = send(op.method, fill(op, {"pk": theirs.pk}), body, token=library["demo"])
    assert r.status_code == 404, (r.status_code, r.content)
    assert snapshot() == before


@pytest.mark.parametrize("op", [op for op in EXAMPLE_WRITES if op.path_params], ids=str)
def test_a_write_by_a_user_who_may_not_is_refused_and_writes_nothing(op, library):
    """demo owns every seeded object; mallory's writes on them are 403 or 404."""
    body = stored_body(op) if op.body else None
    before = snapshot()
    r = send(op.method, fill(op, existing_path_values(op.path)), body, token=library["other_token"])
    if op.operation_id == "book_review":  # reviewing someone's book is allowed
        assert r.status_code == 200
        return
    assert r.status_code in (403, 404), (r.status_code, r.content)
    assert snapshot() == before


# -- permissions before queries and side effects ----------------------------------------------

PROTECTED_WRITES = [op for op in EXAMPLE_WRITES if "401" in op.responses]


@pytest.mark.parametrize("op", PROTECTED_WRITES, ids=str)
def test_an_anonymous_write_is_401_before_any_query(op, library):
    body = stored_body(op) if op.body else None
    url = fill(op, existing_path_values(op.path))
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        r = send(op.method, url, body)
    assert r.status_code == 401, (r.status_code, r.content)
    assert r.json()["detail"]
    assert [q["sql"] for q in queries] == []
    assert snapshot() == before


@pytest.mark.parametrize("op", ACCOUNT_OPS, ids=str)
def test_an_anonymous_request_on_the_scoped_viewset_runs_no_query(op, library):
    before = snapshot_accounts()
    with CaptureQueriesContext(connection) as queries:
        r = send(op.method, fill(op, {"pk": 1}), account_body(op))
    assert r.status_code == 401 and [q["sql"] for q in queries] == []
    assert snapshot_accounts() == before


# -- error bodies: no traceback, no SQL, no other user's data ---------------------------------

LEAKS = ("Traceback", 'File "', "SELECT", "INSERT", "UPDATE ", "password", "hunter2", "mallory")


def assert_no_leak(content: bytes) -> None:
    text = content.decode(errors="replace")
    for marker in LEAKS:
        assert marker.lower() not in text.lower(), (marker, text[:500])


def test_an_unexpected_exception_is_a_bare_500(library, settings):
    """Ninja leaves it to Django (logged, mailed to ADMINS): its page says nothing more."""
    settings.DEBUG = False
    body = {"book_id": 1, "user_id": library["other"].pk, "stars": 1}
    r = send("POST", "/accounts-api/broken/", body)
    assert r.status_code == 500
    assert_no_leak(r.content)
    assert AppReview.objects.count() == 0


@pytest.mark.django_db(transaction=True)  # constraints are checked at commit, as in production
def test_database_constraint_errors_are_409_without_sql_or_values(library, settings):
    from tests.testapp.models import Author
    from tests.testapp.models import Book as TestBook

    settings.DEBUG = False
    other = library["other"]
    book = TestBook.objects.create(title="t", author=Author.objects.create(name="a"))
    r = send(
        "POST", "/accounts-api/constrained/", {"book_id": 10**9, "user_id": other.pk, "stars": 1}
    )
    assert r.status_code == 422, r.content  # the field named, the client's own value only
    assert [e["loc"] for e in r.json()["detail"]] == [["body", "payload", "book_id"]]
    assert_no_leak(r.content)
    r = send(
        "POST", "/accounts-api/constrained/", {"book_id": book.pk, "user_id": other.pk, "stars": -1}
    )
    assert r.status_code == 409 and r.json()["code"] == "check", r.content
    assert_no_leak(r.content)
    assert AppReview.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_unique_conflict_names_the_field_not_the_value(library, settings):
    settings.DEBUG = False
    Tag.objects.create(name="mallory-secret-tag")
    r = send("POST", "/api/tags/", {"name": "mallory-secret-tag"}, token=library["admin"])
    assert r.status_code == 409, r.content
    assert r.json() == {"detail": "An object with the same name already exists.", "code": "unique"}


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("POST", "/api/books/", b'{"title": '),  # malformed JSON: no parser message
        ("GET", "/api/books/999999999/", None),
        ("GET", "/api/authors/?cursor=!!", None),
        ("GET", "/api/books/?ordering=owner__username", None),
        ("PATCH", "/api/reviews/{review}/", b'{"stars": 99}'),
        ("POST", "/api/reviews/", json.dumps({"stars": 1, "book_id": 2**64}).encode()),
    ],
)
@pytest.mark.django_db(transaction=True)  # PostgreSQL: an out-of-range value aborts a transaction
def test_client_errors_carry_no_internals(method, url, body, library, settings):
    settings.DEBUG = False
    review = Review.objects.create(book=Book.objects.first(), user=library["other"], stars=2)
    client = AsyncClient(raise_request_exception=False)

    async def request() -> Any:
        return await client.generic(
            method,
            url.format(review=review.pk),
            data=body or b"",
            content_type="application/json",
            headers={"Authorization": f"Bearer {library['demo']}"},
        )

    r = async_to_sync(request)()
    assert 400 <= r.status_code < 500 and r.json()["detail"], r.content
    assert_no_leak(r.content)
    assert b"Expecting" not in r.content and b"line 1" not in r.content  # json's own message
