"""DjangoModelPermissions, DjangoModelPermissionsOrAnonReadOnly, DjangoObjectPermissions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet
from ninja_viewsets.permissions import (
    DjangoModelPermissions,
    DjangoModelPermissionsOrAnonReadOnly,
    DjangoObjectPermissions,
)
from tests import perm_backend
from tests.testapp.models import Author


class AuthorOut(Schema):
    id: int
    name: str


class AuthorIn(Schema):
    name: str


class Base(ModelViewSet):
    queryset = Author.objects.all()
    output_schema = AuthorOut
    input_schema = AuthorIn


class ModelPerms(Base):
    permission_classes = [DjangoModelPermissions]


class AnonRead(Base):
    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]


class ObjectPerms(Base):
    permission_classes = [DjangoObjectPermissions]


class HiddenObjects(DjangoObjectPermissions):
    perms_map = {**DjangoObjectPermissions.perms_map, "GET": ["%(app_label)s.view_%(model_name)s"]}


class HiddenPerms(Base):
    permission_classes = [HiddenObjects]


router = DefaultRouter()
router.register("model", ModelPerms, basename="model")
router.register("anon", AnonRead, basename="anon")
router.register("object", ObjectPerms, basename="object")
router.register("hidden", HiddenPerms, basename="hidden")
api = NinjaAPI(urls_namespace="modelperms")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


def grant(user: User, *codenames: str) -> User:
    for codename in codenames:
        user.user_permissions.add(
            Permission.objects.get(codename=codename, content_type__app_label="testapp")
        )
    return User.objects.get(pk=user.pk)  # fresh instance: no permission cache


@pytest.fixture
def author(db):
    return Author.objects.create(name="A")


def test_model_permissions_per_method(client, user, author):
    assert client.get("/api/model/").status_code == 401  # anonymous refused
    client.force_login(user)
    assert client.get("/api/model/").status_code == 200  # reads need nothing
    r = client.post("/api/model/", {"name": "B"})
    assert r.status_code == 403, r
    assert Author.objects.count() == 1
    grant(user, "add_author")
    assert client.post("/api/model/", {"name": "B"}).status_code == 201
    assert client.patch(f"/api/model/{author.id}/", {"name": "C"}).status_code == 403
    assert client.delete(f"/api/model/{author.id}/").status_code == 403
    grant(user, "change_author", "delete_author")
    assert client.put(f"/api/model/{author.id}/", {"name": "C"}).status_code == 200
    assert client.patch(f"/api/model/{author.id}/", {"name": "D"}).status_code == 200
    assert client.delete(f"/api/model/{author.id}/").status_code == 204


def test_anon_read_only(client, user, author):
    assert client.get("/api/anon/").status_code == 200
    assert client.get(f"/api/anon/{author.id}/").status_code == 200
    assert client.post("/api/anon/", {"name": "B"}).status_code == 401
    client.force_login(user)
    assert client.post("/api/anon/", {"name": "B"}).status_code == 403


@pytest.fixture
def object_backend(settings):
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "tests.perm_backend.ObjectPermissionBackend",
    ]
    perm_backend.GRANTS.clear()
    yield perm_backend.GRANTS
    perm_backend.GRANTS.clear()


def test_object_permissions_403_when_readable_but_not_writable(
    client, user, author, object_backend
):
    grant(user, "change_author")  # model-level change, no object-level change
    client.force_login(user)
    assert client.get(f"/api/object/{author.id}/").status_code == 200
    r = client.patch(f"/api/object/{author.id}/", {"name": "X"})
    assert r.status_code == 403, r
    object_backend.add((user.pk, "testapp.change_author", author.pk))
    assert client.patch(f"/api/object/{author.id}/", {"name": "X"}).status_code == 200


def test_object_permissions_404_when_not_readable(client, user, author, object_backend):
    grant(user, "view_author", "change_author")
    client.force_login(user)
    assert client.get(f"/api/hidden/{author.id}/").status_code == 404  # existence not revealed
    assert client.patch(f"/api/hidden/{author.id}/", {"name": "X"}).status_code == 404
    object_backend.add((user.pk, "testapp.view_author", author.pk))
    assert client.get(f"/api/hidden/{author.id}/").status_code == 200
    assert client.patch(f"/api/hidden/{author.id}/", {"name": "X"}).status_code == 403
    assert Author.objects.get(pk=author.pk).name == "A"
