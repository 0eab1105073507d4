"""ninja_viewsets._lookups: the type of a lookup path parameter, read from the model field
(public as ``ninja_viewsets.generics.lookup_type``), and what it makes of a URL."""

from __future__ import annotations

import uuid

import pytest
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet, generics
from ninja_viewsets._lookups import lookup_type
from tests.testapp.models import Book, Document, ForeignKeySource


class DocumentOut(Schema):
    uid: uuid.UUID
    slug: str


class ByUid(ReadOnlyModelViewSet):
    queryset = Document.objects.all()
    output_schema = DocumentOut
    lookup_field = "uid"


class BySlug(ByUid):
    lookup_field = "slug"


class ByPk(ByUid):
    lookup_field = "pk"


router = DefaultRouter()
router.register("by-uid", ByUid, basename="by-uid")
router.register("by-slug", BySlug, basename="by-slug")
router.register("by-pk", ByPk, basename="by-pk")
api = NinjaAPI(urls_namespace="lookups")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.mark.parametrize(
    ("model", "field", "expected"),
    [
        (Book, "pk", int),
        (Book, "id", int),
        (Book, "year", int),
        (Book, "title", str),
        (Book, "author", int),  # a foreign key: its target's type
        (ForeignKeySource, "target", int),
        (Document, "uid", uuid.UUID),
        (Document, "slug", str),
        (Book, "title__iexact", str),  # a lookup expression: left to the database
        (Book, "no_such_field", str),
        (None, "pk", str),  # no model known at registration
    ],
)
def test_the_type_comes_from_the_model_field(model, field, expected):
    assert lookup_type(model, field) is expected


def test_it_is_public_through_generics():
    assert generics.lookup_type is lookup_type


def test_the_url_parameter_is_typed_by_it(db, client, django_assert_num_queries):
    doc = Document.objects.create(slug="intro")
    r = client.get(f"/api/by-uid/{doc.uid}/")
    assert r.status_code == 200, r
    assert r.json() == {"uid": str(doc.uid), "slug": "intro"}
    assert client.get(f"/api/by-slug/{doc.slug}/").json()["uid"] == str(doc.uid)
    assert client.get(f"/api/by-pk/{doc.pk}/").json()["slug"] == "intro"
    with django_assert_num_queries(0):  # refused before any query: 422, not a 404
        assert client.get("/api/by-uid/not-a-uuid/").status_code == 422
        assert client.get("/api/by-pk/abc/").status_code == 422
    assert client.get("/api/by-slug/123/").status_code == 404  # a str: looked up, not found


def test_openapi_documents_the_type():
    paths = api.get_openapi_schema(path_prefix="")["paths"]

    def lookup_schema(url: str) -> dict:
        (param,) = [p for p in paths[url]["get"]["parameters"] if p["in"] == "path"]
        return param["schema"]

    assert lookup_schema("/by-uid/{uid}/")["format"] == "uuid"
    assert lookup_schema("/by-pk/{pk}/")["type"] == "integer"
    assert lookup_schema("/by-slug/{slug}/")["type"] == "string"
