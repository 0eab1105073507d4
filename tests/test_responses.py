"""Any action may answer another status (Ninja's ``Status``) and set headers (``self.response``)."""

from __future__ import annotations

import pytest
from django.urls import path
from ninja import NinjaAPI, Schema

try:
    from ninja import Status
except ImportError:  # django-ninja 1.5 has no Status: the library's stand-in reads the same
    from ninja_viewsets._compat import Status  # type: ignore[assignment]

from ninja_viewsets import DefaultRouter, ModelViewSet, ViewSet, action
from ninja_viewsets.exceptions import APIException
from tests.testapp.models import Tag


class TagIn(Schema):
    name: str


class TagOut(Schema):
    id: int
    name: str


class Busy(APIException):
    status_code = 503
    default_detail = "Busy; come back later."
    default_code = "busy"


class TagViewSet(ModelViewSet):
    queryset = Tag.objects.order_by("id")
    input_schema = TagIn
    output_schema = TagOut

    async def create(self, request, payload: TagIn, **kwargs):
        """Accepted for later processing: 202 with the object, in the viewset's schema."""
        tag = await Tag.objects.acreate(name=payload.name)
        self.response["Location"] = f"/api/tags/{tag.pk}/"
        return Status(202, tag)

    async def perform_update(self, instance, data):
        self.response["X-Updated-By"] = "hook"
        return await super().perform_update(instance, data)

    async def retrieve(self, request, **kwargs):
        self.response["Cache-Control"] = "max-age=60"
        return await super().retrieve(request, **kwargs)

    @action(detail=True, methods=["post"])
    async def copy(self, request, pk: int) -> TagOut:
        tag = await self.get_object()
        copy = await Tag.objects.acreate(name=f"{tag.name}-copy")
        self.response["Location"] = self.reverse_action("detail", args=[copy.pk])
        return Status(201, copy)

    @action(detail=True, methods=["post"])
    async def archive(self, request, pk: int) -> TagOut:
        return Status(204, None)

    @action(detail=False)
    async def busy(self, request) -> TagOut:
        raise Busy(headers={"Retry-After": "120"})


class Plain(ViewSet):
    async def create(self, request):
        return Status(201, {"created": True})


router = DefaultRouter()
router.register("tags", TagViewSet)
router.register("plain", Plain, basename="plain")
api = NinjaAPI(urls_namespace="responses")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


def test_overridden_create_answers_another_status_with_the_output_schema(client):
    r = client.post("/api/tags/", {"name": "later"})
    assert r.status_code == 202, r
    tag = Tag.objects.get(name="later")
    assert r.json() == {"id": tag.pk, "name": "later"}
    assert r.headers["Location"] == f"/api/tags/{tag.pk}/"


def test_action_status_and_location_header(client):
    tag = Tag.objects.create(name="orig")
    r = client.post(f"/api/tags/{tag.pk}/copy/")
    assert r.status_code == 201, r
    copy = Tag.objects.get(name="orig-copy")
    assert r.json() == {"id": copy.pk, "name": "orig-copy"}
    assert r.headers["Location"] == f"http://testserver/api/tags/{copy.pk}/"
    r = client.post(f"/api/tags/{tag.pk}/archive/")
    assert r.status_code == 204 and r.content == b""


def test_headers_from_hooks_and_standard_actions(client):
    tag = Tag.objects.create(name="a")
    r = client.get(f"/api/tags/{tag.pk}/")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "max-age=60"
    r = client.patch(f"/api/tags/{tag.pk}/", {"name": "b"})
    assert r.status_code == 200 and r.headers["X-Updated-By"] == "hook"


def test_error_with_retry_after(client):
    r = client.get("/api/tags/busy/")
    assert r.status_code == 503
    assert r.json() == {"detail": "Busy; come back later.", "code": "busy"}
    assert r.headers["Retry-After"] == "120"


def test_status_from_an_unannotated_action(client):
    r = client.post("/api/plain/")
    assert r.status_code == 201, r
    assert r.json() == {"created": True}
