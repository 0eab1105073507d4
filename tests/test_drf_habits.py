"""What a DRF user writes in the first hour, over HTTP: sync (``def``) actions and hooks."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, action
from ninja_viewsets.exceptions import ValidationError
from tests.conftest import Client
from tests.testapp.models import Author
from tests.testapp.schemas import AuthorOut


class Authors(ModelViewSet):
    queryset = Author.objects.order_by("id")
    output_schema = AuthorOut

    @action(detail=True)
    def shout(self, request: Any, pk: int) -> dict[str, str]:
        """DRF's habit, in a ``def`` action (it runs in the ORM thread)."""
        author = self.get_object()
        return {"name": author.name.upper()}

    def perform_destroy(self, instance: Author) -> None:
        """A ``def`` hook (DRF's way): ``self.get_object()`` is the object here too."""
        assert self.get_object().pk == instance.pk
        instance.delete()


class AuthorIn(Schema):
    name: str


class SyncHooks(ModelViewSet):
    """``def`` hooks that save through the library's (async) ``super()``."""

    queryset = Author.objects.order_by("id")
    output_schema = AuthorOut
    input_schema = AuthorIn

    def perform_create(self, data: AuthorIn) -> Any:
        if data.name.startswith("drf"):  # DRF's serializer.save(), as a DRF user writes it
            super().perform_create(data)
            return None
        author = super().perform_create(data)  # the object, as it is returned in async code
        if data.name == "undo":
            raise ValidationError({"name": "Written, then refused: nothing stays."})
        return author


router = DefaultRouter()
router.register("authors", Authors)
router.register("sync-hooks", SyncHooks, basename="sync-hooks")
api = NinjaAPI(urls_namespace="test_drf_habits")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


def test_a_def_hook_gets_its_object_as_in_drf(client: Client) -> None:
    author = Author.objects.create(name="Ann")
    assert client.delete(f"/api/authors/{author.pk}/").status_code == 204
    assert not Author.objects.exists()


def test_a_def_action_gets_its_object_as_in_drf(client: Client) -> None:
    """Found by a newcomer: ``obj = self.get_object()`` in a ``def`` action, as in DRF. The docs
    say ``def`` actions run in the ORM thread; the object (or a 404) is what DRF gives."""
    author = Author.objects.create(name="Ann")
    r = client.get(f"/api/authors/{author.pk}/shout/")
    assert r.status_code == 200, r
    assert r.json() == {"name": "ANN"}
    r = client.get(f"/api/authors/{author.pk + 1}/shout/")  # DRF's 404, not a 500
    assert r.status_code == 404, r
    assert r.json()["detail"] == "No Author matches the given query."


@pytest.mark.django_db(transaction=True)
def test_a_def_hook_saves_through_super_and_gets_the_object(client: Client) -> None:
    r = client.post("/api/sync-hooks/", {"name": "Ann"})
    assert r.status_code == 201 and r.json()["name"] == "Ann", r
    r = client.post("/api/sync-hooks/", {"name": "undo"})
    assert r.status_code == 422, r  # in the request's transaction: rolled back
    assert list(Author.objects.values_list("name", flat=True)) == ["Ann"]


@pytest.mark.django_db(transaction=True)
def test_a_def_hook_saves_through_super_as_in_drf(client: Client) -> None:
    """Found by a newcomer: DRF's ``def perform_create(self, serializer): serializer.save()``
    becomes ``super().perform_create(data)`` in a ``def`` hook (the docs: hooks may be ``def``
    and may call ``super()``)."""
    r = client.post("/api/sync-hooks/", {"name": "drf"})
    assert r.status_code == 201, r
    assert list(Author.objects.values_list("name", flat=True)) == ["drf"]
