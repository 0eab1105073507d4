"""No SynchronousOnlyOperation from user schema code: resolvers, model properties and dotted
aliases that read relations answer 200, on list, retrieve, create, update and an action."""

from __future__ import annotations

import pytest
from django.db.models import Max
from django.urls import path
from ninja import Field, NinjaAPI, Schema

from ninja_viewsets import ModelViewSet, SimpleRouter, action
from tests.schemasapp.models import Gadget, Maker
from tests.testapp.models import Author, Book, Tag


class BookView(Schema):
    id: int
    title: str
    author_name: str  # resolver over a foreign key
    tag_count: int  # resolver over a many-to-many
    tag_names: list[str]  # resolver listing a many-to-many

    @staticmethod
    def resolve_author_name(obj: Book) -> str:
        return obj.author.name

    @staticmethod
    def resolve_tag_count(obj: Book) -> int:
        return obj.tags.count()

    @staticmethod
    def resolve_tag_names(obj: Book) -> list[str]:
        return sorted(t.name for t in obj.tags.all())


class BookWrite(Schema):
    title: str
    author_id: int


class AuthorView(Schema):
    id: int
    name: str
    book_count: int  # resolver over a reverse foreign key
    latest_year: int | None  # an aggregate

    @staticmethod
    def resolve_book_count(obj: Author) -> int:
        return obj.books.count()

    @staticmethod
    def resolve_latest_year(obj: Author) -> int | None:
        return obj.books.aggregate(latest=Max("year"))["latest"]


class AuthorWrite(Schema):
    name: str


class GadgetView(Schema):
    id: int
    maker_label: str  # a model property reading a relation
    maker_name: str = Field(..., alias="maker.name")  # a dotted alias through a relation


class Books(ModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookView
    input_schema = BookWrite

    @action(detail=True)
    async def same(self, request, pk: int) -> BookView:
        """An extra action answering the object."""
        return await self.get_object()

    @action(detail=False)
    async def everything(self, request) -> list[BookView]:
        return Book.objects.order_by("id")


class Authors(ModelViewSet):
    queryset = Author.objects.order_by("id")
    output_schema = AuthorView
    input_schema = AuthorWrite


class Gadgets(ModelViewSet):
    queryset = Gadget.objects.order_by("id")
    output_schema = GadgetView

    @action(detail=True)
    async def label(self, request, pk: int) -> GadgetView:
        return await Gadget.objects.aget(pk=pk)  # not planned: the relation loads lazily


router = SimpleRouter()
router.register("books", Books)
router.register("authors", Authors)
router.register("gadgets", Gadgets)
api = NinjaAPI(urls_namespace="test_sync_schema_code")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def book(db) -> Book:
    author = Author.objects.create(name="Le Guin")
    book = Book.objects.create(title="Earthsea", year=1968, author=author)
    book.tags.add(Tag.objects.create(name="fantasy"), Tag.objects.create(name="classic"))
    Book.objects.create(title="Dispossessed", year=1974, author=author)
    return book


EARTHSEA = {
    "title": "Earthsea",
    "author_name": "Le Guin",
    "tag_count": 2,
    "tag_names": ["classic", "fantasy"],
}


def test_list(client, book):
    r = client.get("/api/books/")
    assert r.status_code == 200, r
    assert {**r.json()[0], "id": 0} == {**EARTHSEA, "id": 0}
    r = client.get("/api/authors/")
    assert r.status_code == 200, r
    assert r.json()[0]["book_count"] == 2 and r.json()[0]["latest_year"] == 1974


def test_retrieve(client, book):
    r = client.get(f"/api/books/{book.pk}/")
    assert r.status_code == 200 and r.json() == {**EARTHSEA, "id": book.pk}, r
    r = client.get(f"/api/authors/{book.author_id}/")
    assert r.status_code == 200 and r.json()["book_count"] == 2, r


def test_create(client, book):
    r = client.post("/api/books/", {"title": "Lathe", "author_id": book.author_id})
    assert r.status_code == 201, r
    assert r.json()["author_name"] == "Le Guin" and r.json()["tag_count"] == 0
    r = client.post("/api/authors/", {"name": "Butler"})
    assert r.status_code == 201 and r.json()["book_count"] == 0, r


def test_update(client, book):
    r = client.put(f"/api/books/{book.pk}/", {"title": "A Wizard", "author_id": book.author_id})
    assert r.status_code == 200 and r.json()["tag_count"] == 2, r
    r = client.patch(f"/api/authors/{book.author_id}/", {"name": "U. K. Le Guin"})
    assert r.status_code == 200 and r.json()["latest_year"] == 1974, r


def test_actions(client, book):
    r = client.get(f"/api/books/{book.pk}/same/")
    assert r.status_code == 200 and r.json() == {**EARTHSEA, "id": book.pk}, r
    r = client.get("/api/books/everything/")
    assert r.status_code == 200 and len(r.json()) == 2, r


def test_property_and_dotted_alias(client, db):
    maker = Maker.objects.create(name="Acme")
    gadget = Gadget.objects.create(maker=maker, name="G", code="G", price=1, rating=1)
    expected = {"id": gadget.pk, "maker_label": f"Acme #{maker.pk}", "maker_name": "Acme"}
    for url in ("/api/gadgets/", f"/api/gadgets/{gadget.pk}/", f"/api/gadgets/{gadget.pk}/label/"):
        r = client.get(url)
        assert r.status_code == 200, (url, r)
        assert (r.json()[0] if isinstance(r.json(), list) else r.json()) == expected
