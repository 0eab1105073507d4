"""Pagination on viewsets: Ninja's paginators, CursorPagination, per action, query counts."""

from __future__ import annotations

import pytest
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, ReadOnlyModelViewSet, action
from ninja_viewsets.pagination import CursorPagination, LimitOffsetPagination, PageNumberPagination
from tests.testapp.models import Author, Book


class BookRow(Schema):
    id: int
    title: str
    year: int


class PagedBooks(ReadOnlyModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookRow
    pagination_class = PageNumberPagination
    ordering_fields = ["year", "title", "id"]

    @action(detail=False, paginate=True)
    async def classics(self, request) -> list[BookRow]:
        return self.get_queryset().filter(year__lt=1950)

    @action(detail=False, paginate=True, pagination_class=None)
    async def everything(self, request) -> list[BookRow]:
        return self.get_queryset()


class OffsetBooks(ReadOnlyModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookRow
    pagination_class = LimitOffsetPagination


class SmallCursor(CursorPagination):
    page_size = 3


class CursorBooks(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookRow
    pagination_class = SmallCursor


class TitleOnly(Schema):
    id: int
    title: str


class ByCreated(CursorPagination):
    ordering = ("-created", "author__name")  # neither is read by the schema
    page_size = 3


class CursorByUnreadColumns(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = TitleOnly  # only(id, title): the cursor's columns are not loaded with it
    pagination_class = ByCreated


class PlainBooks(ModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookRow


router = DefaultRouter()
router.register("paged", PagedBooks, basename="paged")
router.register("offset", OffsetBooks, basename="offset")
router.register("cursor", CursorBooks, basename="cursor")
router.register("plain", PlainBooks, basename="plain")
router.register("by-created", CursorByUnreadColumns, basename="by-created")
api = NinjaAPI(urls_namespace="pagination")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def books(db):
    author = Author.objects.create(name="A")
    return [
        Book.objects.create(title=f"B{i:02}", year=1900 + i * 10, author=author) for i in range(10)
    ]


def test_page_number_envelope_and_count(client, books, django_assert_num_queries):
    with django_assert_num_queries(2):  # one page query, one COUNT
        r = client.get("/api/paged/?page=2&page_size=4")
    assert r.status_code == 200, r
    body = r.json()
    assert body["count"] == 10
    assert [b["title"] for b in body["items"]] == ["B04", "B05", "B06", "B07"]


def test_filtering_happens_before_pagination(client, books):
    r = client.get("/api/paged/classics/?page_size=2")
    assert r.status_code == 200, r
    assert r.json()["count"] == 5  # 1900..1940
    assert len(r.json()["items"]) == 2


def test_ordering_with_pagination_is_two_queries(client, books, django_assert_num_queries):
    with django_assert_num_queries(2):
        r = client.get("/api/paged/?ordering=-year&page_size=3")
    assert [b["year"] for b in r.json()["items"]] == [1990, 1980, 1970]


def test_per_action_pagination_none_gives_a_plain_list(client, books):
    r = client.get("/api/paged/everything/")
    assert r.status_code == 200
    assert isinstance(r.json(), list) and len(r.json()) == 10


@pytest.mark.parametrize("query", ["page=0", "page=abc", "page_size=0", "page=-1"])
def test_invalid_page_values_are_422(client, books, query):
    r = client.get(f"/api/paged/?{query}")
    assert r.status_code == 422, r
    assert r.json()["detail"]


def test_limit_offset(client, books):
    r = client.get("/api/offset/?limit=3&offset=8")
    assert r.status_code == 200
    assert r.json()["count"] == 10
    assert [b["title"] for b in r.json()["items"]] == ["B08", "B09"]
    assert client.get("/api/offset/?limit=0").status_code == 422
    assert client.get("/api/offset/?offset=-1").status_code == 422


def test_unpaginated_by_default(client, books):
    r = client.get("/api/plain/")
    assert isinstance(r.json(), list) and len(r.json()) == 10


def test_cursor_walks_forward_and_back_in_one_query_each(client, books, django_assert_num_queries):
    with django_assert_num_queries(1):
        r = client.get("/api/cursor/")
    page1 = r.json()
    assert [b["title"] for b in page1["results"]] == ["B09", "B08", "B07"]
    assert page1["previous"] is None
    assert page1["next"].startswith("http://testserver/api/cursor/?cursor=")
    seen = [b["title"] for b in page1["results"]]
    nxt = page1["next"]
    pages = [page1]
    while nxt:
        page = client.get(nxt.removeprefix("http://testserver")).json()
        pages.append(page)
        seen += [b["title"] for b in page["results"]]
        nxt = page["next"]
    assert seen == [f"B{i:02}" for i in range(9, -1, -1)]
    back = client.get(pages[-1]["previous"].removeprefix("http://testserver")).json()
    assert [b["title"] for b in back["results"]] == [b["title"] for b in pages[-2]["results"]]


def test_cursor_ordered_by_columns_the_schema_does_not_read(client, books):
    """Regression: the position was read lazily from deferred columns (a 500 on the loop)."""
    seen, url = [], "/api/by-created/"
    while url:
        page = client.get(url)
        assert page.status_code == 200, page
        seen += [b["title"] for b in page.json()["results"]]
        url = (page.json()["next"] or "").removeprefix("http://testserver")
    assert sorted(seen) == [b.title for b in books] and len(seen) == len(books)


@pytest.mark.parametrize("cursor", ["garbage!!", "e30", "eyJ2IjpbImEiXX0", "eyJ2IjpbMSwyLDNdfQ"])
def test_invalid_cursor_is_400(client, books, cursor):
    r = client.get(f"/api/cursor/?cursor={cursor}")
    assert r.status_code == 400, r
    assert r.json()["detail"] == "Invalid cursor."


def test_openapi_shows_pagination_params_and_envelopes():
    schema = api.get_openapi_schema(path_prefix="/api")
    params = {p["name"] for p in schema["paths"]["/api/paged/"]["get"]["parameters"]}
    assert {"page", "page_size", "ordering"} <= params
    cursor_params = {p["name"] for p in schema["paths"]["/api/cursor/"]["get"]["parameters"]}
    assert cursor_params == {"cursor"}
    comps = schema["components"]["schemas"]
    assert set(comps["BookRowSmallCursorPage"]["properties"]) == {"results", "next", "previous"}
    assert set(comps["BookRowPageNumberPage"]["properties"]) == {"items", "count"}


@pytest.fixture
def count_hops(monkeypatch):
    """The ``sync_to_async`` thread hops of the requests inside ``with count_hops() as n``."""
    from contextlib import contextmanager

    from asgiref.sync import SyncToAsync

    calls = [0]
    original = SyncToAsync.__call__

    async def counting(self, *args, **kwargs):
        calls[0] += 1
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counting)

    @contextmanager
    def counter():
        start = calls[0]
        box = [0]
        yield box
        box[0] = calls[0] - start

    return counter


def test_ninjas_paginators_count_and_fetch_in_one_thread_hop(client, books, count_hops):
    """COUNT + page in one ORM-thread hop: as many hops as an unpaginated list (one query)."""
    with count_hops() as unpaginated:
        assert client.get("/api/paged/everything/").status_code == 200
    with count_hops() as paged:
        r = client.get("/api/paged/?page=2&page_size=4")
    with count_hops() as offset:
        assert client.get("/api/offset/?limit=3&offset=2").status_code == 200
    assert r.json()["count"] == 10 and len(r.json()["items"]) == 4
    assert unpaginated[0] >= 1
    assert paged[0] == offset[0] == unpaginated[0]
