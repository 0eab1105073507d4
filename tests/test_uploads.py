"""Uploads on the standard actions: multipart/form-data when the input schema has file fields."""

from __future__ import annotations

import io
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import path
from ninja import NinjaAPI, Schema, UploadedFile
from PIL import Image

from ninja_viewsets import FileURL, ModelViewSet, SimpleRouter
from tests.schemasapp.models import Attachment, Gadget

MULTIPART = "multipart/form-data"


class Attachments(ModelViewSet):
    queryset = Attachment.objects.order_by("id")


class Gadgets(ModelViewSet):
    queryset = Gadget.objects.order_by("id")


class AttachmentOut(Schema):
    id: int
    document: FileURL
    image: FileURL | None


class AttachmentIn(Schema):
    title: str
    document: UploadedFile


class ExplicitAttachments(ModelViewSet):
    """The user's own schemas: ``UploadedFile`` in, ``FileURL`` out."""

    queryset = Attachment.objects.order_by("id")
    output_schema = AttachmentOut
    input_schema = AttachmentIn


router = SimpleRouter()
router.register("attachments", Attachments)
router.register("gadgets", Gadgets)
router.register("explicit", ExplicitAttachments, basename="explicit")
api = NinjaAPI(urls_namespace="test_uploads")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MEDIA_URL = "/media/"
    return tmp_path


def png(color: str = "red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), color).save(buffer, format="PNG")
    return SimpleUploadedFile("pixel.png", buffer.getvalue(), content_type="image/png")


def text(name: str = "notes.txt", content: bytes = b"hello") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


def post_form(client, url: str, data: dict):
    return client.post(url, data=data, content_type=MULTIPART_CONTENT)


def send_form(client, method: str, url: str, data: dict):
    return client.request(
        method, url, data=encode_multipart(BOUNDARY, data), content_type=MULTIPART_CONTENT
    )


# -- OPTIONS ---------------------------------------------------------------------------------


def test_options_lists_multipart_where_the_url_takes_uploads(client, db):
    """Found by a newcomer: DRF's metadata said ``parses: ["application/json"]`` on a URL that
    takes ``multipart/form-data`` (DRF lists its parsers: JSON, form and multipart)."""
    for url in ("/api/attachments/", "/api/explicit/"):
        assert client.options(url).json()["parses"] == ["application/json", MULTIPART], url
    attachment = Attachment.objects.create(title="a", document="d.txt")
    assert client.options(f"/api/attachments/{attachment.pk}/").json()["parses"] == [
        "application/json",
        MULTIPART,
    ]
    r = client.options("/api/gadgets/")  # no file fields: forms are refused
    assert r.json()["parses"] == ["application/json"]


# -- OpenAPI -----------------------------------------------------------------------------------


def strip_defaults(props: dict) -> dict:
    return {k: {n: v for n, v in p.items() if n != "default"} for k, p in props.items()}


@pytest.mark.parametrize(
    ("url", "method"),
    [
        ("/api/attachments/", "post"),
        ("/api/attachments/{pk}/", "put"),
        ("/api/attachments/{pk}/", "patch"),
    ],
)
def test_openapi_documents_json_and_multipart(url, method):
    schema = api.get_openapi_schema()
    content = schema["paths"][url][method]["requestBody"]["content"]
    assert set(content) == {"application/json", MULTIPART}
    ref = content["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    form = content[MULTIPART]["schema"]  # inline: generators tell the two bodies apart
    assert form["title"] == component["title"] + "Form"
    assert strip_defaults(form["properties"]) == strip_defaults(component["properties"])
    assert form.get("required") == component.get("required")
    props = form["properties"]
    assert props["document"] == {"type": "string", "format": "binary", "title": "Document"}
    image = [b for b in props["image"]["anyOf"] if b.get("type") != "null"]
    assert image == [{"type": "string", "format": "binary"}]  # Swagger UI: a file picker


def test_openapi_without_file_fields_is_json_only():
    content = api.get_openapi_schema()["paths"]["/api/gadgets/"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json"}


def test_output_is_the_url():
    schema = api.get_openapi_schema()
    op = schema["paths"]["/api/attachments/{pk}/"]["get"]
    ref = op["responses"][200]["content"]["application/json"]["schema"]["$ref"]
    props = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
    assert {"type": "string"} in props["document"]["anyOf"]


# -- create ------------------------------------------------------------------------------------


def test_create_with_files_stores_them_through_the_storage(client, db, media):
    r = post_form(
        client, "/api/attachments/", {"title": "Report", "document": text(), "image": png()}
    )
    assert r.status_code == 201, r
    obj = Attachment.objects.get()
    assert obj.document.name.startswith("documents/notes")
    assert (media / obj.document.name).read_bytes() == b"hello"
    assert (media / obj.image.name).is_file()
    body = r.json()
    assert body["document"] == f"http://testserver/media/{obj.document.name}"
    assert body["image"] == f"http://testserver/media/{obj.image.name}"
    r = client.get(f"/api/attachments/{obj.pk}/")
    assert r.status_code == 200 and r.json() == body
    assert client.get("/api/attachments/").json() == [body]


def test_explicit_schemas_upload_and_answer_the_url(client, db, media):
    content = api.get_openapi_schema()["paths"]["/api/explicit/"]["post"]["requestBody"]
    assert set(content["content"]) == {"application/json", MULTIPART}
    r = post_form(client, "/api/explicit/", {"title": "T", "document": text()})
    assert r.status_code == 201, r
    obj = Attachment.objects.get()
    assert r.json() == {
        "id": obj.pk,
        "document": f"http://testserver/media/{obj.document.name}",
        "image": None,
    }
    assert (media / obj.document.name).read_bytes() == b"hello"


def test_optional_file_may_be_left_out(client, db):
    r = post_form(client, "/api/attachments/", {"title": "No image", "document": text()})
    assert r.status_code == 201, r
    assert r.json()["image"] is None
    assert Attachment.objects.get().image.name == ""


def test_a_path_string_is_never_stored(client, db):
    r = client.post("/api/attachments/", {"title": "x", "document": "../../../etc/passwd"})
    assert r.status_code == 422, r
    assert [e["loc"][-1] for e in r.json()["detail"]] == ["document"]
    r = post_form(client, "/api/attachments/", {"title": "x", "document": "../../../etc/passwd"})
    assert r.status_code == 422, r
    assert not Attachment.objects.exists()


def test_an_image_field_takes_only_images(client, db, media):
    fake = SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png")
    r = post_form(client, "/api/attachments/", {"title": "x", "document": text(), "image": fake})
    assert r.status_code == 422, r
    (error,) = r.json()["detail"]
    assert error["loc"] == ["body", "payload", "image"]
    assert "valid image" in error["msg"]
    assert not Attachment.objects.exists()
    assert not any(media.rglob("*.*"))  # nothing reached the storage


def test_an_empty_file_is_refused(client, db):
    r = post_form(client, "/api/attachments/", {"title": "x", "document": text(content=b"")})
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"][-1] == "document"


def test_missing_required_file(client, db):
    r = post_form(client, "/api/attachments/", {"title": "x"})
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["body", "payload", "document"]


def test_file_over_the_limit_is_a_413(client, db, settings, media):
    settings.NINJA_VIEWSETS = {"MAX_UPLOAD_SIZE": 10}
    r = post_form(client, "/api/attachments/", {"title": "x", "document": text(content=b"x" * 11)})
    assert r.status_code == 413, r
    assert "document" in r.json()["detail"]
    assert not Attachment.objects.exists()
    r = post_form(client, "/api/attachments/", {"title": "x", "document": text(content=b"x" * 10)})
    assert r.status_code == 201, r


def test_fields_are_validated_in_multipart_too(client, db):
    r = post_form(client, "/api/attachments/", {"title": "x" * 51, "document": text()})
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"][-1] == "title"


# -- update ------------------------------------------------------------------------------------


@pytest.fixture
def attachment(db, media) -> Attachment:
    obj = Attachment(title="Old")
    obj.document.save("old.txt", text("old.txt", b"old"), save=False)
    obj.save()
    return obj


def test_patch_multipart_replaces_the_file(client, attachment, media):
    r = send_form(
        client, "PATCH", f"/api/attachments/{attachment.pk}/", {"document": text("new.txt", b"new")}
    )
    assert r.status_code == 200, r
    attachment.refresh_from_db()
    assert attachment.title == "Old"
    assert (media / attachment.document.name).read_bytes() == b"new"
    assert r.json()["document"].endswith(attachment.document.name)


def test_patch_json_keeps_working(client, attachment):
    r = client.patch(f"/api/attachments/{attachment.pk}/", {"title": "New"})
    assert r.status_code == 200, r
    attachment.refresh_from_db()
    assert attachment.title == "New" and attachment.document.name.startswith("documents/old")


def test_patch_json_clears_an_optional_file(client, attachment):
    send_form(client, "PATCH", f"/api/attachments/{attachment.pk}/", {"image": png()})
    attachment.refresh_from_db()
    assert attachment.image.name
    r = client.patch(f"/api/attachments/{attachment.pk}/", {"image": None})
    assert r.status_code == 200 and r.json()["image"] is None, r
    attachment.refresh_from_db()
    assert attachment.image.name in ("", None)


def test_patch_multipart_empty_value_clears_an_optional_file(client, attachment):
    send_form(client, "PATCH", f"/api/attachments/{attachment.pk}/", {"image": png()})
    r = send_form(client, "PATCH", f"/api/attachments/{attachment.pk}/", {"image": ""})
    assert r.status_code == 200 and r.json()["image"] is None, r


def test_required_file_cannot_be_cleared(client, attachment):
    r = client.patch(f"/api/attachments/{attachment.pk}/", {"document": None})
    assert r.status_code == 422, r


def test_put_multipart(client, attachment, media):
    r = send_form(
        client,
        "PUT",
        f"/api/attachments/{attachment.pk}/",
        {"title": "Whole", "document": text("whole.txt", b"whole")},
    )
    assert r.status_code == 200, r
    attachment.refresh_from_db()
    assert attachment.title == "Whole"
    assert (media / attachment.document.name).read_bytes() == b"whole"


def test_put_json_cannot_name_a_path(client, attachment):
    r = client.put(
        f"/api/attachments/{attachment.pk}/", {"title": "T", "document": "documents/old.txt"}
    )
    assert r.status_code == 422, r
    # DRF's message, not the validator's "Expected UploadFile, received: <class 'str'>"
    assert r.json()["detail"] == [
        {
            "type": "invalid",
            "loc": ["body", "payload", "document"],
            "msg": "The submitted data was not a file. Check the encoding type on the form.",
        }
    ]


def test_a_form_field_where_a_file_belongs_is_not_a_file(client, db):
    r = post_form(client, "/api/attachments/", {"title": "T", "document": "not-a-file"})
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["body", "payload", "document"]
    assert r.json()["detail"][0]["msg"].startswith("The submitted data was not a file.")
    assert not Attachment.objects.exists()


# -- other media types -------------------------------------------------------------------------


def test_other_media_types_still_refused(client, db):
    r = client.post("/api/attachments/", data="title=x", content_type="text/plain")
    assert r.status_code in (400, 415), r  # unparsable as JSON (400) or refused (415)
    assert not Attachment.objects.exists()


def test_viewsets_without_files_refuse_forms(client, db):
    """A cross-site form cannot write where no upload is expected."""
    r = post_form(client, "/api/gadgets/", {"name": "x"})
    assert r.status_code in (400, 415), r
    assert not Gadget.objects.exists()


def test_image_fields_without_pillow_fail_at_registration(monkeypatch):
    import sys

    from django.core.exceptions import ImproperlyConfigured

    from ninja_viewsets._fields import _check_upload

    monkeypatch.setitem(sys.modules, "PIL", None)  # as if Pillow were not installed
    with pytest.raises(ImproperlyConfigured, match=r"Attachment.image is an ImageField.*images"):
        _check_upload(Attachment._meta.get_field("image"))
    _check_upload(Attachment._meta.get_field("document"))  # a FileField needs no Pillow


# -- the one-pass renderer writes file URLs itself ----------------------------------------------


def test_file_urls_take_the_direct_path_with_the_same_json(client, attachment, monkeypatch):
    """``FileURL`` (required or optional) is written by the renderer's direct path, for the
    request's host, byte for byte what Ninja's validated rendering gives."""
    from ninja_viewsets import renderers
    from ninja_viewsets._direct_json import _plain

    assert _plain(AttachmentOut) is not None
    bare = Attachment(title="No image")
    bare.document.save("bare.txt", text("bare.txt", b"x"), save=False)
    bare.save()
    urls = [
        "/api/explicit/",
        f"/api/explicit/{attachment.pk}/",
        f"/api/explicit/{bare.pk}/",
        f"/api/attachments/{attachment.pk}/",
    ]
    direct = {url: client.get(url) for url in urls}
    with monkeypatch.context() as patched:
        patched.setattr(renderers, "_direct_json", lambda *args: None)  # Ninja's rendering
        validated = {url: client.get(url) for url in urls}
    for url in urls:
        assert direct[url].status_code == validated[url].status_code == 200
        assert direct[url].content == validated[url].content, url
    assert direct[urls[1]].json()["document"].startswith("http://testserver/media/documents/")
    assert direct[urls[2]].json()["image"] is None
    empty = Attachment.objects.create(title="Empty", document="")  # a required file, none stored
    with client_raises_or(client) as get:
        direct_empty = get(f"/api/explicit/{empty.pk}/")
        monkeypatch.setattr(renderers, "_direct_json", lambda *args: None)
        validated_empty = get(f"/api/explicit/{empty.pk}/")
    assert direct_empty == validated_empty  # the same refusal, whichever path


@contextmanager
def client_raises_or(client):
    """``get(url)``: the response, or the exception the test client re-raises."""

    def get(url):
        try:
            r = client.get(url)
            return (r.status_code, r.content)
        except Exception as exc:  # a response that fails its own schema: Ninja's error
            return type(exc)

    yield get
