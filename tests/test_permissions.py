"""Permissions: BasePermission, built-ins, &, |, ~, sync and async hooks, 401 vs 403."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.test import RequestFactory
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, action
from ninja_viewsets.permissions import (
    AllowAny,
    BasePermission,
    IsAdminUser,
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
)
from tests.testapp.models import Account, Author

NOT_AUTHENTICATED = {
    "detail": "Authentication credentials were not provided.",
    "code": "not_authenticated",
}
FORBIDDEN = {
    "detail": "You do not have permission to perform this action.",
    "code": "permission_denied",
}

calls: list[Any] = []


def make_perm(name: str, *, perm: bool = True, obj: bool = True, sync: bool = False) -> type:
    """A permission class that records its calls in ``calls`` and answers ``perm``/``obj``."""
    if sync:

        def has_permission(self, request, view):
            calls.append(f"{name}.perm")
            return perm

        def has_object_permission(self, request, view, instance):
            calls.append(f"{name}.obj")
            return obj

    else:

        async def has_permission(self, request, view):
            calls.append(f"{name}.perm")
            return perm

        async def has_object_permission(self, request, view, instance):
            calls.append(f"{name}.obj")
            return obj

    return type(
        name,
        (BasePermission,),
        {"has_permission": has_permission, "has_object_permission": has_object_permission},
    )


Allow = make_perm("Allow")
Deny = make_perm("Deny", perm=False, obj=False)
Rec = make_perm("Rec")
DenyObj = make_perm("DenyObj", obj=False)
PermNoObjYes = make_perm("PermNoObjYes", perm=False, obj=True)
PermYesObjNo = make_perm("PermYesObjNo", perm=True, obj=False)
SyncAllow = make_perm("SyncAllow", sync=True)
SyncDeny = make_perm("SyncDeny", perm=False, obj=False, sync=True)
SyncDenyObj = make_perm("SyncDenyObj", obj=False, sync=True)


class Closed(BasePermission):
    message = "Books are closed."
    code = "closed"

    async def has_permission(self, request, view):
        return False


class ClosedObject(BasePermission):
    message = "Not this book."
    code = "not_this_one"

    def has_object_permission(self, request, view, obj):
        return False


class Spy(BasePermission):
    async def has_object_permission(self, request, view, obj):
        calls.append(("spy", type(obj), obj.pk, view.action))
        return True


class AuthorOut(Schema):
    id: int
    name: str


class AuthorIn(Schema):
    name: str


class AccountOut(Schema):
    id: int
    name: str
    balance: int


class AccountIn(Schema):
    name: str
    balance: int = 0


class Authors(ModelViewSet):
    """The base: a ``get_queryset()`` that records when it is called."""

    queryset = Author.objects.all()
    output_schema = AuthorOut
    input_schema = AuthorIn

    def get_queryset(self):
        calls.append("queryset")
        return super().get_queryset()


class IsOwnerSync(BasePermission):
    """Sync hook using the sync ORM: ``obj.owner`` is a lazy foreign key."""

    message = "Not your account."

    def has_object_permission(self, request, view, obj):
        return obj.owner == request.user


class IsOwnerAsync(BasePermission):
    async def has_object_permission(self, request, view, obj):
        return obj.owner_id == request.user.pk


class UserReader(BasePermission):
    """Reads ``request.user`` directly in async code: it must already be loaded."""

    async def has_permission(self, request, view):
        calls.append(("user", request.user.username))
        return request.user.is_authenticated


class OwnAccounts(ModelViewSet):
    """DRF-style sync code in ``get_queryset()`` under async."""

    output_schema = AccountOut
    input_schema = AccountIn
    permission_classes = [IsAuthenticated, UserReader]

    def get_queryset(self):
        return self.request.user.accounts.all()


class SyncOwnerAccounts(ModelViewSet):
    queryset = Account.objects.all()
    output_schema = AccountOut
    input_schema = AccountIn
    permission_classes = [IsAuthenticated & IsOwnerSync]


class AsyncOwnerAccounts(SyncOwnerAccounts):
    permission_classes = [IsAuthenticated & IsOwnerAsync]


class PerAction(Authors):
    permission_classes = [AllowAny]

    @action(detail=False, permission_classes=[IsAdminUser])
    async def stats(self, request) -> dict[str, int]:
        return {"count": await self.get_queryset().acount()}

    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated & DenyObj])
    async def touch(self, request, pk: int) -> AuthorOut:
        return await self.get_object()


class ByAction(Authors):
    def get_permissions(self):
        calls.append(("action", self.action))
        if self.action == "list":  # noqa: SIM108 (the seed document's example, as written)
            permission_classes = [IsAuthenticated]
        else:
            permission_classes = [IsAdminUser]
        return [permission() for permission in permission_classes]


class Defaulted(Authors):
    """No ``permission_classes``: NINJA_VIEWSETS decides."""


VIEWSETS: dict[str, Any] = {
    "base": [BasePermission],
    "allowany": [AllowAny],
    "isauth": [IsAuthenticated],
    "isadmin": [IsAdminUser],
    "readonly": [IsAuthenticatedOrReadOnly],
    "closed": [Closed],
    "closedobj": [ClosedObject],
    "and_early": [Deny & Rec],
    "and_obj_early": [DenyObj & Rec],
    "or_early": [Allow | Rec],
    "or_obj": [PermNoObjYes | PermYesObjNo],
    "or_obj_ok": [PermNoObjYes | Allow],
    "owner_or_admin": [(IsAuthenticated & DenyObj) | IsAdminUser],
    "not_auth": [~IsAuthenticated],
    "precedence": [Allow | Deny & Deny],
    "grouped": [(Allow | Deny) & Deny],
    "order_deny": [Deny, Rec],
    "order_allow": [Allow, Rec],
    "sync_deny": [SyncDeny, Rec],
    "mixed": [SyncAllow & Allow, Rec],
    "sync_obj_deny": [SyncDenyObj],
    "denyobj": [DenyObj],
    "spy": [Spy],
}

router = DefaultRouter()
for prefix, classes in VIEWSETS.items():
    router.register(
        prefix, type(f"Authors_{prefix}", (Authors,), {"permission_classes": classes}), prefix
    )
router.register("own", OwnAccounts, basename="own")
router.register("syncowner", SyncOwnerAccounts, basename="syncowner")
router.register("asyncowner", AsyncOwnerAccounts, basename="asyncowner")
router.register("peraction", PerAction, basename="peraction")
router.register("byaction", ByAction, basename="byaction")
router.register("defaulted", Defaulted, basename="defaulted")
api = NinjaAPI(urls_namespace="test_permissions")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def _reset_calls():
    calls.clear()


@pytest.fixture
def author(db):
    return Author.objects.create(name="Ann")


def assert_untouched(author: Author) -> None:
    author.refresh_from_db()
    assert author.name == "Ann"
    assert Author.objects.count() == 1


# -- built-ins ------------------------------------------------------------------------------


def test_base_permission_allows_everything(client, author):
    assert client.get("/api/base/").status_code == 200
    assert client.get(f"/api/base/{author.pk}/").status_code == 200
    assert client.patch(f"/api/base/{author.pk}/", {"name": "B"}).status_code == 200
    assert client.post("/api/base/", {"name": "C"}).status_code == 201
    assert client.delete(f"/api/base/{author.pk}/").status_code == 204
    assert list(Author.objects.values_list("name", flat=True)) == ["C"]


def test_allow_any(client, author):
    assert client.get(f"/api/allowany/{author.pk}/").status_code == 200
    assert client.post("/api/allowany/", {"name": "C"}).status_code == 201
    assert Author.objects.count() == 2


def test_is_authenticated(client, user, author):
    r = client.get("/api/isauth/")
    assert r.status_code == 401, r
    assert r.json() == NOT_AUTHENTICATED
    r = client.post("/api/isauth/", {"name": "C"})
    assert r.status_code == 401, r
    assert_untouched(author)
    client.force_login(user)
    assert client.get("/api/isauth/").status_code == 200
    assert client.post("/api/isauth/", {"name": "C"}).status_code == 201


def test_is_admin_user(client, user, admin, author):
    r = client.get("/api/isadmin/")
    assert r.status_code == 401 and r.json() == NOT_AUTHENTICATED, r
    client.force_login(user)
    r = client.get("/api/isadmin/")
    assert r.status_code == 403 and r.json() == FORBIDDEN, r
    r = client.delete(f"/api/isadmin/{author.pk}/")
    assert r.status_code == 403, r
    assert_untouched(author)
    client.force_login(admin)
    assert client.get("/api/isadmin/").status_code == 200
    assert client.delete(f"/api/isadmin/{author.pk}/").status_code == 204


def test_is_authenticated_or_read_only(client, user, author):
    assert client.get("/api/readonly/").status_code == 200
    assert client.get(f"/api/readonly/{author.pk}/").status_code == 200
    assert client.head(f"/api/readonly/{author.pk}/").status_code == 200
    r = client.post("/api/readonly/", {"name": "C"})
    assert r.status_code == 401 and r.json() == NOT_AUTHENTICATED, r
    assert client.put(f"/api/readonly/{author.pk}/", {"name": "X"}).status_code == 401
    assert client.patch(f"/api/readonly/{author.pk}/", {"name": "X"}).status_code == 401
    assert client.delete(f"/api/readonly/{author.pk}/").status_code == 401
    assert_untouched(author)
    client.force_login(user)
    assert client.patch(f"/api/readonly/{author.pk}/", {"name": "X"}).status_code == 200
    assert client.post("/api/readonly/", {"name": "C"}).status_code == 201


# -- denial bodies: 401 vs 403, message and code -------------------------------------------


def test_custom_message_and_code_reach_the_body(client, user, author):
    client.force_login(user)
    r = client.get("/api/closed/")
    assert r.status_code == 403, r
    assert r.json() == {"detail": "Books are closed.", "code": "closed"}


def test_anonymous_denial_is_401_whatever_the_message(client, author):
    r = client.get("/api/closed/")
    assert r.status_code == 401, r
    assert r.json() == NOT_AUTHENTICATED


def test_object_denial_message_and_code(client, user, author):
    client.force_login(user)
    assert client.get("/api/closedobj/").status_code == 200  # list: no object check
    r = client.get(f"/api/closedobj/{author.pk}/")
    assert r.status_code == 403, r
    assert r.json() == {"detail": "Not this book.", "code": "not_this_one"}
    r = client.put(f"/api/closedobj/{author.pk}/", {"name": "X"})
    assert r.status_code == 403, r
    assert client.delete(f"/api/closedobj/{author.pk}/").status_code == 403
    assert_untouched(author)


# -- order, stopping early, before the queryset ----------------------------------------------


def test_declared_order_stops_at_first_denial_before_queryset(client, user, author):
    client.force_login(user)
    for url in ("/api/order_deny/", f"/api/order_deny/{author.pk}/"):
        calls.clear()
        r = client.get(url)
        assert r.status_code == 403, r
        assert calls == ["Deny.perm"]  # Rec not asked, get_queryset() never called
    calls.clear()
    assert client.delete(f"/api/order_deny/{author.pk}/").status_code == 403
    assert calls == ["Deny.perm"]
    assert_untouched(author)


def test_declared_order_all_checked_then_objects(client, author):
    r = client.get("/api/order_allow/")
    assert r.status_code == 200, r
    assert calls == ["Allow.perm", "Rec.perm", "queryset"]
    calls.clear()
    r = client.get(f"/api/order_allow/{author.pk}/")
    assert r.status_code == 200, r
    assert calls == ["Allow.perm", "Rec.perm", "queryset", "Allow.obj", "Rec.obj"]


def test_object_permissions_not_checked_on_list_or_create(client, author):
    assert client.get("/api/denyobj/").status_code == 200
    assert client.post("/api/denyobj/", {"name": "New"}).status_code == 201
    assert "DenyObj.obj" not in calls


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_object_permission_denied_on_detail_actions(client, author, method):
    kwargs = {} if method in ("get", "delete") else {"json": {"name": "X"}}
    r = getattr(client, method)(f"/api/denyobj/{author.pk}/", **kwargs)
    assert r.status_code == 401, r  # anonymous
    assert calls == ["DenyObj.perm", "queryset", "DenyObj.obj"]
    assert_untouched(author)


def test_object_permission_gets_the_object(client, author):
    assert client.get(f"/api/spy/{author.pk}/").status_code == 200
    assert client.patch(f"/api/spy/{author.pk}/", {"name": "B"}).status_code == 200
    assert [c for c in calls if c != "queryset"] == [
        ("spy", Author, author.pk, "retrieve"),
        ("spy", Author, author.pk, "partial_update"),
    ]


def test_sync_permission_hooks(client, user, author):
    client.force_login(user)
    r = client.get("/api/sync_deny/")
    assert r.status_code == 403, r
    assert calls == ["SyncDeny.perm"]
    calls.clear()
    r = client.get(f"/api/mixed/{author.pk}/")
    assert r.status_code == 200, r
    assert calls == [
        *("SyncAllow.perm", "Allow.perm", "Rec.perm", "queryset"),
        *("SyncAllow.obj", "Allow.obj", "Rec.obj"),
    ]
    calls.clear()
    assert client.get(f"/api/sync_obj_deny/{author.pk}/").status_code == 403
    assert calls == ["SyncDenyObj.perm", "queryset", "SyncDenyObj.obj"]


@pytest.mark.parametrize("prefix", ["syncowner", "asyncowner"])
def test_owner_object_permission_sync_orm_and_async(client, user, prefix):
    bob = User.objects.create_user("bob")
    mine = Account.objects.create(owner=user, name="mine")
    theirs = Account.objects.create(owner=bob, name="theirs")
    assert client.get(f"/api/{prefix}/{mine.pk}/").status_code == 401
    client.force_login(user)
    r = client.get(f"/api/{prefix}/{mine.pk}/")
    assert r.status_code == 200, r
    assert r.json() == {"id": mine.pk, "name": "mine", "balance": 0}
    r = client.patch(f"/api/{prefix}/{theirs.pk}/", {"name": "stolen"})
    assert r.status_code == 403, r
    theirs.refresh_from_db()
    assert theirs.name == "theirs"


# -- &, |, ~ ---------------------------------------------------------------------------------


def test_and_stops_early_on_has_permission(client, user, author):
    client.force_login(user)
    assert client.get("/api/and_early/").status_code == 403
    assert calls == ["Deny.perm"]


def test_and_stops_early_on_has_object_permission(client, user, author):
    client.force_login(user)
    r = client.get(f"/api/and_obj_early/{author.pk}/")
    assert r.status_code == 403, r
    assert calls == ["DenyObj.perm", "Rec.perm", "queryset", "DenyObj.obj"]


def test_or_stops_at_first_true(client, author):
    assert client.get("/api/or_early/").status_code == 200
    assert calls == ["Allow.perm", "queryset"]


def test_or_object_check_pairs_each_operands_hooks(client, user, author):
    client.force_login(user)
    assert client.get("/api/or_obj/").status_code == 200
    calls.clear()
    r = client.get(f"/api/or_obj/{author.pk}/")
    # (False and True) or (True and False): denied, though each operand allows one hook
    assert r.status_code == 403, r
    assert client.get(f"/api/or_obj_ok/{author.pk}/").status_code == 200


def test_or_owner_or_admin_denies_anonymous(client, user, admin, author):
    assert client.get(f"/api/owner_or_admin/{author.pk}/").status_code == 401
    client.force_login(user)
    assert client.get(f"/api/owner_or_admin/{author.pk}/").status_code == 403
    client.force_login(admin)
    assert client.get(f"/api/owner_or_admin/{author.pk}/").status_code == 200


def test_not_negates(client, user, author):
    assert client.get("/api/not_auth/").status_code == 200
    # ~IsAuthenticated negates the base object hook (True) too
    assert client.get(f"/api/not_auth/{author.pk}/").status_code == 401
    client.force_login(user)
    r = client.get("/api/not_auth/")
    assert r.status_code == 403 and r.json() == FORBIDDEN, r


def test_and_binds_tighter_than_or(client, user, author):
    client.force_login(user)
    assert client.get("/api/precedence/").status_code == 200  # Allow | (Deny & Deny)
    assert client.get("/api/grouped/").status_code == 403  # (Allow | Deny) & Deny
    assert (Allow | Deny & Rec) == (Allow | (Deny & Rec))
    assert (Allow | Deny & Rec) != ((Allow | Deny) & Rec)


def test_composed_classes_hashable_and_equal():
    a = IsAuthenticated & IsAdminUser
    b = IsAuthenticated & IsAdminUser
    assert a == b and hash(a) == hash(b)
    assert len(dict.fromkeys([a, b, ~IsAuthenticated, ~IsAuthenticated])) == 2
    assert (IsAuthenticated | IsAdminUser) != (IsAuthenticated & IsAdminUser)
    assert (IsAuthenticated | IsAdminUser) != (IsAdminUser | IsAuthenticated)
    assert ((a | AllowAny) & ~Rec) == ((b | AllowAny) & ~Rec)
    assert {a: 1}[b] == 1


async def test_composed_instances_evaluate_nested():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    view = object()
    for composed, expected in [
        (Allow & Allow, True),
        (Allow & Deny, False),
        (Deny | Allow, True),
        (Deny | Deny, False),
        (~Deny, True),
        (~(Allow & Deny) & (Deny | Allow), True),
        (~(Allow | Deny) | (Deny & Allow), False),
        (SyncAllow & ~SyncDeny, True),
    ]:
        instance = composed()
        assert isinstance(instance, BasePermission)
        assert await instance.has_permission(request, view) is expected, composed


# -- settings, per-action permissions, request.user -------------------------------------------


def test_default_permission_classes_setting(client, user, settings, author):
    assert client.get("/api/defaulted/").status_code == 200
    settings.NINJA_VIEWSETS = {
        "DEFAULT_PERMISSION_CLASSES": ["ninja_viewsets.permissions.IsAuthenticated"]
    }
    r = client.get("/api/defaulted/")
    assert r.status_code == 401 and r.json() == NOT_AUTHENTICATED, r
    client.force_login(user)
    assert client.get("/api/defaulted/").status_code == 200
    settings.NINJA_VIEWSETS = {"DEFAULT_PERMISSION_CLASSES": [IsAdminUser]}
    assert client.get("/api/defaulted/").status_code == 403
    assert client.get("/api/allowany/").status_code == 200  # explicit classes win


def test_action_permission_classes(client, user, admin, author):
    assert client.get("/api/peraction/").status_code == 200  # AllowAny on list
    r = client.get("/api/peraction/stats/")
    assert r.status_code == 401, r
    client.force_login(user)
    assert client.get("/api/peraction/stats/").status_code == 403
    r = client.post(f"/api/peraction/{author.pk}/touch/")
    assert r.status_code == 403, r  # the action's object permission, via get_object()
    client.force_login(admin)
    r = client.get("/api/peraction/stats/")
    assert r.status_code == 200 and r.json() == {"count": 1}, r


def test_get_permissions_branching_on_action(client, user, admin, author):
    r = client.get("/api/byaction/")
    assert r.status_code == 401, r
    client.force_login(user)
    assert client.get("/api/byaction/").status_code == 200
    assert client.get(f"/api/byaction/{author.pk}/").status_code == 403
    assert client.post("/api/byaction/", {"name": "X"}).status_code == 403
    assert Author.objects.count() == 1
    client.force_login(admin)
    assert client.get(f"/api/byaction/{author.pk}/").status_code == 200
    actions = [c[1] for c in calls if isinstance(c, tuple) and c[0] == "action"]
    assert set(actions) == {"list", "retrieve", "create"}


def test_request_user_loaded_once_for_sync_get_queryset(client, user, django_assert_num_queries):
    bob = User.objects.create_user("bob")
    mine = Account.objects.create(owner=user, name="mine", balance=3)
    Account.objects.create(owner=bob, name="theirs")
    client.force_login(user)
    with django_assert_num_queries(3):  # session, user, accounts
        r = client.get("/api/own/")
    assert r.status_code == 200, r
    assert r.json() == [{"id": mine.pk, "name": "mine", "balance": 3}]
    assert calls == [("user", "alice")]


def test_request_user_anonymous_is_denied_before_get_queryset(client, db):
    # get_queryset() would fail on AnonymousUser.accounts: it must not run
    r = client.get("/api/own/")
    assert r.status_code == 401 and r.json() == NOT_AUTHENTICATED, r
