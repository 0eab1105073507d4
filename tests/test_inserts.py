"""ninja_viewsets._inserts: a create's ``INSERT`` compiled once per model, the same row.

The creates go through the HTTP stack; Django's ``SQLInsertCompiler`` is counted where it
matters: a create after the first compiles no ``INSERT``, and writes what ``Model.objects
.create()`` writes (``auto_now_add``, defaults, foreign keys); a model whose save is more than
that statement (a ``save()`` or a ``pre_save`` receiver of the user's, a ``db_default`` column,
a value that is an expression, an explicit id) is saved by Django, as before."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Value
from django.db.models.functions import Upper
from django.db.models.signals import pre_save
from django.db.models.sql.compiler import SQLInsertCompiler
from django.urls import path
from django.utils import timezone
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet
from ninja_viewsets._inserts import create_now
from tests.testapp.models import Action, Author, Book, Shout, Stamp, Tag


class BookIn(Schema):
    title: str
    year: int = 1999
    author_id: int


class BookOut(Schema):
    id: int
    title: str
    year: int
    author_id: int


class TextIn(Schema):
    text: str


class StampOut(Schema):
    id: int
    text: str
    number: int


class ShoutOut(Schema):
    id: int
    text: str


class TagIn(Schema):
    name: str


class TagOut(Schema):
    id: int
    name: str


class ActionOut(Schema):
    id: int


class Books(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn


class Stamps(ModelViewSet):
    queryset = Stamp.objects.all()
    output_schema = StampOut
    input_schema = TextIn


class Shouts(ModelViewSet):
    queryset = Shout.objects.all()
    output_schema = ShoutOut
    input_schema = TextIn


class Tags(ModelViewSet):
    queryset = Tag.objects.all()
    output_schema = TagOut
    input_schema = TagIn


class ActionIn(Schema):
    pass


class Actions(ModelViewSet):
    queryset = Action.objects.all()
    output_schema = ActionOut
    input_schema = ActionIn


router = DefaultRouter()
router.register("books", Books)
router.register("stamps", Stamps)
router.register("shouts", Shouts)
router.register("tags", Tags)
router.register("actions", Actions)
api = NinjaAPI(urls_namespace="inserts")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@contextmanager
def compiled() -> Iterator[list[str]]:
    """The ``INSERT`` statements Django's compiler builds inside the block."""
    sqls: list[str] = []
    original = SQLInsertCompiler.as_sql

    def as_sql(self: SQLInsertCompiler, *args: Any, **kwargs: Any) -> Any:
        statements = original(self, *args, **kwargs)
        sqls.extend(sql for sql, _params in statements)
        return statements

    SQLInsertCompiler.as_sql = as_sql  # type: ignore[method-assign]
    try:
        yield sqls
    finally:
        SQLInsertCompiler.as_sql = original  # type: ignore[method-assign]


@pytest.fixture
def author(db: None) -> Author:
    return Author.objects.create(name="Le Guin")


def test_a_create_after_the_first_compiles_no_insert(client, author, django_assert_num_queries):
    assert client.post("/api/books/", {"title": "One", "author_id": author.pk})
    with compiled() as sqls, django_assert_num_queries(2):  # the author's check, the INSERT
        r = client.post("/api/books/", {"title": "Two", "author_id": author.pk})
    assert r.status_code == 201, r.content
    assert sqls == []
    book = Book.objects.get(pk=r.json()["id"])
    assert r.json() == {"id": book.pk, "title": "Two", "year": 1999, "author_id": author.pk}
    assert r.headers["Location"].endswith(f"/api/books/{book.pk}/")


def test_the_row_is_the_one_djangos_create_writes(client, author):
    before = timezone.now()
    client.post("/api/books/", {"title": "Warm", "author_id": author.pk})
    r = client.post("/api/books/", {"title": "Ours", "year": 1969, "author_id": author.pk})
    ours = Book.objects.get(pk=r.json()["id"])
    theirs = Book.objects.create(title="Ours", year=1969, author_id=author.pk)
    assert before <= ours.created <= timezone.now()  # auto_now_add, as Django sets it
    assert abs(theirs.created - ours.created) < timedelta(seconds=5)
    columns = ("title", "year", "author_id")
    assert [getattr(ours, c) for c in columns] == [getattr(theirs, c) for c in columns]
    assert ours.pk + 1 == theirs.pk  # the database's own sequence, no id of ours


def test_a_pre_save_receiver_runs_as_before(client, author):
    client.post("/api/books/", {"title": "Warm", "author_id": author.pk})
    seen: list[tuple[str, bool]] = []

    def receiver(sender: Any, instance: Book, **kwargs: Any) -> None:
        seen.append((instance.title, instance._state.adding))
        instance.year = 1234

    pre_save.connect(receiver, sender=Book, weak=False)
    try:
        r = client.post("/api/books/", {"title": "Seen", "author_id": author.pk})
    finally:
        pre_save.disconnect(receiver, sender=Book)
    assert r.status_code == 201, r.content
    assert seen == [("Seen", True)]
    assert Book.objects.get(pk=r.json()["id"]).year == 1234
    with compiled() as sqls:  # the receiver gone, the kept statement again
        client.post("/api/books/", {"title": "After", "author_id": author.pk})
    assert sqls == []


def test_a_db_default_column_is_filled_by_the_database(client, db):
    for text in ("a", "b"):
        with compiled() as sqls:
            r = client.post("/api/stamps/", {"text": text})
        assert r.status_code == 201, r.content
        assert r.json()["number"] == 7
        assert len(sqls) == 1  # Django's statement, every time
    assert list(Stamp.objects.values_list("number", flat=True)) == [7, 7]


def test_the_users_save_is_called(client, db):
    for text in ("quiet", "calm"):
        r = client.post("/api/shouts/", {"text": text})
        assert r.status_code == 201, r.content
        assert r.json()["text"] == text.upper()
    assert sorted(Shout.objects.values_list("text", flat=True)) == ["CALM", "QUIET"]


def test_a_model_with_no_column_but_its_id(client, db):
    ids = [client.post("/api/actions/", {}).json()["id"] for _ in range(3)]
    assert len(set(ids)) == 3
    assert sorted(Action.objects.values_list("pk", flat=True)) == sorted(ids)


@pytest.mark.django_db(transaction=True)  # the 409 rolls back; the test reads after it
def test_a_unique_violation_is_the_same_answer(client):
    assert client.post("/api/tags/", {"name": "sf"}).status_code == 201
    r = client.post("/api/tags/", {"name": "sf"})
    assert 400 <= r.status_code < 500, r.content
    assert "detail" in r.json()
    assert list(Tag.objects.values_list("name", flat=True)) == ["sf"]
    assert client.post("/api/tags/", {"name": "fantasy"}).status_code == 201


def test_an_expression_or_an_id_takes_djangos_path_and_keeps_the_statement(author):
    create_now(Book.objects, {"title": "Warm", "author_id": author.pk})
    with compiled() as sqls:
        loud = create_now(Book.objects, {"title": Upper(Value("loud")), "author_id": author.pk})
        given = create_now(Book.objects, {"id": 4321, "title": "Given", "author_id": author.pk})
    assert len(sqls) == 2  # both Django's
    assert loud.pk is not None and not loud._state.adding and loud._state.db == "default"
    assert Book.objects.get(pk=loud.pk).title == "LOUD"
    assert given.pk == 4321 and Book.objects.get(pk=4321).title == "Given"
    with compiled() as sqls:
        plain = create_now(Book.objects, {"title": "Plain", "author_id": author.pk})
    assert sqls == []
    assert Book.objects.get(pk=plain.pk).title == "Plain"
