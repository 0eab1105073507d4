"""ninja_viewsets._object_queries: ``get_object()``'s and a list page's SQL compiled once, the
same answers.

Every test goes through the HTTP stack; the compiler is counted where it matters: a detail
request after the first compiles no SQL for its lookup, and gives what ``QuerySet.get()``
gives (404 for a missing, filtered-out or out-of-range value; the joins and prefetches of the
query plan; a custom ``QuerySet``'s own ``get()``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.urls import path
from ninja import FilterSchema, NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, ReadOnlyModelViewSet
from ninja_viewsets._object_queries import ObjectQuery
from ninja_viewsets.filters import FilterSchemaBackend, OrderingFilter
from ninja_viewsets.generics import aget_object_or_404, get_object_or_404
from ninja_viewsets.pagination import LimitOffsetPagination, PageNumberPagination
from tests.testapp.models import Author, Book, Document, Tag


class AuthorOut(Schema):
    id: int
    name: str


class TagOut(Schema):
    name: str


class BookOut(Schema):
    id: int
    title: str
    year: int


class BookIn(Schema):
    title: str
    year: int
    author_id: int


class NestedBookOut(BookOut):
    author: AuthorOut
    tags: list[TagOut]


class DocumentOut(Schema):
    uid: uuid.UUID
    slug: str


class Books(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn


class RecentBooks(ReadOnlyModelViewSet):
    queryset = Book.objects.filter(year__gte=2000).order_by("-year")  # a parameter before ours
    output_schema = BookOut


class NestedBooks(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = NestedBookOut  # the plan joins the author and prefetches the tags


class DocumentsBySlug(ReadOnlyModelViewSet):
    queryset = Document.objects.all()
    output_schema = DocumentOut
    lookup_field = "slug"


class DocumentsByUid(DocumentsBySlug):
    lookup_field = "uid"


class BooksByYear(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    lookup_field = "year"  # not unique


got: list[Any] = []


class CountingQuerySet(QuerySet):
    def get(self, *args: Any, **kwargs: Any) -> Any:
        got.append(kwargs)
        return super().get(*args, **kwargs)


class CustomGetBooks(ReadOnlyModelViewSet):
    queryset = CountingQuerySet(Book).all()
    output_schema = BookOut


class PagedBooks(ModelViewSet):
    queryset = Book.objects.order_by("-year", "id")
    output_schema = BookOut
    input_schema = BookIn
    pagination_class = PageNumberPagination


class PagedRecent(PagedBooks):
    queryset = Book.objects.filter(year__gte=2000).order_by("id")  # a parameter of its own


class OffsetBooks(PagedBooks):
    pagination_class = LimitOffsetPagination


class PagedNested(PagedBooks):
    output_schema = NestedBookOut  # the page joins the author and prefetches the tags


class SparseBooks(PagedBooks):
    sparse_fields = True  # ?fields= chooses the columns: each choice its own kept SQL


class SearchedBooks(PagedBooks):
    search_fields = ["title"]  # a filter backend: built per request when it has a term


class YearFilter(FilterSchema):
    year_min: int | None = None

    def filter_year_min(self, value: int | None) -> Q:
        return Q(year__gte=value)


class FilteredBooks(PagedBooks):
    filter_schema = YearFilter
    ordering_fields = ["year"]
    ordering = ["year"]


class NewestFirst(OrderingFilter):
    def get_default_ordering(self, view: Any) -> tuple[str, ...]:
        return ("-year",)


class OwnBackendBooks(FilteredBooks):
    filter_backends = [FilterSchemaBackend, NewestFirst]  # not the library's own: per request


router = DefaultRouter()
router.register("books", Books)
router.register("paged", PagedBooks, basename="paged")
router.register("paged-recent", PagedRecent, basename="paged-recent")
router.register("offset", OffsetBooks, basename="offset")
router.register("paged-nested", PagedNested, basename="paged-nested")
router.register("searched", SearchedBooks, basename="searched")
router.register("sparse", SparseBooks, basename="sparse")
router.register("filtered", FilteredBooks, basename="filtered")
router.register("filtered-own", OwnBackendBooks, basename="filtered-own")
router.register("recent", RecentBooks, basename="recent")
router.register("nested", NestedBooks, basename="nested")
router.register("by-slug", DocumentsBySlug, basename="by-slug")
router.register("by-uid", DocumentsByUid, basename="by-uid")
router.register("by-year", BooksByYear, basename="by-year")
router.register("custom-get", CustomGetBooks, basename="custom-get")
api = NinjaAPI(urls_namespace="object-queries")
api.add_router("/", router)


@api.get("/author-by/{source}/{pk}", response=AuthorOut)
async def author_by(request: Any, source: str, pk: str) -> Any:
    """DRF's ``get_object_or_404`` from a view of the user's: a model, its manager, a
    queryset, a ``Q``."""
    sources: dict[str, Any] = {
        "model": (Author,),
        "manager": (Author.objects,),
        "queryset": (Author.objects.exclude(name="hidden"),),
        "q": (Author, Q(name__startswith="L")),
    }
    return await aget_object_or_404(*sources[source], pk=pk)


urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@contextmanager
def compiled() -> Iterator[list[str]]:
    """The SQL Django's compiler builds inside the block."""
    sqls: list[str] = []
    original = SQLCompiler.as_sql

    def as_sql(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        sql, params = original(self, *args, **kwargs)
        sqls.append(sql)
        return sql, params

    SQLCompiler.as_sql = as_sql  # type: ignore[method-assign]
    try:
        yield sqls
    finally:
        SQLCompiler.as_sql = original  # type: ignore[method-assign]


@pytest.fixture
def books(db: None) -> list[Book]:
    author = Author.objects.create(name="Le Guin")
    old = Book.objects.create(title="Old", year=1990, author=author)
    new = Book.objects.create(title="New", year=2001, author=author)
    new.tags.set([Tag.objects.create(name="sf"), Tag.objects.create(name="classic")])
    return [old, new]


def test_a_retrieve_after_the_first_compiles_no_sql(client, books, django_assert_num_queries):
    old, new = books
    assert client.get(f"/api/books/{old.pk}/").status_code == 200  # the template is built
    with compiled() as sqls, django_assert_num_queries(1):
        r = client.get(f"/api/books/{new.pk}/")
    assert r.status_code == 200, r
    assert r.json() == {"id": new.pk, "title": "New", "year": 2001}
    assert sqls == []
    # the same SQL as Django's: the lookup's value is the only thing that changes
    with compiled():
        assert client.get(f"/api/books/{old.pk}/").json()["title"] == "Old"


def test_update_and_destroy_find_their_object_the_same_way(client, books):
    old, new = books
    client.get(f"/api/books/{old.pk}/")
    with compiled() as sqls:
        r = client.patch(f"/api/books/{new.pk}/", json={"year": 2002})
    assert r.status_code == 200, r
    assert r.json()["year"] == 2002
    assert not any(sql.startswith("SELECT") for sql in sqls), sqls  # only the UPDATE's
    assert client.delete(f"/api/books/{old.pk}/").status_code == 204
    assert not Book.objects.filter(pk=old.pk).exists()
    assert client.get(f"/api/books/{old.pk}/").status_code == 404


def test_missing_and_out_of_range_values_are_404(client, books):
    client.get(f"/api/books/{books[0].pk}/")
    assert client.get("/api/books/987654/").status_code == 404
    # past a bigint: Django answers "no rows" without asking the database (EmptyResultSet)
    r = client.get(f"/api/books/{2**63}/")
    assert r.status_code == 404, r
    assert r.json()["detail"] == "No Book matches the given query."


def test_the_querysets_own_filter_still_applies(client, books):
    old, new = books
    assert client.get(f"/api/recent/{new.pk}/").status_code == 200
    with compiled() as sqls:
        assert client.get(f"/api/recent/{old.pk}/").status_code == 404  # year 1990: filtered out
        assert client.get(f"/api/recent/{new.pk}/").json()["year"] == 2001
    assert sqls == []


def test_the_plan_joins_and_prefetches_as_before(client, books, django_assert_num_queries):
    old, new = books
    client.get(f"/api/nested/{old.pk}/")
    with django_assert_num_queries(2):  # the book with its author, then its tags
        r = client.get(f"/api/nested/{new.pk}/")
    assert r.status_code == 200, r
    body = r.json()
    assert body["author"] == {"id": new.author_id, "name": "Le Guin"}
    assert sorted(t["name"] for t in body["tags"]) == ["classic", "sf"]
    assert client.get(f"/api/nested/{old.pk}/").json()["tags"] == []


def test_string_and_uuid_lookups(client, db):
    first = Document.objects.create(slug="intro")
    second = Document.objects.create(slug="guide")
    assert client.get("/api/by-slug/intro/").json()["uid"] == str(first.uid)
    with compiled() as sqls:
        assert client.get("/api/by-slug/guide/").json()["uid"] == str(second.uid)
        assert client.get("/api/by-slug/nope/").status_code == 404
        assert client.get(f"/api/by-uid/{first.uid}/").json()["slug"] == "intro"  # builds one
        assert client.get(f"/api/by-uid/{second.uid}/").json()["slug"] == "guide"
        assert client.get(f"/api/by-uid/{uuid.uuid4()}/").status_code == 404
    assert len(sqls) == 1, sqls  # only the uid template's


def test_several_matches_raise_as_queryset_get_does(client, books, caplog):
    Book.objects.create(title="Twin", year=2001, author=books[0].author)
    assert client.get("/api/by-year/1990/").json()["title"] == "Old"
    # a lookup field that is not unique: QuerySet.get()'s error, a server error as with DRF
    assert client.get("/api/by-year/2001/").status_code == 500
    (error,) = [r for r in caplog.records if r.exc_info]
    assert isinstance(error.exc_info[1], Book.MultipleObjectsReturned)
    assert str(error.exc_info[1]) == "get() returned more than one Book -- it returned 2!"


def test_a_querysets_own_get_is_called(client, books):
    got.clear()
    assert client.get(f"/api/custom-get/{books[1].pk}/").json()["title"] == "New"
    assert client.get(f"/api/custom-get/{books[0].pk}/").json()["title"] == "Old"
    assert got == [{"pk": books[1].pk}, {"pk": books[0].pk}]


def test_a_new_class_queryset_takes_effect(client, books, monkeypatch):
    old, new = books
    assert client.get(f"/api/books/{new.pk}/").status_code == 200
    monkeypatch.setattr(Books, "queryset", Book.objects.filter(year__lt=2000))
    assert client.get(f"/api/books/{new.pk}/").status_code == 404
    assert client.get(f"/api/books/{old.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("queryset", "lookup_field"),
    [
        (Book.objects.all(), "author"),  # a relation: RelatedExact, model instances
        (Book.objects.all(), "title__iexact"),  # not one exact condition
        (Book.objects.all(), "author__name"),  # a path through a relation
        (Book.objects.all(), "created"),  # a type without a sentinel
        (Book.objects.select_for_update(), "pk"),
        (Book.objects.exclude(year=1), "pk"),  # fine: the lookup is the last condition
    ],
)
def test_what_the_template_refuses(db, queryset, lookup_field):
    template = ObjectQuery.build(queryset, lookup_field, "default")
    if lookup_field == "pk" and not queryset.query.select_for_update:
        assert template is not None
    else:
        assert template is None


# -- a list's page --------------------------------------------------------------------------


@pytest.fixture
def shelf(db: None) -> list[Book]:
    """Seven books: years 2006 down to 2000 (the page order: -year, id)."""
    author = Author.objects.create(name="Le Guin")
    return [
        Book.objects.create(title=f"B{year}", year=year, author=author)
        for year in range(2000, 2007)
    ]


def titles(r: Any) -> list[str]:
    assert r.status_code == 200, r.content
    return [item["title"] for item in r.json()["items"]]


def test_a_page_after_the_first_compiles_no_sql(client, shelf, django_assert_num_queries):
    assert titles(client.get("/api/paged/?page_size=3")) == ["B2006", "B2005", "B2004"]
    with compiled() as sqls, django_assert_num_queries(2):  # the COUNT, the page
        r = client.get("/api/paged/?page=2&page_size=3")
    assert sqls == []
    assert r.json()["count"] == 7
    assert titles(r) == ["B2003", "B2002", "B2001"]
    with compiled() as sqls:  # other limits, the first page (no OFFSET), the last one
        assert titles(client.get("/api/paged/?page=3&page_size=3")) == ["B2000"]
        assert titles(client.get("/api/paged/?page_size=2")) == ["B2006", "B2005"]
        assert titles(client.get("/api/paged/?page=last&page_size=5")) == ["B2001", "B2000"]
        assert titles(client.get("/api/paged/?page=9&page_size=5")) == []
    assert sqls == []
    Book.objects.filter(year=2006).delete()  # the rows are read again: only SQL is kept
    with compiled() as sqls:
        r = client.get("/api/paged/?page_size=2")
    assert titles(r) == ["B2005", "B2004"]
    assert r.json()["count"] == 6
    assert sqls == []


def test_a_querysets_own_filter_and_limit_offset(client, shelf):
    old = Book.objects.create(title="Old", year=1990, author=shelf[0].author)
    assert client.get("/api/paged-recent/").json()["count"] == 7
    with compiled() as sqls:
        r = client.get("/api/paged-recent/?page_size=2&page=4")
        assert titles(r) == ["B2006"]
        assert r.json()["count"] == 7
        assert old.title not in titles(client.get("/api/paged-recent/?page_size=50"))
    assert sqls == []
    assert titles(client.get("/api/offset/?limit=2&offset=1")) == ["B2005", "B2004"]
    with compiled() as sqls:
        assert titles(client.get("/api/offset/?limit=3&offset=6")) == ["B2000", "Old"]
        assert titles(client.get("/api/offset/?limit=3")) == ["B2006", "B2005", "B2004"]
        assert titles(client.get("/api/offset/?limit=3&offset=99")) == []
    assert sqls == []


def test_a_page_joins_and_prefetches_as_before(client, shelf, django_assert_num_queries):
    shelf[-1].tags.set([Tag.objects.create(name="sf")])
    client.get("/api/paged-nested/")
    with django_assert_num_queries(3):  # the COUNT, the page with its authors, the tags
        r = client.get("/api/paged-nested/?page_size=2")
    first, second = r.json()["items"]
    assert first["author"] == {"id": shelf[0].author_id, "name": "Le Guin"}
    assert [t["name"] for t in first["tags"]] == ["sf"]
    assert second["tags"] == []


def test_a_list_with_filtering_is_built_per_request(client, shelf):
    client.get("/api/searched/")
    with compiled() as sqls:
        r = client.get("/api/searched/?search=B2003")
    assert titles(r) == ["B2003"]
    assert r.json()["count"] == 1
    assert sqls  # the search's queries, compiled for this request
    with compiled() as sqls:  # no search term: the backend has nothing to do, the SQL is kept
        r = client.get("/api/searched/?page_size=2")
    assert titles(r) == ["B2006", "B2005"]
    assert r.json()["count"] == 7
    assert sqls == []


def test_each_representation_keeps_its_own_sql(client, shelf, django_assert_num_queries):
    client.get("/api/sparse/")
    client.get("/api/sparse/?fields=id,title")
    with compiled() as sqls:
        r = client.get("/api/sparse/?fields=id,title&page_size=2")
        assert r.json()["items"] == [
            {"id": shelf[6].pk, "title": "B2006"},
            {"id": shelf[5].pk, "title": "B2005"},
        ]
        assert r.json()["count"] == 7
        assert set(client.get("/api/sparse/?page_size=1").json()["items"][0]) == {
            "id",
            "title",
            "year",
        }
    assert sqls == []
    with CaptureQueriesContext(connection) as ran:
        client.get("/api/sparse/?fields=title")  # its first request: its own SQL, built
    (page,) = [q["sql"] for q in ran.captured_queries if "COUNT" not in q["sql"]]
    assert '"year"' not in page.split(" FROM ")[0]  # only the chosen columns are read


def test_filter_values_and_ordering_parameters_build_the_list(client, shelf):
    client.get("/api/filtered/")
    with compiled() as sqls:  # the default ordering (year), no filter value: kept
        assert titles(client.get("/api/filtered/?page_size=3")) == ["B2000", "B2001", "B2002"]
    assert sqls == []
    with compiled() as sqls:
        r = client.get("/api/filtered/?year_min=2005")
        assert titles(r) == ["B2005", "B2006"]
        assert r.json()["count"] == 2
        assert titles(client.get("/api/filtered/?ordering=-year&page_size=1")) == ["B2006"]
    assert len(sqls) == 4  # each built for its request (a COUNT and a page apiece)
    client.get("/api/filtered-own/")
    with compiled() as sqls:  # a backend class of the user's: its queryset built per request
        assert titles(client.get("/api/filtered-own/?page_size=1")) == ["B2006"]
    assert len(sqls) == 2
    with compiled() as sqls:  # and the kept one is still the default list
        assert titles(client.get("/api/filtered/?page_size=2&page=2")) == ["B2002", "B2003"]
    assert sqls == []


def test_an_empty_window_reads_nothing(shelf):
    from ninja_viewsets._object_queries import KeptPages

    queryset = Book.objects.order_by("id")
    pages = KeptPages(("test",), object(), lambda: queryset.all(), "default")
    assert pages.all().count() == 7
    assert pages[2:2] == []
    assert [b.title for b in pages[5:9]] == ["B2005", "B2006"]
    assert [b.title for b in pages[0:1]] == ["B2000"]


# -- a many-to-many list, prefetched ------------------------------------------------------------


def tag_names(item: dict[str, Any]) -> list[str]:
    return sorted(t["name"] for t in item["tags"])


def test_a_prefetch_after_the_first_compiles_no_sql(client, shelf, django_assert_num_queries):
    """A page's tags: the prefetch's query built and compiled for the first page of two books,
    run again with the next page's books; each book gets its own tags, read again each time."""
    sf, classic = Tag.objects.create(name="sf"), Tag.objects.create(name="classic")
    shelf[6].tags.set([sf, classic])
    shelf[4].tags.set([sf])
    client.get("/api/paged-nested/?page_size=2")
    with compiled() as sqls, django_assert_num_queries(3):  # the COUNT, the page, the tags
        r = client.get("/api/paged-nested/?page_size=2&page=2")
    assert sqls == []
    items = r.json()["items"]
    assert [i["title"] for i in items] == ["B2004", "B2003"]
    assert [tag_names(i) for i in items] == [["sf"], []]
    shelf[3].tags.add(classic)  # rows are read again: only the SQL is kept
    with compiled() as sqls:
        items = client.get("/api/paged-nested/?page_size=2&page=2").json()["items"]
        assert [tag_names(i) for i in items] == [["sf"], ["classic"]]
        first = client.get("/api/paged-nested/?page_size=2").json()["items"]
        assert [tag_names(i) for i in first] == [["classic", "sf"], []]
    assert sqls == []
    with compiled() as sqls:  # three books: another IN (...), compiled once for that size
        client.get("/api/paged-nested/?page_size=3")
    assert len(sqls) == 1 and " IN (" in sqls[0]
    with compiled() as sqls:
        items = client.get("/api/paged-nested/?page_size=3&page=2").json()["items"]
    assert sqls == []
    assert [tag_names(i) for i in items] == [["classic"], [], []]


def test_a_detail_prefetch_compiles_no_sql(client, books, django_assert_num_queries):
    old, new = books
    client.get(f"/api/nested/{old.pk}/")
    with compiled() as sqls, django_assert_num_queries(2):
        body = client.get(f"/api/nested/{new.pk}/").json()
    assert sqls == []
    assert tag_names(body) == ["classic", "sf"]


def test_a_kept_prefetch_fills_each_objects_own_cache(books):
    """What Django's prefetch leaves on each object: ``book.tags.all()`` from the cache (no
    query), and a queryset filtered by that book for anything chained on it."""
    from django.db.models import prefetch_related_objects

    from ninja_viewsets._object_queries import PlannedPrefetch, prefetch

    lookup = PlannedPrefetch("tags", queryset=Tag.objects.all())
    for _ in range(2):  # the first builds the kept query, the second runs it
        old, new = Book.objects.filter(pk__in=[b.pk for b in books]).order_by("id")
        prefetch([old, new], [lookup], "default")
    theirs = list(Book.objects.filter(pk__in=[b.pk for b in books]).order_by("id"))
    prefetch_related_objects(theirs, "tags")
    for ours, django in zip([old, new], theirs, strict=True):
        assert set(ours._prefetched_objects_cache) == set(django._prefetched_objects_cache)
    with CaptureQueriesContext(connection) as ran:
        assert sorted(t.name for t in new.tags.all()) == ["classic", "sf"]
        assert list(old.tags.all()) == []
    assert ran.captured_queries == []
    assert [t.name for t in new.tags.filter(name="sf")] == ["sf"]  # queries, for this book
    assert list(old.tags.filter(name="sf")) == []
    tags = list(Tag.objects.order_by("name"))  # the reverse side: a many-to-many too
    for _ in range(2):
        tags = list(Tag.objects.order_by("name"))
        prefetch(tags, ["books"], "default")
    assert [[b.title for b in t.books.all()] for t in tags] == [["New"], ["New"]]


def test_a_users_prefetch_is_djangos(books):
    """A ``Prefetch`` of the user's (another queryset each time, ``to_attr``...) is run by
    Django, built for each call."""
    from django.db.models import Prefetch

    from ninja_viewsets._object_queries import prefetch

    for _ in range(2):
        old, new = Book.objects.filter(pk__in=[b.pk for b in books]).order_by("id")
        lookup = Prefetch("tags", queryset=Tag.objects.filter(name="sf"), to_attr="sf_tags")
        with compiled() as sqls:
            prefetch([old, new], [lookup], "default")
        assert len(sqls) == 1
        assert [t.name for t in new.sf_tags] == ["sf"] and old.sf_tags == []


# -- get_object_or_404 ---------------------------------------------------------------------------


def test_get_object_or_404_of_a_model_compiles_its_sql_once(client, books):
    author = books[0].author
    hidden = Author.objects.create(name="hidden")
    assert client.get(f"/api/author-by/model/{author.pk}").json()["name"] == "Le Guin"
    with compiled() as sqls:  # the model's default manager: one template for both
        assert client.get(f"/api/author-by/model/{hidden.pk}").json()["name"] == "hidden"
        assert client.get(f"/api/author-by/manager/{author.pk}").status_code == 200
        assert client.get(f"/api/author-by/manager/{hidden.pk}").json()["name"] == "hidden"
    assert sqls == []
    hidden.delete()  # rows are read again: only the SQL is kept
    assert client.get(f"/api/author-by/model/{hidden.pk}").status_code == 404


@pytest.mark.parametrize("source", ["model", "manager", "queryset", "q"])
@pytest.mark.parametrize("pk", ["0", "abc", str(2**70), "1.5"])
def test_get_object_or_404_answers_404_for_what_names_no_row(client, books, source, pk):
    """DRF's rule: a missing row, and a value that cannot name one (the wrong type, out of
    the column's range), are both 404, never a 500."""
    r = client.get(f"/api/author-by/{source}/{pk}")
    assert r.status_code == 404, r.content
    assert r.json()["detail"]


def test_get_object_or_404_with_a_queryset_or_a_q_is_djangos(client, books):
    hidden = Author.objects.create(name="hidden")
    author = books[0].author
    assert client.get(f"/api/author-by/queryset/{hidden.pk}").status_code == 404
    assert client.get(f"/api/author-by/queryset/{author.pk}").json()["name"] == "Le Guin"
    assert client.get(f"/api/author-by/q/{hidden.pk}").status_code == 404
    with compiled() as sqls:  # built for each call, as Django builds it
        assert client.get(f"/api/author-by/q/{author.pk}").json()["name"] == "Le Guin"
    assert len(sqls) == 1


def test_get_object_or_404_sync_and_its_errors(books):
    from django.http import Http404

    author = books[0].author
    assert get_object_or_404(Author, pk=author.pk) == author
    assert get_object_or_404(Author.objects.all(), name="Le Guin") == author
    with pytest.raises(Http404, match="No Author matches the given query"):
        get_object_or_404(Author, pk="x")
    Author.objects.create(name="Le Guin")
    with pytest.raises(Author.MultipleObjectsReturned):  # as Django's: not a 404
        get_object_or_404(Author, name="Le Guin")
