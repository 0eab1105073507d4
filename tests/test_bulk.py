"""Bulk writes (``ninja_viewsets.bulk``): create, update and delete many objects in one request,
over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import BulkModelViewSet, DefaultRouter, GenericViewSet, mixins
from ninja_viewsets.bulk import BulkCreateModelMixin, BulkDestroyModelMixin
from ninja_viewsets.permissions import BasePermission
from ninja_viewsets.throttling import BaseThrottle
from tests.testapp.models import Author, Book, Tag


class TagOut(Schema):
    id: int
    name: str


class TagIn(Schema):
    name: str


class BookOut(Schema):
    id: int
    title: str
    year: int
    author_id: int
    tags: list[TagOut]


class BookIn(Schema):
    title: str
    year: int = 2000
    author_id: int
    tags: list[int] = []


class TagViewSet(BulkModelViewSet):
    queryset = Tag.objects.all()
    output_schema = TagOut
    input_schema = TagIn


class PartialTags(TagViewSet):
    bulk_partial = True


class BookViewSet(BulkModelViewSet):
    """Books before 2000 are outside ``get_queryset()``: never written through this viewset."""

    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn

    def get_queryset(self):
        return Book.objects.filter(year__gte=2000)


hook_calls: list[str] = []


class HookedTags(TagViewSet):
    async def perform_create(self, data):
        hook_calls.append(data.name)
        return await Tag.objects.acreate(name=data.name.upper())

    async def perform_destroy(self, instance):
        hook_calls.append(f"-{instance.name}")
        await instance.adelete()


class NotLocked(BasePermission):
    """Objects named ``locked*`` may not be changed."""

    async def has_object_permission(self, request, view, obj):
        return not obj.name.startswith("locked")


class GuardedTags(TagViewSet):
    permission_classes = [NotLocked]


class PartialGuardedTags(GuardedTags):
    bulk_partial = True


class Counting(BaseThrottle):
    calls = 0
    limit = 3

    async def allow_request(self, request, view):
        Counting.calls += 1
        return Counting.calls <= Counting.limit


class ThrottledTags(TagViewSet):
    throttle_classes = [Counting]


class ItemThrottledTags(ThrottledTags):
    bulk_throttle_items = True


class SmallBatches(TagViewSet):
    bulk_max_items = 2


class CreateDestroyTags(BulkCreateModelMixin, BulkDestroyModelMixin, GenericViewSet):
    queryset = Tag.objects.all()
    output_schema = TagOut
    input_schema = TagIn


class AuthorViewSet(mixins.RetrieveModelMixin, GenericViewSet):
    queryset = Author.objects.all()


class NestedBookIn(Schema):
    title: str
    year: int = 2000


class NestedBookViewSet(BulkModelViewSet):
    """``/authors/{author_pk}/books/``: the author comes from the URL, never from the body."""

    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = NestedBookIn


class PlainTags(mixins.CreateModelMixin, mixins.ListModelMixin, GenericViewSet):
    queryset = Tag.objects.all()
    output_schema = TagOut
    input_schema = TagIn


router = DefaultRouter()
router.register("tags", TagViewSet)
router.register("partial", PartialTags, basename="partial")
router.register("books", BookViewSet)
router.register("hooked", HookedTags, basename="hooked")
router.register("guarded", GuardedTags, basename="guarded")
router.register("pguarded", PartialGuardedTags, basename="pguarded")
router.register("throttled", ThrottledTags, basename="throttled")
router.register("itemthrottled", ItemThrottledTags, basename="itemthrottled")
router.register("small", SmallBatches, basename="small")
router.register("cd", CreateDestroyTags, basename="cd")
router.register("plain", PlainTags, basename="plain")
authors = router.register("authors", AuthorViewSet)
authors.register("books", NestedBookViewSet, parent_query_lookup="author")
api = NinjaAPI(urls_namespace="test_bulk")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def _reset():
    hook_calls.clear()
    Counting.calls = 0


@pytest.fixture
def author(db):
    return Author.objects.create(name="Ann")


@pytest.fixture
def tags(db):
    return [Tag.objects.create(name=n) for n in ("red", "green", "blue")]


def statements(ctx, verb: str) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(verb)]


# -- create -----------------------------------------------------------------------------------


def test_bulk_create_one_insert_201_in_order(client):
    with CaptureQueriesContext(connection) as ctx:
        r = client.post("/api/tags/", [{"name": "a"}, {"name": "b"}, {"name": "c"}])
    assert r.status_code == 201, r
    created = list(Tag.objects.order_by("pk"))
    assert r.json() == [{"id": t.pk, "name": t.name} for t in created]
    assert [t.name for t in created] == ["a", "b", "c"]
    assert len(statements(ctx, "INSERT")) == 1


def test_single_object_still_creates_on_the_same_url(client):
    r = client.post("/api/tags/", {"name": "solo"})
    assert r.status_code == 201, r
    tag = Tag.objects.get()
    assert r.json() == {"id": tag.pk, "name": "solo"}
    assert r.headers["Location"].endswith(f"/api/tags/{tag.pk}/")


def test_single_object_invalid_is_ninja_422_at_the_field(client):
    r = client.post("/api/tags/", {"nom": "x"})
    assert r.status_code == 422, r
    assert [e["loc"] for e in r.json()["detail"]] == [["body", "payload", "name"]]
    assert Tag.objects.count() == 0


def test_one_invalid_item_is_422_at_its_index_and_nothing_written(client):
    r = client.post("/api/tags/", [{"name": "a"}, {"name": 5}, {"name": "c"}, {}])
    assert r.status_code == 422, r
    locs = [e["loc"] for e in r.json()["detail"]]
    assert locs == [["body", "payload", 1, "name"], ["body", "payload", 3, "name"]]
    assert all({"type", "loc", "msg"} <= set(e) for e in r.json()["detail"])
    assert Tag.objects.count() == 0


def test_too_long_string_is_422_at_its_index(client):
    r = client.post("/api/tags/", [{"name": "ok"}, {"name": "x" * 51}])
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["body", "payload", 1, "name"]
    assert Tag.objects.count() == 0


def test_bulk_create_with_foreign_keys_and_m2m_in_bulk(client, author, tags):
    body = [
        {"title": "A", "author_id": author.pk, "tags": [tags[0].pk, tags[1].pk]},
        {"title": "B", "author_id": author.pk, "tags": [tags[2].pk]},
        {"title": "C", "author_id": author.pk},
    ]
    with CaptureQueriesContext(connection) as ctx:
        r = client.post("/api/books/", body)
    assert r.status_code == 201, r
    books = list(Book.objects.order_by("pk"))
    assert [b.title for b in books] == ["A", "B", "C"]
    assert sorted(t.name for t in books[0].tags.all()) == ["green", "red"]
    assert [t["name"] for t in r.json()[1]["tags"]] == ["blue"]
    assert r.json()[2]["tags"] == []
    assert len(statements(ctx, "INSERT")) == 2  # the books, then the join rows


def test_created_outside_the_queryset_still_answers_the_objects(client, author, tags):
    body = [{"title": "Old", "year": 1950, "author_id": author.pk, "tags": [tags[0].pk]}]
    r = client.post("/api/books/", body)
    assert r.status_code == 201, r
    assert r.json()[0]["tags"] == [{"id": tags[0].pk, "name": "red"}]


def test_missing_related_ids_are_422_at_the_item(client, author, tags):
    body = [
        {"title": "A", "author_id": author.pk},
        {"title": "B", "author_id": 999999},
        {"title": "C", "author_id": author.pk, "tags": [tags[0].pk, 888888]},
    ]
    r = client.post("/api/books/", body)
    assert r.status_code == 422, r
    locs = [e["loc"] for e in r.json()["detail"]]
    assert locs == [["body", "payload", 1, "author_id"], ["body", "payload", 2, "tags"]]
    assert "888888" in r.json()["detail"][1]["msg"]
    assert Book.objects.count() == 0


def test_unique_conflict_rolls_back_the_whole_batch(client, tags):
    r = client.post("/api/tags/", [{"name": "new"}, {"name": "red"}])
    assert r.status_code == 409, r
    assert "name" in r.json()["detail"]
    assert Tag.objects.count() == 3


def test_partial_mode_writes_the_valid_items_and_answers_207(client, tags):
    r = client.post("/api/partial/", [{"name": "ok"}, {"name": 7}, {"name": "red"}, {"name": "z"}])
    assert r.status_code == 207, r
    results = r.json()
    assert [(x["index"], x["status"]) for x in results] == [(0, 201), (1, 422), (2, 409), (3, 201)]
    assert results[0]["data"] == {"id": Tag.objects.get(name="ok").pk, "name": "ok"}
    assert results[1]["detail"][0]["loc"] == ["body", "payload", 1, "name"]
    assert "name" in results[2]["detail"]
    assert set(Tag.objects.values_list("name", flat=True)) == {"red", "green", "blue", "ok", "z"}


def test_overridden_perform_create_runs_per_item(client):
    r = client.post("/api/hooked/", [{"name": "a"}, {"name": "b"}])
    assert r.status_code == 201, r
    assert hook_calls == ["a", "b"]
    assert [x["name"] for x in r.json()] == ["A", "B"]


def test_batch_over_the_limit_is_413(client, settings):
    r = client.post("/api/small/", [{"name": "a"}, {"name": "b"}, {"name": "c"}])
    assert r.status_code == 413, r
    assert "at most 2" in r.json()["detail"]
    assert Tag.objects.count() == 0
    settings.NINJA_VIEWSETS = {"BULK_MAX_ITEMS": 1}
    r = client.post("/api/tags/", [{"name": "a"}, {"name": "b"}])
    assert r.status_code == 413, r
    assert client.post("/api/tags/", [{"name": "a"}]).status_code == 201


def test_empty_batch_creates_nothing(client, db):
    r = client.post("/api/tags/", [])
    assert r.status_code == 201, r
    assert r.json() == []


def test_plain_viewset_refuses_an_array(client, db):
    r = client.post("/api/plain/", [{"name": "a"}])
    assert r.status_code == 422, r
    assert Tag.objects.count() == 0


# -- throttles --------------------------------------------------------------------------------


def test_a_batch_counts_as_one_request_for_the_throttles(client, db):
    r = client.post("/api/throttled/", [{"name": str(i)} for i in range(10)])
    assert r.status_code == 201, r
    assert Counting.calls == 1


def test_bulk_throttle_items_counts_each_item(client, db):
    r = client.post("/api/itemthrottled/", [{"name": str(i)} for i in range(5)])
    assert r.status_code == 429, r
    assert Tag.objects.count() == 0
    Counting.calls = 0
    assert client.post("/api/itemthrottled/", [{"name": "a"}, {"name": "b"}]).status_code == 201


# -- update -----------------------------------------------------------------------------------


def test_bulk_patch_updates_each_object(client, tags):
    red, _green, blue = tags
    body = [{"id": red.pk, "name": "rouge"}, {"id": blue.pk, "name": "bleu"}]
    with CaptureQueriesContext(connection) as ctx:
        r = client.patch("/api/tags/", body)
    assert r.status_code == 200, r
    assert r.json() == [{"id": red.pk, "name": "rouge"}, {"id": blue.pk, "name": "bleu"}]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["bleu", "green", "rouge"]
    assert len(statements(ctx, "UPDATE")) == 1


def test_bulk_patch_one_update_per_changed_field_set(client, author, tags):
    books = [Book.objects.create(title=t, year=2001, author=author) for t in "ABC"]
    body = [
        {"id": books[0].pk, "title": "A2"},
        {"id": books[1].pk, "title": "B2", "year": 2010},
        {"id": books[2].pk, "title": "C2", "tags": [tags[0].pk]},
    ]
    with CaptureQueriesContext(connection) as ctx:
        r = client.patch("/api/books/", body)
    assert r.status_code == 200, r
    assert [b["title"] for b in r.json()] == ["A2", "B2", "C2"]
    assert r.json()[2]["tags"] == [{"id": tags[0].pk, "name": "red"}]
    assert len(statements(ctx, "UPDATE")) == 2  # {title} for A and C, {title, year} for B
    assert Book.objects.get(pk=books[1].pk).year == 2010
    assert list(Book.objects.get(pk=books[2].pk).tags.all()) == [tags[0]]


def test_bulk_patch_invalid_item_is_422_at_its_index(client, tags):
    body = [{"id": tags[0].pk, "name": "x"}, {"name": "no id"}, {"id": tags[2].pk, "name": 3}]
    r = client.patch("/api/tags/", body)
    assert r.status_code == 422, r
    locs = [e["loc"] for e in r.json()["detail"]]
    assert locs == [["body", "payload", 1, "id"], ["body", "payload", 2, "name"]]
    assert Tag.objects.get(pk=tags[0].pk).name == "red"


def test_bulk_patch_ids_outside_the_queryset_are_404_for_the_batch(client, author):
    mine = Book.objects.create(title="Mine", year=2001, author=author)
    theirs = Book.objects.create(title="Old", year=1990, author=author)
    body = [{"id": mine.pk, "title": "X"}, {"id": theirs.pk, "title": "Hijacked"}]
    r = client.patch("/api/books/", body)
    assert r.status_code == 404, r
    assert str(theirs.pk) in r.json()["detail"]
    assert Book.objects.get(pk=theirs.pk).title == "Old"
    assert Book.objects.get(pk=mine.pk).title == "Mine"


def test_bulk_patch_duplicate_ids_are_422(client, tags):
    r = client.patch("/api/tags/", [{"id": tags[0].pk, "name": "a"}, {"id": tags[0].pk}])
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["body", "payload", 1]


def test_bulk_patch_body_must_be_an_array(client, tags):
    r = client.patch("/api/tags/", {"id": tags[0].pk, "name": "a"})
    assert r.status_code == 422, r
    assert Tag.objects.get(pk=tags[0].pk).name == "red"


def test_object_permissions_run_per_item(client, user):
    client.force_login(user)
    ok = Tag.objects.create(name="open")
    locked = Tag.objects.create(name="locked")
    r = client.patch("/api/guarded/", [{"id": ok.pk, "name": "o2"}, {"id": locked.pk, "name": "x"}])
    assert r.status_code == 403, r
    assert set(Tag.objects.values_list("name", flat=True)) == {"open", "locked"}
    r = client.delete(f"/api/guarded/?id={ok.pk}&id={locked.pk}")
    assert r.status_code == 403, r
    assert Tag.objects.count() == 2
    r = client.patch(
        "/api/pguarded/", [{"id": ok.pk, "name": "o2"}, {"id": locked.pk, "name": "x"}]
    )
    assert r.status_code == 207, r
    assert [(x["index"], x["status"]) for x in r.json()] == [(0, 200), (1, 403)]
    assert set(Tag.objects.values_list("name", flat=True)) == {"o2", "locked"}


# -- delete -----------------------------------------------------------------------------------


def test_bulk_delete_by_query_ids_one_delete(client, tags):
    with CaptureQueriesContext(connection) as ctx:
        r = client.delete(f"/api/cd/?id={tags[0].pk}&id={tags[2].pk}")
    assert r.status_code == 204, r
    assert r.content == b""
    assert list(Tag.objects.values_list("name", flat=True)) == ["green"]
    deletes = [s for s in statements(ctx, "DELETE") if "testapp_tag" in s and "book" not in s]
    assert len(deletes) == 1


def test_bulk_delete_by_body_ids(client, tags):
    r = client.delete("/api/tags/", data=f"[{tags[0].pk}, {tags[1].pk}]")
    assert r.status_code == 204, r
    assert list(Tag.objects.values_list("name", flat=True)) == ["blue"]


def test_bulk_delete_outside_the_queryset_is_404_and_nothing_deleted(client, author):
    mine = Book.objects.create(title="Mine", year=2001, author=author)
    theirs = Book.objects.create(title="Old", year=1990, author=author)
    r = client.delete(f"/api/books/?id={mine.pk}&id={theirs.pk}")
    assert r.status_code == 404, r
    assert Book.objects.count() == 2


def test_bulk_delete_needs_ids(client, tags):
    r = client.delete("/api/tags/")
    assert r.status_code == 422, r
    assert "id=" in r.json()["detail"][0]["msg"]
    r = client.delete("/api/tags/?id=abc")
    assert r.status_code == 422, r
    assert Tag.objects.count() == 3


def test_single_delete_still_works(client, tags):
    assert client.delete(f"/api/tags/{tags[0].pk}/").status_code == 204
    assert Tag.objects.count() == 2


def test_overridden_perform_destroy_runs_per_item(client, tags):
    r = client.delete(f"/api/hooked/?id={tags[0].pk}&id={tags[1].pk}")
    assert r.status_code == 204, r
    assert hook_calls == ["-red", "-green"]


# -- nested -----------------------------------------------------------------------------------


def test_nested_bulk_writes_stay_under_the_parent(client, author):
    other = Author.objects.create(name="Bob")
    theirs = Book.objects.create(title="Theirs", year=2001, author=other)
    url = f"/api/authors/{author.pk}/books/"
    r = client.post(url, [{"title": "A"}, {"title": "B", "author_id": other.pk}])
    assert r.status_code == 201, r
    assert {b["author_id"] for b in r.json()} == {author.pk}
    r = client.patch(url, [{"id": theirs.pk, "title": "Hijacked"}])
    assert r.status_code == 404, r
    r = client.delete(f"{url}?id={theirs.pk}")
    assert r.status_code == 404, r
    assert Book.objects.get(pk=theirs.pk).title == "Theirs"
    mine = [b["id"] for b in client.get(url).json()]
    assert client.delete(f"{url}?id={mine[0]}&id={mine[1]}").status_code == 204
    assert list(Book.objects.values_list("title", flat=True)) == ["Theirs"]
    assert client.post("/api/authors/999999/books/", [{"title": "X"}]).status_code == 404


# -- OpenAPI ----------------------------------------------------------------------------------


def test_openapi_documents_array_bodies_and_per_item_results(db):
    schema = json.loads(json.dumps(api.get_openapi_schema()))
    paths = schema["paths"]
    post = paths["/api/tags/"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert body["anyOf"] == [
        {"$ref": "#/components/schemas/TagIn"},
        {"type": "array", "items": {"$ref": "#/components/schemas/TagIn"}},
    ]
    created = post["responses"]["201"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/TagOut"} in created["anyOf"]
    assert "207" not in post["responses"]
    assert "207" in paths["/api/partial/"]["post"]["responses"]
    patch = paths["/api/tags/"]["patch"]
    items = patch["requestBody"]["content"]["application/json"]["schema"]
    assert items["type"] == "array"
    item = schema["components"]["schemas"][items["items"]["$ref"].rsplit("/", 1)[-1]]
    assert "id" in item["required"]
    delete = paths["/api/tags/"]["delete"]
    assert [p["name"] for p in delete["parameters"]] == ["id"]
    assert "204" in delete["responses"]
    assert {"patch", "delete"}.isdisjoint(paths["/api/plain/"])
    result = paths["/api/partial/"]["post"]["responses"]["207"]["content"]["application/json"]
    ref = result["schema"]["items"]["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][ref]["properties"]
    assert {"index", "status", "data", "detail"} <= set(properties)
    assert "<index>" in post["responses"]["422"]["description"]
    assert "BULK_MAX_ITEMS" in post["responses"]["413"]["description"]
    assert "404" in patch["responses"] and "404" in delete["responses"]


@pytest.mark.django_db(transaction=True)
def test_integer_its_column_cannot_hold_in_a_batch(client, author):
    """PostgreSQL refuses it (``integer out of range``) without naming the row or the column."""
    body = [{"title": "A", "author_id": author.pk}, {"title": "B", "author_id": author.pk}]
    body[1]["year"] = 2**31
    r = client.post("/api/books/", body)
    if connection.vendor != "postgresql":
        assert r.status_code == 201, r  # SQLite's columns hold 64 bits
        return
    assert r.status_code == 422, r
    [error] = r.json()["detail"]
    assert error["loc"][-1] == "year" and error["type"] == "less_than_equal", error
    assert Book.objects.count() == 0
