"""ninja_viewsets._loading: a query plan put to work, on a queryset (``plan_queryset``: the
user's own joins, prefetches and columns win) and on instances an action built itself
(``load_relations``: only what is not loaded yet)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count, Prefetch
from django.test.utils import CaptureQueriesContext
from ninja import Schema

from ninja_viewsets._loading import load_relations, load_relations_now, plan_queryset
from ninja_viewsets._planning import EMPTY_PLAN, get_plan
from tests.testapp.models import Author, Book, Tag
from tests.testapp.schemas import BookOut


class TitleOut(Schema):
    id: int
    title: str


PLAN = get_plan(Book, BookOut)


@pytest.fixture
def books(db):
    author = Author.objects.create(name="Le Guin")
    sf, fantasy = Tag.objects.create(name="sf"), Tag.objects.create(name="fantasy")
    made = []
    for title in ("Earthsea", "Lathe", "Dispossessed"):
        book = Book.objects.create(title=title, author=author)
        book.tags.set([sf, fantasy] if title == "Earthsea" else [sf])
        made.append(book)
    return made


def serialize(books) -> list[dict]:
    return [BookOut.model_validate(b).model_dump() for b in books]


def test_a_planned_queryset_reads_everything_in_two_queries(books):
    with CaptureQueriesContext(connection) as queries:
        rows = serialize(plan_queryset(Book.objects.order_by("pk"), PLAN))
    assert len(queries) == 2  # the books JOIN their author; the tags of all of them
    assert [r["author"]["name"] for r in rows] == ["Le Guin"] * 3
    assert [len(r["tags"]) for r in rows] == [2, 1, 1]


def test_an_empty_plan_leaves_the_queryset_alone():
    queryset = Book.objects.all()
    assert plan_queryset(queryset, EMPTY_PLAN) is queryset


def test_the_users_own_prefetch_wins(books):
    only_fantasy = Prefetch("tags", queryset=Tag.objects.filter(name="fantasy"))
    queryset = plan_queryset(Book.objects.order_by("pk").prefetch_related(only_fantasy), PLAN)
    with CaptureQueriesContext(connection) as queries:
        rows = serialize(queryset)
    assert len(queries) == 2
    assert [[t["name"] for t in r["tags"]] for r in rows] == [["fantasy"], [], []]


def test_columns_are_narrowed_only_when_asked_and_the_user_chose_none(books):
    plan = get_plan(Book, TitleOut)
    assert plan.only == ("id", "title")
    narrowed = plan_queryset(Book.objects.all(), plan, columns=True)
    assert narrowed.query.deferred_loading == ({"id", "title"}, False)
    assert plan_queryset(Book.objects.all(), plan).query.deferred_loading[0] == set()
    annotated = Book.objects.annotate(n=Count("tags"))  # may be read elsewhere: all columns
    assert plan_queryset(annotated, plan, columns=True).query.deferred_loading[0] == set()
    chosen = plan_queryset(Book.objects.only("year"), plan, columns=True)
    assert chosen.query.deferred_loading == ({"year"}, False)


def test_load_relations_now_loads_only_what_is_missing(books):
    fresh = list(Book.objects.order_by("pk"))
    with CaptureQueriesContext(connection) as first:
        load_relations_now(fresh, PLAN)
    assert len(first) == 2  # the authors, the tags
    with CaptureQueriesContext(connection) as again:
        load_relations_now(fresh, PLAN)
    assert len(again) == 0
    assert len(serialize(fresh)) == 3


@pytest.mark.django_db(transaction=True)
async def test_load_relations_makes_instances_serializable_on_the_event_loop():
    author = await Author.objects.acreate(name="Herbert")
    book = await Book.objects.acreate(title="Dune", author=author)
    tag = await Tag.objects.acreate(name="sf")
    await book.tags.aadd(tag)
    built = await Book.objects.aget(pk=book.pk)  # nothing loaded: a read would raise here
    await load_relations([built, "not a model"], PLAN)
    assert serialize([built]) == [
        {
            "id": book.pk,
            "title": "Dune",
            "author": {"id": author.pk, "name": "Herbert"},
            "tags": [{"id": tag.pk, "name": "sf"}],
        }
    ]
