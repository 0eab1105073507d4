"""``ninja_viewsets._writes``: the library's create and update spend no transaction when
their statement is alone (nothing after it can fail, nothing reads the database to render it),
and keep it otherwise. Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import path
from ninja import ModelSchema, NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet
from tests.testapp.models import Author, Book, Tag
from tests.testapp.schemas import AuthorOut, TagOut


class BookIn(Schema):
    title: str
    year: int = 2000
    author_id: int


class BookPatch(Schema):
    title: str | None = None
    author_id: int | None = None


class BookOut(Schema):
    id: int
    title: str
    author: AuthorOut


class BookWithTagsOut(BookOut):
    tags: list[TagOut]


class BookViewSet(ModelViewSet):
    """The response nests the author: the related-ids check loads it before the write."""

    queryset = Book.objects.all()
    input_schema = BookIn
    patch_schema = BookPatch
    output_schema = BookOut


class BookWithTagsViewSet(BookViewSet):
    """The response also lists the tags: a new row's list is read after the INSERT."""

    output_schema = BookWithTagsOut


class BookModelIn(ModelSchema):
    class Meta:
        model = Book
        fields = ["title", "year", "author"]


class BookModelInViewSet(BookViewSet):
    """Its body's defaults are the model's (DRF's ModelSerializer): a PUT leaves them alone."""

    input_schema = BookModelIn


class TaggedIn(BookIn):
    tags: list[int] = []


class BookTaggedInViewSet(BookWithTagsViewSet):
    input_schema = TaggedIn


router = DefaultRouter()
router.register("books", BookViewSet)
router.register("tagged", BookWithTagsViewSet, basename="tagged")
router.register("tagged-in", BookTaggedInViewSet, basename="tagged-in")
router.register("model-in", BookModelInViewSet, basename="model-in")
api = NinjaAPI(urls_namespace="test_writes")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db(transaction=True)]


@pytest.fixture
def statements():
    """``(verb, in a transaction)`` of each statement a request runs, reads included (the sync
    test client runs the ORM in this thread)."""
    seen: list[tuple[str, bool]] = []

    def wrapper(execute, sql, params, many, context):
        verb = sql.lstrip().split(None, 1)[0].upper()
        if verb in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            seen.append((verb, context["connection"].in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


@pytest.fixture
def authors():
    return Author.objects.create(name="Ann"), Author.objects.create(name="Bo")


def test_a_create_whose_nested_relation_was_checked_writes_alone(client, authors, statements):
    ann, _ = authors
    r = client.post("/api/books/", {"title": "Dune", "author_id": ann.pk})
    assert r.status_code == 201, r.json()
    assert r.json()["author"] == {"id": ann.pk, "name": "Ann"}
    # the check reads the author, the INSERT writes alone; nothing is read again
    assert statements == [("SELECT", False), ("INSERT", False)]


def test_an_update_that_leaves_the_loaded_relation_alone_writes_alone(client, authors, statements):
    ann, bo = authors
    book = Book.objects.create(title="Dune", author=ann)
    statements.clear()
    r = client.patch(f"/api/books/{book.pk}/", {"title": "Dune Messiah"})
    assert r.status_code == 200, r.json()
    assert r.json() == {
        "id": book.pk,
        "title": "Dune Messiah",
        "author": {"id": ann.pk, "name": "Ann"},
    }
    r = client.patch(f"/api/books/{book.pk}/", {"author_id": bo.pk})  # checked, so loaded
    assert r.json()["author"] == {"id": bo.pk, "name": "Bo"}
    assert statements == [
        ("SELECT", False),  # get_object(), with the author joined
        ("UPDATE", False),
        ("SELECT", False),
        ("SELECT", False),  # the new author's check
        ("UPDATE", False),
    ]
    assert Book.objects.get().author == bo


def test_a_response_that_reads_after_the_write_keeps_the_transaction(client, authors, statements):
    """The tags of a new row are read after its INSERT: a failed read must undo it."""
    ann, _ = authors
    r = client.post("/api/tagged/", {"title": "Dune", "author_id": ann.pk})
    assert r.status_code == 201, r.json()
    assert r.json()["tags"] == []
    assert statements == [("SELECT", False), ("INSERT", True), ("SELECT", True)]


def test_a_read_that_fails_after_the_write_undoes_it(client, authors, monkeypatch):
    from ninja_viewsets import _reloads

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away while the response was read")

    ann, _ = authors
    monkeypatch.setattr(_reloads, "load_relations_now", fail)
    r = client.post("/api/tagged/", {"title": "Dune", "author_id": ann.pk})
    assert r.status_code == 500
    assert not Book.objects.exists()


def test_many_to_many_ids_on_create_are_added_without_reading_first(client, authors, statements):
    ann, _ = authors
    red, blue = Tag.objects.create(name="red"), Tag.objects.create(name="blue")
    statements.clear()
    body = {"title": "Dune", "author_id": ann.pk, "tags": [red.pk, blue.pk, red.pk]}
    r = client.post("/api/tagged-in/", body)
    assert r.status_code == 201, r.json()
    assert sorted(t["name"] for t in r.json()["tags"]) == ["blue", "red"]
    inserts = [s for s in statements if s[0] == "INSERT"]
    assert len(inserts) == 2  # the book, then its links in one statement
    assert all(in_transaction for _, in_transaction in inserts)
    assert sorted(Book.objects.get().tags.values_list("name", flat=True)) == ["blue", "red"]


def test_put_leaves_a_field_with_a_model_default_it_omits_as_it_is(client, authors):
    """DRF's ModelSerializer: a model default makes a field optional, not reset by a PUT."""
    ann, _ = authors
    book = Book.objects.create(title="Dune", year=1965, author=ann)
    r = client.put(f"/api/model-in/{book.pk}/", {"title": "Dune!", "author_id": ann.pk})
    assert r.status_code == 200, r.json()
    book.refresh_from_db()
    assert (book.title, book.year) == ("Dune!", 1965)


def test_put_applies_a_default_written_in_the_schema(client, authors):
    """DRF's ``default=`` on a serializer field: applied when a PUT omits the field."""
    ann, _ = authors
    book = Book.objects.create(title="Dune", year=1965, author=ann)
    r = client.put(f"/api/books/{book.pk}/", {"title": "Dune!", "author_id": ann.pk})
    assert r.status_code == 200, r.json()
    book.refresh_from_db()
    assert (book.title, book.year) == ("Dune!", 2000)
