"""ninja_viewsets._direct_json: the direct path of the one-pass JSON renderer: which schemas
it writes without a second validation, the values it vouches for, and the fallback to Ninja's
rendering for anything else (over HTTP: the same JSON either way).

(tests/test_renderers_corpus.py compares the two paths byte for byte over many schemas.)
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.db.models.fields.related_descriptors import ReverseManyToOneDescriptor
from django.urls import path
from ninja import Field, NinjaAPI, Schema
from pydantic import field_validator

from ninja_viewsets import ModelViewSet, SimpleRouter, ViewSet, action
from ninja_viewsets._direct_json import _Fallback, _plain
from ninja_viewsets._related_keys import related_keys
from ninja_viewsets.pagination import PageNumberPagination
from tests.testapp.models import Author, Book, Tag


class TagName(Schema):
    name: str


class BookTags(Schema):
    id: int
    tags: list[TagName]


class Leaf(Schema):
    id: int
    label: str | None


class Plain(Schema):
    id: int
    price: Decimal
    day: date
    leaf: Leaf
    leaves: list[Leaf]
    tags: list[related_keys(int)]


class Validated(Schema):
    id: int

    @field_validator("id")
    @classmethod
    def positive(cls, value: int) -> int:
        return abs(value)


class Aliased(Schema):
    id: int = Field(alias="key")


class Constrained(Schema):
    id: int = Field(ge=0)


class Resolved(Schema):
    id: int
    double: int

    @staticmethod
    def resolve_double(obj) -> int:
        return obj["id"] * 2


def test_plain_schemas_take_the_direct_path():
    assert _plain(Plain) is not None
    assert _plain(list[Leaf]) is not None
    assert _plain(Leaf | None) is not None


@pytest.mark.parametrize("schema", [Validated, Aliased, Constrained, Resolved, dict, float | str])
def test_anything_more_is_left_to_ninja(schema):
    assert _plain(schema) is None


def test_only_values_of_exactly_the_fields_type_are_vouched_for():
    convert, _ = _plain(Leaf)
    assert convert({"id": 1, "label": None}) == {"id": 1, "label": None}
    for wrong in ({"id": "1", "label": "x"}, {"id": True, "label": "x"}, {"id": 1}):
        with pytest.raises(_Fallback):
            convert(wrong)


class Items(ViewSet):
    @action(detail=False)
    async def plain(self, request) -> Leaf:
        return {"id": 1, "label": "x"}

    @action(detail=False)
    async def coerced(self, request) -> Leaf:
        return {"id": "2", "label": "y"}  # a str: validated by Ninja, answered as 2

    @action(detail=False)
    async def validated(self, request) -> Validated:
        return {"id": -3}

    @action(detail=False, by_alias=True)
    async def aliased(self, request) -> Aliased:
        return {"key": 4}


class BooksWithTags(ModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookTags  # the plan prefetches the tags
    pagination_class = PageNumberPagination


router = SimpleRouter()
router.register("items", Items, basename="items")
router.register("books", BooksWithTags, basename="books-tags")
api = NinjaAPI(urls_namespace="direct-json")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/items/plain/", {"id": 1, "label": "x"}),
        ("/api/items/coerced/", {"id": 2, "label": "y"}),
        ("/api/items/validated/", {"id": 3}),
        ("/api/items/aliased/", {"key": 4}),
    ],
)
def test_each_path_answers_what_ninja_answers(client, url, body, settings):
    r = client.get(url)
    assert r.status_code == 200, r
    assert r.json() == body
    settings.NINJA_VIEWSETS = {"JSON_RENDERING": False}  # Ninja renders everything
    assert json.loads(client.get(url).content) == body


# -- to-many relations: the prefetched rows, without a related manager per object ------------


def test_a_prefetched_relation_is_read_from_the_prefetch(client, monkeypatch):
    author = Author.objects.create(name="A")
    sf, classic = Tag.objects.create(name="sf"), Tag.objects.create(name="classic")
    books = [Book.objects.create(title=str(i), author=author) for i in range(4)]
    books[0].tags.set([sf, classic])
    books[2].tags.set([classic])
    managers = 0
    original = ReverseManyToOneDescriptor.__get__

    def counted(self, instance, cls=None):  # type: ignore[no-untyped-def]
        nonlocal managers
        if instance is not None:
            managers += 1
        return original(self, instance, cls)

    monkeypatch.setattr(ReverseManyToOneDescriptor, "__get__", counted)
    r = client.get("/api/books/")
    assert r.status_code == 200, r.content
    assert [sorted(t["name"] for t in b["tags"]) for b in r.json()["items"]] == [
        ["classic", "sf"],
        [],
        ["classic"],
        [],
    ]
    # Django's prefetch: a related manager per book, one to find the prefetcher; rendering: none
    assert managers == len(books) + 1
