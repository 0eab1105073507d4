"""ninja_viewsets.testing: Ninja's test clients plus DRF's force_authenticate."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from ninja import NinjaAPI, Router

from ninja_viewsets import ModelViewSet, SimpleRouter, ViewSet
from ninja_viewsets.permissions import IsAuthenticated
from ninja_viewsets.testing import APIClient, AsyncAPIClient
from tests.schemasapp.models import Attachment


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


# -- uploads through the test clients ----------------------------------------------------------


class Attachments(ModelViewSet):
    """Derived schemas: ``document`` and ``image`` are uploads."""

    queryset = Attachment.objects.order_by("id")


uploads = SimpleRouter()
uploads.register("attachments", Attachments)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_uploads_through_the_sync_client(db, media):
    """Found by a newcomer: ``FILES=`` (Ninja's test client keyword) was read as a JSON body:
    422 "Field required" at ``["body", "payload"]`` on create, update and partial update."""
    client = APIClient(uploads)
    document = SimpleUploadedFile("a.txt", b"hello", content_type="text/plain")
    r = client.post("/attachments/", data={"title": "A"}, FILES={"document": document})
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert (media / Attachment.objects.get(pk=pk).document.name).read_bytes() == b"hello"
    other = SimpleUploadedFile("b.txt", b"other", content_type="text/plain")
    r = client.put(f"/attachments/{pk}/", data={"title": "B"}, FILES={"document": other})
    assert r.status_code == 200, r.content
    assert r.json()["title"] == "B" and r.json()["document"].endswith("b.txt")
    image = SimpleUploadedFile("c.txt", b"not an image", content_type="image/png")
    r = client.patch(f"/attachments/{pk}/", data={"title": "C"}, FILES={"image": image})
    assert r.status_code == 422, r.content  # validated as over HTTP
    assert r.json()["detail"][0]["loc"] == ["body", "payload", "image"]
    assert client.patch(f"/attachments/{pk}/", json={"title": "D"}).status_code == 200
    assert Attachment.objects.get(pk=pk).title == "D"


@pytest.mark.django_db(transaction=True)
async def test_uploads_through_the_async_client(media):
    client = AsyncAPIClient(uploads)
    document = SimpleUploadedFile("a.txt", b"hello", content_type="text/plain")
    r = await client.post("/attachments/", data={"title": "A"}, FILES={"document": document})
    assert r.status_code == 201, r.content
