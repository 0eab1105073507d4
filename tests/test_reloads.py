"""ninja_viewsets._reloads: after a write, the relations the response reads (``ReloadMixin``:
``refetch()`` after a create, ``reload_relations()`` after an update), over HTTP.

(tests/test_overhead.py counts the thread hops of these reloads against hand-written Ninja.)
"""

from __future__ import annotations

import pytest
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet
from ninja_viewsets._reloads import ReloadMixin
from ninja_viewsets.generics import GenericAPIView
from tests.testapp.models import Author, Book, Tag
from tests.testapp.schemas import BookOut


class BookIn(Schema):
    title: str
    author_id: int


class Books(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn


class RecentBooks(Books):
    """Lists only books after 2000: a book created older is outside the visible queryset."""

    def get_queryset(self):
        return super().get_queryset().filter(year__gt=2000)

    async def perform_create(self, data):
        return await super().perform_create(data, year=1999)


class TaggingBooks(Books):
    """A hook of the user's adds a tag: the response's prefetched tags are read again."""

    async def perform_update(self, instance, data):
        instance = await super().perform_update(instance, data)
        tag, _ = await Tag.objects.aget_or_create(name="edited")
        await tag.books.aadd(instance)  # through the tag: the instance keeps its cached list
        return instance


class CountedRefetch(Books):
    refetched: list[int] = []

    async def refetch(self, instance):
        self.refetched.append(instance.pk)
        return await super().refetch(instance)


router = DefaultRouter()
router.register("books", Books, basename="books")
router.register("recent", RecentBooks, basename="recent")
router.register("tagging", TaggingBooks, basename="tagging")
router.register("counted", CountedRefetch, basename="counted")
api = NinjaAPI(urls_namespace="reloads")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def authors(db):
    return Author.objects.create(name="Le Guin"), Author.objects.create(name="Herbert")


def test_a_generic_viewset_has_the_reload_half():
    assert issubclass(GenericAPIView, ReloadMixin)
    assert GenericAPIView.refetch is ReloadMixin.refetch


def test_a_create_answers_the_relations_the_response_reads(client, authors):
    first, _ = authors
    r = client.post("/api/books/", {"title": "Earthsea", "author_id": first.pk})
    assert r.status_code == 201, r
    assert r.json() == {
        "id": r.json()["id"],
        "title": "Earthsea",
        "author": {"id": first.pk, "name": "Le Guin"},
        "tags": [],
    }


def test_a_create_outside_the_visible_queryset_answers_what_it_wrote(client, authors):
    first, _ = authors
    r = client.post("/api/recent/", {"title": "Old", "author_id": first.pk})
    assert r.status_code == 201, r
    assert r.json()["author"] == {"id": first.pk, "name": "Le Guin"}
    assert Book.objects.get(pk=r.json()["id"]).year == 1999
    assert client.get(f"/api/recent/{r.json()['id']}/").status_code == 404  # not visible


def test_an_update_that_moves_a_foreign_key_answers_the_new_object(client, authors):
    first, second = authors
    book = Book.objects.create(title="Dune", author=first)
    r = client.patch(f"/api/books/{book.pk}/", {"author_id": second.pk})
    assert r.status_code == 200, r
    assert r.json()["author"] == {"id": second.pk, "name": "Herbert"}


def test_an_overridden_hook_has_the_prefetched_lists_read_again(client, authors):
    first, _ = authors
    book = Book.objects.create(title="Dune", author=first)
    book.tags.add(Tag.objects.create(name="classic"))
    r = client.patch(f"/api/tagging/{book.pk}/", {"title": "Dune!"})
    assert r.status_code == 200, r
    assert sorted(t["name"] for t in r.json()["tags"]) == ["classic", "edited"]


def test_an_overridden_refetch_is_called_after_a_create(client, authors):
    first, _ = authors
    CountedRefetch.refetched.clear()
    r = client.post("/api/counted/", {"title": "Counted", "author_id": first.pk})
    assert r.status_code == 201, r
    assert CountedRefetch.refetched == [r.json()["id"]]
    assert r.json()["author"]["name"] == "Le Guin"
