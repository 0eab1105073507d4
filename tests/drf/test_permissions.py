"""DRF's ``tests/test_permissions.py``, ported: model permissions, custom permissions, ``&|~``.

Each test keeps DRF's name and says which DRF test it ports. Differences adapted (listed in
``docs/coming-from-drf.md``): users log in with a session (DRF's tests send HTTP Basic
credentials; ``auth`` is any Ninja authenticator here), permissions are ``async`` (the
composition tests await them), configuration errors are ``ImproperlyConfigured`` with the
message DRF asserts. ``ObjectPermissionsIntegrationTests`` grants the object permissions through an
authentication backend (``tests/perm_backend.py``) instead of django-guardian.
"""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.test import RequestFactory, override_settings
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ViewSet, generics, permissions
from tests import perm_backend
from tests.testapp.models import BasicModel, BasicPermModel

factory = RequestFactory()


class BasicOut(Schema):
    id: int
    text: str


class BasicIn(Schema):
    text: str


class RootView(generics.ListCreateAPIView):
    queryset = BasicModel.objects.all()
    output_schema = BasicOut
    input_schema = BasicIn
    permission_classes = [permissions.DjangoModelPermissions]


class InstanceView(generics.RetrieveUpdateDestroyAPIView):
    queryset = BasicModel.objects.all()
    output_schema = BasicOut
    input_schema = BasicIn
    permission_classes = [permissions.DjangoModelPermissions]


class GetQuerySetListView(generics.ListCreateAPIView):
    output_schema = BasicOut
    input_schema = BasicIn
    permission_classes = [permissions.DjangoModelPermissions]

    def get_queryset(self):
        return BasicModel.objects.all()


class EmptyListView(generics.ListCreateAPIView):
    queryset = BasicModel.objects.none()
    output_schema = BasicOut
    input_schema = BasicIn
    permission_classes = [permissions.DjangoModelPermissions]


class IgnoredGetQuerySetListView(GetQuerySetListView):
    _ignore_model_permissions = True


class NoQuerysetView(ViewSet):
    permission_classes = [permissions.DjangoModelPermissions]

    async def list(self, request) -> list[int]:
        return []


class NoneQuerysetView(RootView):
    def get_queryset(self):
        return None


class AuthBeforeQueryset(RootView):
    def get_queryset(self):
        raise AssertionError("should not reach due to auth check")


# -- CustomPermissionsTests --------------------------------------------------------------------


class BasicPerm(permissions.BasePermission):
    def has_permission(self, request, view):
        return False


class BasicPermWithDetail(permissions.BasePermission):
    message = "Custom: You cannot access this resource"
    code = "permission_denied_custom"

    def has_permission(self, request, view):
        return False


class BasicObjectPerm(permissions.BasePermission):
    def has_object_permission(self, request, view, obj):
        return False


class BasicObjectPermWithDetail(permissions.BasePermission):
    message = "Custom: You cannot access this resource"
    code = "permission_denied_custom"

    def has_object_permission(self, request, view, obj):
        return False


class PermissionInstanceView(generics.RetrieveUpdateDestroyAPIView):
    queryset = BasicModel.objects.all()
    output_schema = BasicOut
    input_schema = BasicIn


def denied(permission):
    return type(
        f"Denied{permission.__name__}",
        (PermissionInstanceView,),
        {"permission_classes": (permission,)},
    )


# -- ObjectPermissionsIntegrationTests: views ---------------------------------------------------


class BasicPermOut(Schema):
    id: int
    text: str


class BasicPermIn(Schema):
    text: str


class ViewObjectPermissions(permissions.DjangoObjectPermissions):
    """Custom object-level permission that includes 'view' permissions."""

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }


class ObjectPermissionInstanceView(generics.RetrieveUpdateDestroyAPIView):
    queryset = BasicPermModel.objects.all()
    output_schema = BasicPermOut
    input_schema = BasicPermIn
    permission_classes = [ViewObjectPermissions]


class ObjectPermissionListView(generics.ListAPIView):
    queryset = BasicPermModel.objects.order_by("id")
    output_schema = BasicPermOut
    permission_classes = [ViewObjectPermissions]


class GetQuerysetObjectPermissionInstanceView(generics.RetrieveUpdateDestroyAPIView):
    output_schema = BasicPermOut
    input_schema = BasicPermIn
    permission_classes = [ViewObjectPermissions]

    def get_queryset(self):
        return BasicPermModel.objects.all()


root_router = DefaultRouter()
root_router.register("basic", RootView, basename="basic")
api = NinjaAPI(urls_namespace="drf-permissions")
api.add_router("/", root_router)

urlpatterns = [
    path("api/", api.urls),
    path("root/", RootView.as_view()),
    path("instance/<int:pk>/", InstanceView.as_view()),
    path("get-queryset/", GetQuerySetListView.as_view()),
    path("empty/", EmptyListView.as_view()),
    path("ignored/", IgnoredGetQuerySetListView.as_view()),
    path("no-queryset/", NoQuerysetView.as_view({"get": "list"})),
    path("none-queryset/", NoneQuerysetView.as_view()),
    path("auth-first/", AuthBeforeQueryset.as_view()),
    path("object/<int:pk>/", ObjectPermissionInstanceView.as_view()),
    path("object-list/", ObjectPermissionListView.as_view()),
    path("object-get-queryset/<int:pk>/", GetQuerysetObjectPermissionInstanceView.as_view()),
    path("denied/<int:pk>/", denied(BasicPerm).as_view()),
    path("denied-detail/<int:pk>/", denied(BasicPermWithDetail).as_view()),
    path("denied-object/<int:pk>/", denied(BasicObjectPerm).as_view()),
    path("denied-object-detail/<int:pk>/", denied(BasicObjectPermWithDetail).as_view()),
]
pytestmark = pytest.mark.urls(__name__)


def _user(name, *codenames):
    user = User.objects.create_user(name, f"{name}@example.com", "password")
    user.user_permissions.set(
        [Permission.objects.get(codename=c, content_type__app_label="testapp") for c in codenames]
    )
    return user


@pytest.fixture
def users(db):
    """DRF's ModelPermissionsIntegrationTests.setUp."""
    found = {
        "disallowed": _user("disallowed"),
        "permitted": _user("permitted", "add_basicmodel", "change_basicmodel", "delete_basicmodel"),
        "updateonly": _user("updateonly", "change_basicmodel"),
    }
    found["obj"] = BasicModel.objects.create(text="foo")
    return found


def as_user(client, users, name):
    client.force_login(users[name])
    return client


# -- ModelPermissionsIntegrationTests ----------------------------------------------------------


def test_has_create_permissions(client, users):
    """DRF test_permissions.py ModelPermissionsIntegrationTests.test_has_create_permissions."""
    response = as_user(client, users, "permitted").post("/root/", json={"text": "foobar"})
    assert response.status_code == 201


def test_api_root_view_discard_default_django_model_permission(client, users):
    """DRF test_permissions.py ModelPermissionsIntegrationTests
    .test_api_root_view_discard_default_django_model_permission."""
    with override_settings(
        NINJA_VIEWSETS={
            "DEFAULT_PERMISSION_CLASSES": ["ninja_viewsets.permissions.DjangoModelPermissions"]
        }
    ):
        response = as_user(client, users, "permitted").get("/api/")
    assert response.status_code == 200


def test_ignore_model_permissions_with_unauthenticated_user(client, users):
    """DRF test_permissions.py ModelPermissionsIntegrationTests
    .test_ignore_model_permissions_with_unauthenticated_user."""
    assert client.get("/ignored/").status_code == 401


def test_ignore_model_permissions_with_authenticated_user(client, users):
    """DRF test_permissions.py ModelPermissionsIntegrationTests
    .test_ignore_model_permissions_with_authenticated_user."""
    assert as_user(client, users, "permitted").get("/ignored/").status_code == 200


def test_get_queryset_has_create_permissions(client, users):
    """DRF test_permissions.py ModelPermissionsIntegrationTests
    .test_get_queryset_has_create_permissions."""
    response = as_user(client, users, "permitted").post("/get-queryset/", json={"text": "foobar"})
    assert response.status_code == 201


def test_has_put_permissions(client, users):
    """DRF test_permissions.py ModelPermissionsIntegrationTests.test_has_put_permissions."""
    url = f"/instance/{users['obj'].pk}/"
    assert as_user(client, users, "permitted").put(url, json={"text": "foobar"}).status_code == 200


def test_has_delete_permissions(client, users):
    """DRF test_permissions.py ModelPermissionsIntegrationTests.test_has_delete_permissions."""
    url = f"/instance/{users['obj'].pk}/"
    assert as_user(client, users, "permitted").delete(url).status_code == 204


def test_does_not_have_create_permissions(client, users):
    """DRF test_permissions.py ModelPermissionsIntegrationTests
    .test_does_not_have_create_permissions."""
    response = as_user(client, users, "disallowed").post("/root/", json={"text": "foobar"})
    assert response.status_code == 403


def test_does_not_have_put_permissions(client, users):
    """DRF test_permissions.py ModelPermissionsIntegrationTests
    .test_does_not_have_put_permissions."""
    url = f"/instance/{users['obj'].pk}/"
    response = as_user(client, users, "disallowed").put(url, json={"text": "foobar"})
    assert response.status_code == 403


def test_does_not_have_delete_permissions(client, users):
    """DRF test_permissions.py ModelPermissionsIntegrationTests
    .test_does_not_have_delete_permissions."""
    url = f"/instance/{users['obj'].pk}/"
    assert as_user(client, users, "disallowed").delete(url).status_code == 403


def test_options_permitted(client, users):
    """DRF test_permissions.py ModelPermissionsIntegrationTests.test_options_permitted."""
    as_user(client, users, "permitted")
    response = client.options("/root/")
    assert response.status_code == 200
    assert list(response.json()["actions"]) == ["POST"]
    response = client.options(f"/instance/{users['obj'].pk}/")
    assert response.status_code == 200
    assert list(response.json()["actions"]) == ["PUT"]


def test_options_disallowed(client, users):
    """DRF test_permissions.py ModelPermissionsIntegrationTests.test_options_disallowed."""
    as_user(client, users, "disallowed")
    response = client.options("/root/")
    assert response.status_code == 200
    assert "actions" not in response.json()
    response = client.options(f"/instance/{users['obj'].pk}/")
    assert response.status_code == 200
    assert "actions" not in response.json()


def test_options_updateonly(client, users):
    """DRF test_permissions.py ModelPermissionsIntegrationTests.test_options_updateonly."""
    as_user(client, users, "updateonly")
    response = client.options("/root/")
    assert response.status_code == 200
    assert "actions" not in response.json()
    response = client.options(f"/instance/{users['obj'].pk}/")
    assert response.status_code == 200
    assert list(response.json()["actions"]) == ["PUT"]


def test_empty_view_does_not_assert(client, users):
    """DRF test_permissions.py ModelPermissionsIntegrationTests.test_empty_view_does_not_assert."""
    assert as_user(client, users, "permitted").get("/empty/").status_code == 200


def test_calling_method_not_allowed(client, users):
    """DRF test_permissions.py ModelPermissionsIntegrationTests.test_calling_method_not_allowed."""
    as_user(client, users, "permitted")
    assert client.request("METHOD_NOT_ALLOWED", "/root/").status_code == 405
    url = f"/instance/{users['obj'].pk}/"
    assert client.request("METHOD_NOT_ALLOWED", url).status_code == 405


def test_check_auth_before_queryset_call(client, users):
    """DRF test_permissions.py ModelPermissionsIntegrationTests
    .test_check_auth_before_queryset_call."""
    assert client.get("/auth-first/").status_code == 401


def test_queryset_assertions(client, users, caplog):
    """DRF test_permissions.py ModelPermissionsIntegrationTests.test_queryset_assertions.

    Adapted: a configuration error (DRF: ``AssertionError``) is a logged JSON 500 whose log
    names the view and the fix.
    """
    as_user(client, users, "permitted")
    with caplog.at_level(logging.ERROR):
        assert client.get("/no-queryset/").status_code == 500
    assert "NoQuerysetView has no `get_queryset()`" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        assert client.get("/none-queryset/").status_code == 500
    assert "NoneQuerysetView.get_queryset() returned None" in caplog.text


# -- ObjectPermissionsIntegrationTests -----------------------------------------------------------


@pytest.fixture
def object_users(db, settings):
    """DRF's ObjectPermissionsIntegrationTests.setUp, with an authentication backend granting
    the object permissions (DRF: django-guardian's ``assign_perm``).

    Everyone has the model permissions (view, change, delete); per object: readers view,
    writers change, deleters delete.
    """
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "tests.perm_backend.ObjectPermissionBackend",
    ]
    model = "basicpermmodel"
    names = ("fullaccess", "readonly", "writeonly", "deleteonly")
    users = {n: _user(n, f"view_{model}", f"change_{model}", f"delete_{model}") for n in names}
    obj = BasicPermModel.objects.create(text="foo")
    grants = {
        "view": ("fullaccess", "readonly"),
        "change": ("fullaccess", "writeonly"),
        "delete": ("fullaccess", "deleteonly"),
    }
    perm_backend.GRANTS.clear()
    for perm, holders in grants.items():
        for name in holders:
            perm_backend.GRANTS.add((users[name].pk, f"testapp.{perm}_{model}", obj.pk))
    yield users, obj
    perm_backend.GRANTS.clear()


def _as(client, object_users, name):
    client.force_login(object_users[0][name])
    return client


def test_can_delete_permissions(client, object_users):
    """DRF test_permissions.py ObjectPermissionsIntegrationTests.test_can_delete_permissions."""
    obj = object_users[1]
    assert _as(client, object_users, "deleteonly").delete(f"/object/{obj.pk}/").status_code == 204


def test_cannot_delete_permissions(client, object_users):
    """DRF test_permissions.py ObjectPermissionsIntegrationTests.test_cannot_delete_permissions."""
    obj = object_users[1]
    assert _as(client, object_users, "readonly").delete(f"/object/{obj.pk}/").status_code == 403


def test_can_update_permissions(client, object_users):
    """DRF test_permissions.py ObjectPermissionsIntegrationTests.test_can_update_permissions."""
    obj = object_users[1]
    response = _as(client, object_users, "writeonly").patch(
        f"/object/{obj.pk}/", {"text": "foobar"}
    )
    assert response.status_code == 200
    assert response.json()["text"] == "foobar"


def test_cannot_update_permissions(client, object_users):
    """DRF test_permissions.py ObjectPermissionsIntegrationTests.test_cannot_update_permissions."""
    obj = object_users[1]
    response = _as(client, object_users, "deleteonly").patch(f"/object/{obj.pk}/", {"text": "x"})
    assert response.status_code == 404


def test_cannot_update_permissions_non_existing(client, object_users):
    """DRF test_permissions.py ObjectPermissionsIntegrationTests
    .test_cannot_update_permissions_non_existing."""
    response = _as(client, object_users, "deleteonly").patch("/object/999/", {"text": "x"})
    assert response.status_code == 404


def test_can_read_permissions(client, object_users):
    """DRF test_permissions.py ObjectPermissionsIntegrationTests.test_can_read_permissions."""
    obj = object_users[1]
    assert _as(client, object_users, "readonly").get(f"/object/{obj.pk}/").status_code == 200


def test_cannot_read_permissions(client, object_users):
    """DRF test_permissions.py ObjectPermissionsIntegrationTests.test_cannot_read_permissions."""
    obj = object_users[1]
    assert _as(client, object_users, "writeonly").get(f"/object/{obj.pk}/").status_code == 404


def test_can_read_get_queryset_permissions(client, object_users):
    """DRF test_permissions.py ObjectPermissionsIntegrationTests
    .test_can_read_get_queryset_permissions."""
    obj = object_users[1]
    response = _as(client, object_users, "readonly").get(f"/object-get-queryset/{obj.pk}/")
    assert response.status_code == 200


def test_can_read_list_permissions(client, object_users):
    """DRF test_permissions.py ObjectPermissionsIntegrationTests.test_can_read_list_permissions
    (a sanity check in DRF too: no object filtering of lists)."""
    response = _as(client, object_users, "readonly").get("/object-list/")
    assert response.status_code == 200
    assert response.json()[0]["id"] == object_users[1].pk


def test_cannot_method_not_allowed(client, object_users):
    """DRF test_permissions.py ObjectPermissionsIntegrationTests.test_cannot_method_not_allowed."""
    response = _as(client, object_users, "readonly").request("METHOD_NOT_ALLOWED", "/object-list/")
    assert response.status_code == 405


# -- CustomPermissionsTests --------------------------------------------------------------------

CUSTOM_MESSAGE = "Custom: You cannot access this resource"
CUSTOM_CODE = "permission_denied_custom"


@pytest.fixture
def custom(client, db):
    """DRF's CustomPermissionsTests.setUp: one object, a logged-in user."""
    client.force_login(User.objects.create_user("username", "username@example.com", "password"))
    return BasicModel.objects.create(text="foo")


@pytest.mark.parametrize(
    ("test", "url", "custom_detail"),
    [
        ("test_permission_denied", "denied", False),
        ("test_permission_denied_with_custom_detail", "denied-detail", True),
        ("test_permission_denied_for_object", "denied-object", False),
        ("test_permission_denied_for_object_with_custom_detail", "denied-object-detail", True),
    ],
)
def test_custom_permissions(client, custom, test, url, custom_detail):
    """DRF test_permissions.py CustomPermissionsTests.<test>."""
    response = client.get(f"/{url}/{custom.pk}/")
    assert response.status_code == 403
    body = response.json()
    assert (body["detail"] == CUSTOM_MESSAGE) is custom_detail
    assert (body.get("code") == CUSTOM_CODE) is custom_detail


# -- PermissionsCompositionTests ---------------------------------------------------------------


@pytest.fixture
def anon():
    request = factory.get("/1")
    request.user = AnonymousUser()
    return request


@pytest.fixture
def john(db):
    request = factory.get("/1")
    request.user = User.objects.create_user("john", "lennon@thebeatles.com", "password")
    return request


def has(perm, request):
    return async_to_sync(perm().has_permission)(request, None)


def has_object(perm, request):
    return async_to_sync(perm().has_object_permission)(request, None, None)


def test_and_false(anon):
    """DRF test_permissions.py PermissionsCompositionTests.test_and_false."""
    assert has(permissions.IsAuthenticated & permissions.AllowAny, anon) is False


def test_and_true(john):
    """DRF test_permissions.py PermissionsCompositionTests.test_and_true."""
    assert has(permissions.IsAuthenticated & permissions.AllowAny, john) is True


def test_or_false(anon):
    """DRF test_permissions.py PermissionsCompositionTests.test_or_false."""
    assert has(permissions.IsAuthenticated | permissions.AllowAny, anon) is True


def test_or_true(john):
    """DRF test_permissions.py PermissionsCompositionTests.test_or_true."""
    assert has(permissions.IsAuthenticated | permissions.AllowAny, john) is True


def test_not_false(anon):
    """DRF test_permissions.py PermissionsCompositionTests.test_not_false."""
    assert has(~permissions.IsAuthenticated, anon) is True


def test_not_true(john):
    """DRF test_permissions.py PermissionsCompositionTests.test_not_true."""
    assert has(~permissions.AllowAny, john) is False


def test_several_levels_without_negation(john):
    """DRF test_permissions.py PermissionsCompositionTests.test_several_levels_without_negation."""
    composed = (
        permissions.IsAuthenticated
        & permissions.IsAuthenticated
        & permissions.IsAuthenticated
        & permissions.IsAuthenticated
    )
    assert has(composed, john) is True


def test_several_levels_and_precedence_with_negation(john):
    """DRF test_permissions.py PermissionsCompositionTests
    .test_several_levels_and_precedence_with_negation."""
    composed = (
        permissions.IsAuthenticated
        & ~permissions.IsAdminUser
        & permissions.IsAuthenticated
        & ~(permissions.IsAdminUser & permissions.IsAdminUser)
    )
    assert has(composed, john) is True


def test_several_levels_and_precedence(john):
    """DRF test_permissions.py PermissionsCompositionTests.test_several_levels_and_precedence."""
    composed = (
        permissions.IsAuthenticated & permissions.IsAuthenticated
        | permissions.IsAuthenticated & permissions.IsAuthenticated
    )
    assert has(composed, john) is True


def _patched(method, allow, deny):
    return (
        mock.patch.object(
            permissions.AllowAny, method, new_callable=mock.AsyncMock, return_value=allow
        ),
        mock.patch.object(
            permissions.IsAuthenticated, method, new_callable=mock.AsyncMock, return_value=deny
        ),
    )


def test_or_laziness(anon):
    """DRF test_permissions.py PermissionsCompositionTests.test_or_laziness."""
    patch_allow, patch_deny = _patched("has_permission", True, False)
    with patch_allow as mock_allow, patch_deny as mock_deny:
        assert has(permissions.AllowAny | permissions.IsAuthenticated, anon) is True
        assert mock_allow.call_count == 1
        mock_deny.assert_not_called()
    patch_allow, patch_deny = _patched("has_permission", True, False)
    with patch_allow as mock_allow, patch_deny as mock_deny:
        assert has(permissions.IsAuthenticated | permissions.AllowAny, anon) is True
        assert mock_deny.call_count == 1
        assert mock_allow.call_count == 1


def test_object_or_laziness(anon):
    """DRF test_permissions.py PermissionsCompositionTests.test_object_or_laziness."""
    patch_allow, patch_deny = _patched("has_object_permission", True, False)
    with patch_allow as mock_allow, patch_deny as mock_deny:
        assert has_object(permissions.AllowAny | permissions.IsAuthenticated, anon) is True
        assert mock_allow.call_count == 1
        mock_deny.assert_not_called()
    patch_allow, patch_deny = _patched("has_object_permission", True, False)
    with patch_allow as mock_allow, patch_deny as mock_deny:
        assert has_object(permissions.IsAuthenticated | permissions.AllowAny, anon) is True
        assert mock_deny.call_count == 0
        assert mock_allow.call_count == 1


def test_and_laziness(anon):
    """DRF test_permissions.py PermissionsCompositionTests.test_and_laziness."""
    patch_allow, patch_deny = _patched("has_permission", True, False)
    with patch_allow as mock_allow, patch_deny as mock_deny:
        assert has(permissions.AllowAny & permissions.IsAuthenticated, anon) is False
        assert mock_allow.call_count == 1
        assert mock_deny.call_count == 1
    patch_allow, patch_deny = _patched("has_permission", True, False)
    with patch_allow as mock_allow, patch_deny as mock_deny:
        assert has(permissions.IsAuthenticated & permissions.AllowAny, anon) is False
        assert mock_deny.call_count == 1
        mock_allow.assert_not_called()


def test_object_and_laziness(anon):
    """DRF test_permissions.py PermissionsCompositionTests.test_object_and_laziness."""
    patch_allow, patch_deny = _patched("has_object_permission", True, False)
    with patch_allow as mock_allow, patch_deny as mock_deny:
        assert has_object(permissions.AllowAny & permissions.IsAuthenticated, anon) is False
        assert mock_allow.call_count == 1
        assert mock_deny.call_count == 1
    patch_allow, patch_deny = _patched("has_object_permission", True, False)
    with patch_allow as mock_allow, patch_deny as mock_deny:
        assert has_object(permissions.IsAuthenticated & permissions.AllowAny, anon) is False
        assert mock_deny.call_count == 1
        mock_allow.assert_not_called()


def test_unimplemented_has_object_permission(anon):
    """DRF test_permissions.py PermissionsCompositionTests.test_unimplemented_has_object_permission
    (DRF issue 6402)."""

    class IsAuthenticatedUserOwner(permissions.IsAuthenticated):
        def has_object_permission(self, request, view, obj):
            return True

    assert has_object(IsAuthenticatedUserOwner | permissions.IsAdminUser, anon) is False


def test_operand_holder_is_hashable():
    """DRF test_permissions.py PermissionsCompositionTests.test_operand_holder_is_hashable."""
    assert hash(permissions.IsAuthenticated & permissions.IsAdminUser)


def test_operand_holder_hash_same_for_same_operands_and_operator():
    """DRF test_permissions.py PermissionsCompositionTests
    .test_operand_holder_hash_same_for_same_operands_and_operator."""
    first = permissions.IsAuthenticated & permissions.IsAdminUser
    second = permissions.IsAuthenticated & permissions.IsAdminUser
    assert hash(first) == hash(second)


def test_operand_holder_hash_differs_for_different_operands():
    """DRF test_permissions.py PermissionsCompositionTests
    .test_operand_holder_hash_differs_for_different_operands."""
    first = permissions.IsAuthenticated & permissions.IsAdminUser
    second = permissions.AllowAny & permissions.IsAdminUser
    third = permissions.IsAuthenticated & permissions.AllowAny
    assert hash(first) != hash(second)
    assert hash(first) != hash(third)
    assert hash(second) != hash(third)


def test_operand_holder_hash_differs_for_different_operators():
    """DRF test_permissions.py PermissionsCompositionTests
    .test_operand_holder_hash_differs_for_different_operators."""
    first = permissions.IsAuthenticated & permissions.IsAdminUser
    second = permissions.IsAuthenticated | permissions.IsAdminUser
    assert hash(first) != hash(second)


def test_filtering_permissions():
    """DRF test_permissions.py PermissionsCompositionTests.test_filtering_permissions."""
    unfiltered = [
        permissions.IsAuthenticated & permissions.IsAdminUser,
        permissions.IsAuthenticated & permissions.IsAdminUser,
        permissions.AllowAny,
    ]
    expected = [permissions.IsAuthenticated & permissions.IsAdminUser, permissions.AllowAny]
    assert list(dict.fromkeys(unfiltered)) == expected
