"""Acceptance: the examples of DRF's ViewSets guide, written the same way, with schemas.

Each viewset below is the guide's example with ``serializer_class`` replaced by
``output_schema``/``input_schema`` (or return annotations) and the actions made ``async``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import (
    DefaultRouter,
    GenericViewSet,
    ModelViewSet,
    ReadOnlyModelViewSet,
    ViewSet,
    action,
    mixins,
)
from ninja_viewsets.permissions import (
    SAFE_METHODS,
    BasePermission,
    IsAdminUser,
    IsAuthenticated,
)
from tests.testapp.models import Account, Tag

# -- schemas (the guide's serializers) --------------------------------------------------------


class UserOut(Schema):
    id: int
    username: str
    email: str


class UserIn(Schema):
    username: str
    email: str = ""


class PasswordIn(Schema):
    password: str


class StatusOut(Schema):
    status: str


class AccountOut(Schema):
    id: int
    name: str
    balance: int


class AccountIn(Schema):
    name: str
    balance: int = 0


class TagOut(Schema):
    id: int
    name: str


class TagIn(Schema):
    name: str


# -- "a simple viewset that can be used to list or retrieve all the users" --------------------


class UserViewSet(ViewSet):
    """
    A simple ViewSet for listing or retrieving users.
    """

    async def list(self, request) -> list[UserOut]:
        queryset = User.objects.all().order_by("pk")
        return [user async for user in queryset]

    async def retrieve(self, request, pk: int) -> UserOut:
        queryset = User.objects.all()
        user = await queryset.aget(pk=pk)  # DoesNotExist -> 404
        return user


user_list = UserViewSet.as_view({"get": "list"})
user_detail = UserViewSet.as_view({"get": "retrieve"})


# -- the empty viewset "demonstrating the standard actions that will be handled by a router" --


class StandardActionsViewSet(ViewSet):
    """
    Example empty viewset demonstrating the standard actions that will be handled by a
    router class.
    """

    def list(self, request):
        pass

    def create(self, request):
        pass

    def retrieve(self, request, pk: int):
        pass

    def update(self, request, pk: int):
        pass

    def partial_update(self, request, pk: int):
        pass

    def destroy(self, request, pk: int):
        pass


# -- introspecting viewset actions ------------------------------------------------------------


def introspection(view: Any) -> dict[str, Any]:
    return {
        "basename": view.basename,
        "action": view.action,
        "detail": view.detail,
        "suffix": view.suffix,
        "name": view.name,
        "description": view.description,
    }


class IntrospectViewSet(ViewSet):
    async def list(self, request) -> dict[str, Any]:
        return introspection(self)

    async def retrieve(self, request, pk: int) -> dict[str, Any]:
        return introspection(self)

    @action(detail=True)
    async def extra(self, request, pk: int) -> dict[str, Any]:
        """An extra action."""
        return introspection(self)


# -- restricting permissions to everything except the list action -----------------------------


class RestrictedUserViewSet(ModelViewSet):
    queryset = User.objects.all()
    output_schema = UserOut
    input_schema = UserIn

    def get_permissions(self):
        """
        Instantiates and returns the list of permissions that this view requires.
        """
        if self.action == "list":  # noqa: SIM108 (the guide's code, as written)
            permission_classes = [IsAuthenticated]
        else:
            permission_classes = [IsAdminUser]
        return [permission() for permission in permission_classes]


# -- "a more complete example of extra actions" -----------------------------------------------


class IsAdminOrIsSelf(BasePermission):
    async def has_object_permission(self, request, view, obj):
        return request.user.is_staff or obj.pk == request.user.pk


class UserModelViewSet(ModelViewSet):
    """
    A viewset that provides the standard actions
    """

    queryset = User.objects.all()
    output_schema = UserOut
    input_schema = UserIn

    @action(detail=True, methods=["post"], permission_classes=[IsAdminOrIsSelf])
    async def set_password(self, request, pk: int, payload: PasswordIn) -> StatusOut:
        user = await self.get_object()
        user.set_password(payload.password)
        await user.asave()
        return {"status": "password set"}

    @action(detail=False)
    async def recent_users(self, request) -> list[UserOut]:
        recent_users = User.objects.all().order_by("-last_login")
        return recent_users

    @action(detail=True, methods=["post", "delete"])
    async def unset_password(self, request, pk: int) -> StatusOut:
        user = await self.get_object()
        user.set_unusable_password()
        await user.asave()
        return {"status": "password unset"}

    @action(detail=True, methods=["put"], name="Change Password")
    async def password(self, request, pk: int, payload: PasswordIn) -> StatusOut:
        """Update the user's password."""
        user = await self.get_object()
        user.set_password(payload.password)
        await user.asave()
        return {"status": "password changed"}

    @password.mapping.delete
    async def delete_password(self, request, pk: int) -> None:
        """Delete the user's password."""
        user = await self.get_object()
        user.set_unusable_password()
        await user.asave()

    @action(detail=False)
    async def links(self, request) -> dict[str, str]:
        return {
            "set_password": self.reverse_action("set-password", args=["1"]),
            "by_url_name": self.reverse_action(self.set_password.url_name, args=["1"]),
            "list": self.reverse_action("list"),
        }


# -- accounts ---------------------------------------------------------------------------------


class IsAccountAdminOrReadOnly(BasePermission):
    async def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or request.user.is_staff


class AccountViewSet(ModelViewSet):
    """
    A simple ViewSet for viewing and editing the accounts associated with the user.
    """

    output_schema = AccountOut
    input_schema = AccountIn
    permission_classes = [IsAccountAdminOrReadOnly]

    def get_queryset(self):
        return self.request.user.accounts.all()


class ReadOnlyAccountViewSet(ReadOnlyModelViewSet):
    """
    A simple ViewSet for viewing accounts.
    """

    queryset = Account.objects.all()
    output_schema = AccountOut


# -- custom viewset base classes --------------------------------------------------------------


class CreateListRetrieveViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet
):
    """
    A viewset that provides `retrieve`, `create`, and `list` actions.

    To use it, override the class and set the `.queryset` and
    `.output_schema`/`.input_schema` attributes.
    """

    pass


class TagViewSet(CreateListRetrieveViewSet):
    queryset = Tag.objects.all()
    output_schema = TagOut
    input_schema = TagIn


router = DefaultRouter()
router.register("users", UserViewSet, basename="user")
router.register("model-users", UserModelViewSet, basename="modeluser")
router.register("restricted-users", RestrictedUserViewSet, basename="restricted")
router.register("accounts", AccountViewSet, basename="account")
router.register("all-accounts", ReadOnlyAccountViewSet, basename="all-account")
router.register("tags", TagViewSet)
router.register("standard", StandardActionsViewSet, basename="standard")
router.register("introspect", IntrospectViewSet, basename="introspect")
api = NinjaAPI(urls_namespace="test_seeds")
api.add_router("/", router)

urlpatterns = [
    path("api/", api.urls),
    path("users/", user_list),
    path("users/<int:pk>/", user_detail),
]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def bob(db):
    return User.objects.create_user("bob", email="bob@example.com", password="old")


def user_json(u: User) -> dict[str, Any]:
    return {"id": u.pk, "username": u.username, "email": u.email}


# -- plain ViewSet: router and as_view ------------------------------------------------------


def test_user_viewset_list_and_retrieve_through_router(client, user, bob):
    r = client.get("/api/users/")
    assert r.status_code == 200, r
    assert r.json() == [user_json(user), user_json(bob)]
    r = client.get(f"/api/users/{bob.pk}/")
    assert r.status_code == 200, r
    assert r.json() == user_json(bob)
    r = client.get(f"/api/users/{bob.pk + 100}/")
    assert r.status_code == 404, r
    assert r.json()["detail"] == "Not found."


def test_user_viewset_has_only_its_actions(client, bob):
    r = client.post("/api/users/", {"username": "x"})
    assert r.status_code == 405, r
    assert client.delete(f"/api/users/{bob.pk}/").status_code == 405
    assert User.objects.filter(pk=bob.pk).exists() and User.objects.count() == 1


def test_user_viewset_bound_with_as_view(client, user, bob):
    r = client.get("/users/")
    assert r.status_code == 200, r
    assert r.json() == [user_json(user), user_json(bob)]
    r = client.get(f"/users/{bob.pk}/")
    assert r.status_code == 200, r
    assert r.json() == user_json(bob)
    r = client.get(f"/users/{bob.pk + 100}/")
    assert r.status_code == 404, r
    r = client.post("/users/", {"username": "x"})
    assert r.status_code == 405, r
    assert User.objects.count() == 2


def test_default_router_api_root(client, db):
    r = client.get("/api/")
    assert r.status_code == 200, r
    root = r.json()
    assert root["users"] == "http://testserver/api/users/"
    assert root["model-users"] == "http://testserver/api/model-users/"
    assert root["accounts"] == "http://testserver/api/accounts/"


def test_standard_actions_all_routed(client, db):
    assert client.get("/api/standard/").status_code == 200
    assert client.post("/api/standard/").status_code == 200
    assert client.get("/api/standard/1/").status_code == 200
    assert client.put("/api/standard/1/").status_code == 200
    assert client.patch("/api/standard/1/").status_code == 200
    assert client.delete("/api/standard/1/").status_code == 200
    ops = {
        o["operationId"]
        for url, item in api.get_openapi_schema()["paths"].items()
        if url.startswith("/api/standard/")
        for o in item.values()
    }
    assert ops == {
        f"standard_{a}"
        for a in ("list", "create", "retrieve", "update", "partial_update", "destroy")
    }


def test_introspection_attributes(client, db):
    r = client.get("/api/introspect/")
    assert r.status_code == 200, r
    assert r.json() == {
        "basename": "introspect",
        "action": "list",
        "detail": False,
        "suffix": "List",
        "name": None,
        "description": None,
    }
    r = client.get("/api/introspect/5/")
    assert r.status_code == 200, r
    assert r.json()["action"] == "retrieve"
    assert r.json()["detail"] is True and r.json()["suffix"] == "Instance"
    r = client.get("/api/introspect/5/extra/")
    assert r.status_code == 200, r
    assert r.json() == {
        "basename": "introspect",
        "action": "extra",
        "detail": True,
        "suffix": None,
        "name": "Extra",
        "description": "An extra action.",
    }


# -- get_permissions() branching on self.action -----------------------------------------------


def test_get_permissions_list_needs_login_rest_needs_admin(client, user, admin, bob):
    r = client.get("/api/restricted-users/")
    assert r.status_code == 401, r
    client.force_login(user)
    assert client.get("/api/restricted-users/").status_code == 200
    r = client.get(f"/api/restricted-users/{bob.pk}/")
    assert r.status_code == 403, r
    r = client.patch(f"/api/restricted-users/{bob.pk}/", {"email": "x@example.com"})
    assert r.status_code == 403, r
    bob.refresh_from_db()
    assert bob.email == "bob@example.com"
    client.force_login(admin)
    r = client.get(f"/api/restricted-users/{bob.pk}/")
    assert r.status_code == 200 and r.json() == user_json(bob), r
    r = client.delete(f"/api/restricted-users/{bob.pk}/")
    assert r.status_code == 204, r
    assert not User.objects.filter(pk=bob.pk).exists()


# -- ModelViewSet of users with extra actions -------------------------------------------------


def test_model_user_viewset_standard_actions(client, bob):
    r = client.post("/api/model-users/", {"username": "carol", "email": "c@example.com"})
    assert r.status_code == 201, r
    carol = User.objects.get(username="carol")
    assert r.json() == user_json(carol)
    r = client.put(f"/api/model-users/{carol.pk}/", {"username": "carol2"})
    assert r.status_code == 200, r
    carol.refresh_from_db()
    assert (carol.username, carol.email) == ("carol2", "")
    r = client.patch(f"/api/model-users/{bob.pk}/", {"email": "new@example.com"})
    assert r.status_code == 200, r
    assert r.json() == {"id": bob.pk, "username": "bob", "email": "new@example.com"}
    assert client.delete(f"/api/model-users/{carol.pk}/").status_code == 204
    assert list(User.objects.values_list("username", flat=True)) == ["bob"]


def test_set_password(client, user, bob):
    client.force_login(bob)
    r = client.post(f"/api/model-users/{bob.pk}/set_password/", {"password": "s3cret"})
    assert r.status_code == 200, r
    assert r.json() == {"status": "password set"}
    bob.refresh_from_db()
    assert bob.check_password("s3cret")


def test_set_password_invalid_body_is_422_and_unchanged(client, bob):
    client.force_login(bob)
    r = client.post(f"/api/model-users/{bob.pk}/set_password/", {"pass": "x"})
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"][-1] == "password"
    bob.refresh_from_db()
    assert bob.check_password("old")


def test_set_password_action_permission_classes(client, user, admin, bob):
    r = client.post(f"/api/model-users/{bob.pk}/set_password/", {"password": "a"})
    assert r.status_code == 401, r  # anonymous: the object permission refuses
    client.force_login(user)
    r = client.post(f"/api/model-users/{bob.pk}/set_password/", {"password": "a"})
    assert r.status_code == 403, r  # not self, not admin
    bob.refresh_from_db()
    assert bob.check_password("old")
    client.force_login(admin)
    r = client.post(f"/api/model-users/{bob.pk}/set_password/", {"password": "b"})
    assert r.status_code == 200, r
    bob.refresh_from_db()
    assert bob.check_password("b")


def test_set_password_missing_user_is_404(client, admin):
    client.force_login(admin)
    r = client.post(f"/api/model-users/{admin.pk + 100}/set_password/", {"password": "a"})
    assert r.status_code == 404, r
    assert r.json()["detail"] == "No User matches the given query."


def test_set_password_routes_post_only(client, bob):
    r = client.get(f"/api/model-users/{bob.pk}/set_password/")
    assert r.status_code == 405, r


def test_recent_users(client, user, bob):
    now = datetime.now(UTC)
    User.objects.filter(pk=user.pk).update(last_login=now - timedelta(days=2))
    User.objects.filter(pk=bob.pk).update(last_login=now - timedelta(days=1))
    r = client.get("/api/model-users/recent_users/")
    assert r.status_code == 200, r
    assert [u["username"] for u in r.json()] == ["bob", "alice"]
    assert r.json()[0] == user_json(bob)


def test_unset_password_post_and_delete(client, bob):
    for method in ("post", "delete"):
        bob.set_password("again")
        bob.save()
        r = getattr(client, method)(f"/api/model-users/{bob.pk}/unset_password/")
        assert r.status_code == 200, (method, r)
        assert r.json() == {"status": "password unset"}
        bob.refresh_from_db()
        assert not bob.has_usable_password()


def test_password_put_and_mapped_delete(client, bob):
    url = f"/api/model-users/{bob.pk}/password/"
    r = client.put(url, {"password": "changed"})
    assert r.status_code == 200, r
    assert r.json() == {"status": "password changed"}
    bob.refresh_from_db()
    assert bob.check_password("changed")
    r = client.delete(url)
    assert r.status_code == 204, r
    assert r.content == b""
    bob.refresh_from_db()
    assert not bob.has_usable_password()
    assert client.post(url, {"password": "x"}).status_code == 405


def test_password_route_in_openapi():
    item = api.get_openapi_schema()["paths"]["/api/model-users/{pk}/password/"]
    assert set(item) == {"put", "delete"}
    assert item["put"]["summary"] == "Change Password"
    assert item["put"]["description"] == "Update the user's password."
    assert item["delete"]["description"] == "Delete the user's password."


def test_extra_actions_and_reverse_action(client, db):
    names = [a.__name__ for a in UserModelViewSet.get_extra_actions()]
    assert names == ["links", "password", "recent_users", "set_password", "unset_password"]
    r = client.get("/api/model-users/links/")
    assert r.status_code == 200, r
    assert r.json() == {
        "set_password": "http://testserver/api/model-users/1/set_password/",
        "by_url_name": "http://testserver/api/model-users/1/set_password/",
        "list": "http://testserver/api/model-users/",
    }


# -- AccountViewSet: get_queryset() from request.user -----------------------------------------


@pytest.fixture
def accounts(user, bob):
    return (
        Account.objects.create(owner=user, name="alice-1", balance=1),
        Account.objects.create(owner=user, name="alice-2", balance=2),
        Account.objects.create(owner=bob, name="bob-1", balance=3),
    )


def test_account_viewset_lists_only_own_accounts(client, user, accounts):
    a1, a2, _ = accounts
    client.force_login(user)
    r = client.get("/api/accounts/")
    assert r.status_code == 200, r
    assert sorted(r.json(), key=lambda a: a["id"]) == [
        {"id": a1.pk, "name": "alice-1", "balance": 1},
        {"id": a2.pk, "name": "alice-2", "balance": 2},
    ]
    assert client.get(f"/api/accounts/{a1.pk}/").status_code == 200


def test_account_viewset_others_accounts_are_404(client, user, admin, accounts):
    _, _, theirs = accounts
    client.force_login(user)
    r = client.get(f"/api/accounts/{theirs.pk}/")
    assert r.status_code == 404, r
    assert r.json()["detail"] == "No Account matches the given query."
    client.force_login(admin)  # an admin may write, but only their own accounts
    r = client.patch(f"/api/accounts/{theirs.pk}/", {"balance": 0})
    assert r.status_code == 404, r
    assert client.delete(f"/api/accounts/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.balance == 3


def test_account_viewset_admin_or_read_only(client, user, admin, accounts):
    mine = accounts[0]
    assert client.get("/api/accounts/").status_code == 401
    client.force_login(user)
    r = client.patch(f"/api/accounts/{mine.pk}/", {"balance": 100})
    assert r.status_code == 403, r
    mine.refresh_from_db()
    assert mine.balance == 1
    own = Account.objects.create(owner=admin, name="admin-1", balance=5)
    client.force_login(admin)
    r = client.patch(f"/api/accounts/{own.pk}/", {"balance": 50})
    assert r.status_code == 200, r
    assert r.json() == {"id": own.pk, "name": "admin-1", "balance": 50}
    own.refresh_from_db()
    assert own.balance == 50


def test_read_only_account_viewset(client, accounts):
    r = client.get("/api/all-accounts/")
    assert r.status_code == 200, r
    assert len(r.json()) == 3
    assert client.get(f"/api/all-accounts/{accounts[2].pk}/").status_code == 200
    assert client.post("/api/all-accounts/", {"name": "x"}).status_code == 405
    assert client.delete(f"/api/all-accounts/{accounts[2].pk}/").status_code == 405
    assert Account.objects.count() == 3


# -- CreateListRetrieveViewSet ----------------------------------------------------------------


def test_create_list_retrieve_viewset(client, db):
    r = client.post("/api/tags/", {"name": "django"})
    assert r.status_code == 201, r
    tag = Tag.objects.get()
    assert r.json() == {"id": tag.pk, "name": "django"}
    r = client.get("/api/tags/")
    assert r.status_code == 200 and r.json() == [{"id": tag.pk, "name": "django"}], r
    r = client.get(f"/api/tags/{tag.pk}/")
    assert r.status_code == 200 and r.json() == {"id": tag.pk, "name": "django"}, r
    assert client.put(f"/api/tags/{tag.pk}/", {"name": "x"}).status_code == 405
    assert client.patch(f"/api/tags/{tag.pk}/", {"name": "x"}).status_code == 405
    assert client.delete(f"/api/tags/{tag.pk}/").status_code == 405
    tag.refresh_from_db()
    assert tag.name == "django"
