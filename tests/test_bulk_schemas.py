"""ninja_viewsets._bulk_schemas: how the router types a bulk action, seen in OpenAPI and over
HTTP: the body as sent (validated per item by the action, so an error carries the item's
index), the PATCH item with its lookup required, the 207 result item, the documented errors."""

from __future__ import annotations

import pytest
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import BulkModelViewSet, DefaultRouter
from ninja_viewsets._bulk_schemas import BulkOperation, bulk_result_schema
from tests.testapp.models import Tag
from tests.testapp.schemas import TagOut


class TagIn(Schema):
    name: str


class Tags(BulkModelViewSet):
    queryset = Tag.objects.order_by("pk")
    output_schema = TagOut
    input_schema = TagIn


class PartialTags(Tags):
    bulk_partial = True  # a batch may partly fail: 207 with one result per item


router = DefaultRouter()
router.register("tags", Tags, basename="tags")
router.register("partial", PartialTags, basename="partial")
api = NinjaAPI(urls_namespace="bulk-schemas")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(scope="module")
def schema() -> dict:
    return api.get_openapi_schema(path_prefix="")


def body_schema(operation: dict) -> dict:
    return operation["requestBody"]["content"]["application/json"]["schema"]


def test_the_body_is_documented_as_one_item_or_a_list(schema):
    create = schema["paths"]["/tags/"]["post"]
    assert body_schema(create)["anyOf"] == [
        {"$ref": "#/components/schemas/TagIn"},
        {"type": "array", "items": {"$ref": "#/components/schemas/TagIn"}},
    ]


def test_a_bulk_patch_item_requires_its_lookup(schema):
    patch = schema["paths"]["/tags/"]["patch"]
    assert body_schema(patch)["items"] == {"$ref": "#/components/schemas/TagInPatchBulk"}
    item = schema["components"]["schemas"]["TagInPatchBulk"]
    assert item["required"] == ["id"]
    assert item["properties"]["id"]["type"] == "integer"


def test_the_errors_are_documented(schema):
    create = schema["paths"]["/tags/"]["post"]["responses"]
    assert {413, 422} <= set(create)
    assert 404 not in create  # no lookup: no id to miss
    loc = create[422]["content"]["application/json"]["schema"]["properties"]["detail"]
    assert loc["items"]["required"] == ["type", "loc", "msg"]
    for method in ("patch", "delete"):
        assert 404 in schema["paths"]["/tags/"][method]["responses"], method


def test_a_partial_batch_documents_its_207_results(schema):
    assert 207 not in schema["paths"]["/tags/"]["post"]["responses"]
    result = schema["paths"]["/partial/"]["post"]["responses"][207]
    ref = result["content"]["application/json"]["schema"]["items"]["$ref"]
    item = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(item["properties"]) == {"index", "status", "data", "detail"}
    assert sorted(item["required"]) == ["index", "status"]


def test_items_are_validated_by_the_action_with_their_index(client, db):
    r = client.post("/api/tags/", [{"name": "ok"}, {"nom": "typo"}])
    assert r.status_code == 422, r
    (error,) = r.json()["detail"]
    assert error["loc"] == ["body", "payload", 1, "name"]
    assert not Tag.objects.exists()  # nothing was written
    r = client.post("/api/tags/", [{"name": "a"}, {"name": "b"}])
    assert r.status_code == 201, r
    assert [t["name"] for t in r.json()] == ["a", "b"]


def test_a_result_schema_is_built_once_per_output():
    assert bulk_result_schema(TagOut) is bulk_result_schema(TagOut)
    assert bulk_result_schema(TagOut).__name__ == "TagOutBulkResult"
    result = bulk_result_schema(None)(index=0, status=204)
    assert (result.data, result.detail) == (None, None)
    operation = BulkOperation([], {200: None}, None, lookup=True)
    assert {404, 413, 422} == set(operation.responses)
