"""ninja_viewsets._related_keys: a related object written as its key, the item of an
unexpanded many relation (``?expand=`` not asked: ``"tags": [3, 7]``)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import path
from ninja import NinjaAPI, Schema
from pydantic import TypeAdapter, ValidationError

from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet
from ninja_viewsets._related_keys import RelatedKey, related_key_type, related_keys
from tests.testapp.models import Author, Book, Tag
from tests.testapp.schemas import TagOut


class BookOut(Schema):
    id: int
    title: str


class Books(ReadOnlyModelViewSet):
    queryset = Book.objects.order_by("pk")
    output_schema = BookOut
    sparse_fields = True
    expandable_fields = {"tags": list[TagOut]}


router = DefaultRouter()
router.register("books", Books, basename="books")
api = NinjaAPI(urls_namespace="related-keys")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


def test_an_item_type_per_key_type_made_once():
    assert related_keys(int) is related_keys(int)
    assert related_keys(uuid.UUID) is not related_keys(int)
    assert issubclass(related_keys(int), RelatedKey)
    assert related_keys(int).__name__ == "intKey"
    assert related_key_type(related_keys(uuid.UUID)) is uuid.UUID
    assert related_key_type(int) is None
    assert related_key_type(list[int]) is None


@pytest.mark.django_db
def test_an_instance_validates_as_its_key_and_a_key_as_itself():
    tag = Tag.objects.create(name="sf")
    keys = TypeAdapter(list[related_keys(int)])
    assert keys.validate_python([tag, 7]) == [tag.pk, 7]
    assert keys.dump_json([tag.pk]) == f"[{tag.pk}]".encode()
    with pytest.raises(ValidationError):
        keys.validate_python(["not a key"])


def test_an_unexpanded_many_relation_answers_its_keys_over_http(client, db):
    book = Book.objects.create(title="Dune", author=Author.objects.create(name="Herbert"))
    tags = [Tag.objects.create(name=n) for n in ("sf", "classic")]
    book.tags.set(tags)
    r = client.get(f"/api/books/{book.pk}/?fields=title,tags")
    assert r.status_code == 200, r
    assert r.json()["title"] == "Dune"
    assert sorted(r.json()["tags"]) == sorted(t.pk for t in tags)
    expanded = client.get(f"/api/books/{book.pk}/?expand=tags&fields=tags.name").json()
    assert sorted(t["name"] for t in expanded["tags"]) == ["classic", "sf"]
