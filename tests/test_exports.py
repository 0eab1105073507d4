"""Content negotiation and streamed exports (CSV, JSON Lines), over Django's ASGI path."""

from __future__ import annotations

import csv
import io
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.http import JsonResponse
from django.test import AsyncClient
from django.test.utils import CaptureQueriesContext
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, action
from ninja_viewsets.pagination import PageNumberPagination
from ninja_viewsets.renderers import CSVRenderer, JSONLinesRenderer, JSONRenderer, csv_columns
from tests.testapp.models import Author, Book, Tag


class AuthorOut(Schema):
    id: int
    name: str


class TagOut(Schema):
    name: str


class BookOut(Schema):
    id: int
    title: str
    year: int
    created: datetime
    author: AuthorOut
    tags: list[TagOut]


class Page(PageNumberPagination):
    page_size = 2


class Exports(ModelViewSet):
    """Unpaginated: a CSV / JSON Lines list streams every row."""

    queryset = Book.objects.order_by("id")
    output_schema = BookOut
    renderer_classes = [JSONRenderer, CSVRenderer, JSONLinesRenderer]
    search_fields = ["title"]
    ordering_fields = ["year", "id"]

    @action(detail=False, renderer_classes=[CSVRenderer])
    async def recent(self, request: Any) -> list[BookOut]:
        return self.get_queryset().filter(year__gte=2000)  # type: ignore[return-value]


class PagedExports(ModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookOut
    renderer_classes = [JSONRenderer, CSVRenderer, JSONLinesRenderer]
    pagination_class = Page
    export_unpaginated = True


class PagedOnly(ModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookOut
    renderer_classes = [JSONRenderer, CSVRenderer]
    pagination_class = Page


class JsonOnly(ModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookOut


class BigExport(ModelViewSet):
    """What the end-to-end tests stream (tests/test_exports_e2e.py)."""

    queryset = Book.objects.select_related("author").order_by("id")
    output_schema = BookOut
    renderer_classes = [JSONRenderer, CSVRenderer, JSONLinesRenderer]
    export_chunk_size = 500


# The end-to-end tests' window into the server process: its memory and the exports' log.
export_log: list[str] = []


class _Collect(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        export_log.append(record.getMessage())


_exports_logger = logging.getLogger("ninja_viewsets.exports")
_exports_logger.addHandler(_Collect())
_exports_logger.setLevel(logging.INFO)


def _memory(name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) * 1024
    return 0


def server_state(request: Any) -> JsonResponse:
    return JsonResponse(
        {"rss": _memory("VmRSS"), "peak": _memory("VmHWM"), "log": export_log[-20:]}
    )


class WithResolver(Schema):
    id: int
    same_author: int

    @staticmethod
    def resolve_same_author(obj: Book) -> int:
        return Book.objects.filter(author_id=obj.author_id).count()  # the sync ORM


class Resolved(ModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = WithResolver
    renderer_classes = [JSONRenderer, CSVRenderer]


router = DefaultRouter()
router.register("books", Exports, basename="books")
router.register("paged", PagedExports, basename="paged")
router.register("paged-only", PagedOnly, basename="paged-only")
router.register("json-only", JsonOnly, basename="json-only")
router.register("big", BigExport, basename="big")
router.register("resolved", Resolved, basename="resolved")
api = NinjaAPI(urls_namespace="test_exports")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls), path("state/", server_state)]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]

WHEN = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


def fetch(path: str, **headers: str) -> tuple[Any, bytes]:
    """(response, whole body), reading a streamed body chunk by chunk."""

    async def go() -> tuple[Any, bytes]:
        raw = await AsyncClient().get(path, headers=headers)
        if raw.streaming:
            return raw, b"".join([chunk async for chunk in raw.streaming_content])
        return raw, raw.content

    return async_to_sync(go)()


def rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode())))


@pytest.fixture
def books(db: None) -> list[Book]:
    ann = Author.objects.create(name="Ann")
    bob = Author.objects.create(name="=HYPERLINK(1)")
    made = []
    for i, (title, author) in enumerate(
        [("Dune", ann), ("-1+1", bob), ('Emma, or: "quotes"', ann), ("Zed", bob)]
    ):
        book = Book.objects.create(title=title, year=1999 + i, author=author)
        made.append(book)
    Book.objects.update(created=WHEN)
    red = Tag.objects.create(name="red")
    made[0].tags.add(red)
    return made


def test_csv_header_is_the_schema_fields_dotted_for_nested_ones() -> None:
    assert csv_columns(BookOut) == [
        "id",
        "title",
        "year",
        "created",
        "author.id",
        "author.name",
        "tags",
    ]


def test_csv_by_format_param_streams_every_row_as_json_writes_it(books: list[Book]) -> None:
    raw, body = fetch("/api/books/?format=csv")
    assert raw.status_code == 200 and raw.streaming
    assert raw["Content-Type"] == "text/csv; charset=utf-8"
    assert raw["Content-Disposition"] == 'attachment; filename="books.csv"'
    table = rows(body)
    assert table[0] == ["id", "title", "year", "created", "author.id", "author.name", "tags"]
    _, json_body = fetch("/api/books/")
    as_json = json.loads(json_body)
    assert len(table) == 1 + len(as_json) == 5
    first = as_json[0]
    assert table[1] == [
        str(first["id"]), "Dune", "1999", first["created"], str(first["author"]["id"]), "Ann",
        '[{"name":"red"}]',
    ]  # fmt: skip
    assert first["created"] == "2024-05-06T07:08:09.123Z"  # Django's format, in both


def test_csv_cells_that_a_spreadsheet_would_run_are_prefixed(books: list[Book]) -> None:
    _, body = fetch("/api/books/?format=csv")
    table = rows(body)
    assert table[2][1] == "'-1+1"
    assert table[2][5] == "'=HYPERLINK(1)"
    assert table[3][1] == 'Emma, or: "quotes"'  # quoted by the csv module, read back whole


def test_accept_selects_the_renderer(books: list[Book]) -> None:
    raw, body = fetch("/api/books/", Accept="application/jsonl")
    assert raw["Content-Type"] == "application/jsonl; charset=utf-8"
    lines = body.decode().splitlines()
    _, json_body = fetch("/api/books/")
    assert [json.loads(line) for line in lines] == json.loads(json_body)
    raw, _ = fetch("/api/books/", Accept="text/html;q=0.9, text/csv")
    assert raw["Content-Type"] == "text/csv; charset=utf-8"
    raw, _ = fetch("/api/books/", Accept="text/*")
    assert raw["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "text/html,*/*;q=0.8"])
def test_no_accept_or_any_is_the_first_renderer(books: list[Book], accept: str | None) -> None:
    raw, body = fetch("/api/books/", **({"Accept": accept} if accept else {}))
    assert raw.status_code == 200
    assert raw["Content-Type"].startswith("application/json")
    assert len(json.loads(body)) == 4


def test_unsupported_accept_is_406_listing_the_media_types(books: list[Book]) -> None:
    raw, body = fetch("/api/books/", Accept="application/xml")
    assert raw.status_code == 406
    detail = json.loads(body)["detail"]
    assert "application/json, text/csv, application/jsonl" in detail
    raw, body = fetch("/api/json-only/", Accept="text/csv")
    assert raw.status_code == 406
    assert "offers application/json" in json.loads(body)["detail"]
    raw, _ = fetch("/api/books/", Accept="text/csv;q=0")  # q=0: not acceptable
    assert raw.status_code == 406


def test_unknown_format_is_404_naming_the_formats(books: list[Book]) -> None:
    raw, body = fetch("/api/books/?format=xml")
    assert raw.status_code == 404
    assert (
        json.loads(body)["detail"]
        == "Unknown format 'xml': this operation offers json, csv, jsonl."
    )


def test_filters_search_and_ordering_apply_to_the_export(books: list[Book]) -> None:
    _, body = fetch("/api/books/?format=csv&search=e&ordering=-year")
    titles = [row[1] for row in rows(body)[1:]]
    assert titles == ["Zed", 'Emma, or: "quotes"', "Dune"]  # not '-1+1'


def test_retrieve_as_csv_is_one_row(books: list[Book]) -> None:
    raw, body = fetch(f"/api/books/{books[0].pk}/?format=csv")
    assert raw.status_code == 200 and not raw.streaming
    assert rows(body)[1][1] == "Dune"
    assert len(rows(body)) == 2


def test_a_paginated_list_exports_its_page(books: list[Book]) -> None:
    raw, body = fetch("/api/paged/?format=csv&page=2")
    assert raw.status_code == 200 and not raw.streaming
    assert raw["X-Total-Count"] == "4"
    assert [row[1] for row in rows(body)[1:]] == ['Emma, or: "quotes"', "Zed"]


def test_export_all_streams_past_the_paginator_where_allowed(books: list[Book]) -> None:
    raw, body = fetch("/api/paged/?format=jsonl&export=all")
    assert raw.status_code == 200 and raw.streaming
    assert len(body.decode().splitlines()) == 4
    raw, body = fetch("/api/paged-only/?format=csv&export=all")
    assert raw.status_code == 422  # at the parameter, in Ninja's shape (every list documents it)
    [error] = json.loads(body)["detail"]
    assert error["loc"] == ["query", "export"] and "not offered here" in error["msg"]
    raw, body = fetch("/api/paged/?export=all")  # JSON is never unpaginated
    assert raw.status_code == 422
    assert "?format=csv, ?format=jsonl" in json.loads(body)["detail"][0]["msg"]
    raw, body = fetch("/api/paged/?format=csv&export=yes")
    assert raw.status_code == 422
    raw, body = fetch("/api/json-only/?export=anything")  # no exports here: not our parameter
    assert raw.status_code == 200 and len(json.loads(body)) == 4


def test_an_action_has_its_own_renderers(books: list[Book]) -> None:
    raw, body = fetch("/api/books/recent/")
    assert raw["Content-Type"] == "text/csv; charset=utf-8"
    assert [row[1] for row in rows(body)[1:]] == ["'-1+1", 'Emma, or: "quotes"', "Zed"]
    raw, _ = fetch("/api/books/recent/", Accept="application/json")
    assert raw.status_code == 406


def test_the_export_reads_in_chunks_with_the_prefetch(books: list[Book], settings: Any) -> None:
    settings.NINJA_VIEWSETS = {"EXPORT_CHUNK_SIZE": 2}
    with CaptureQueriesContext(connection) as queries:
        _, body = fetch("/api/books/?format=csv")
    assert len(rows(body)) == 5
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    # two chunks of two books, each with its tags prefetched; the author joined
    assert len(selects) <= 5, selects


def test_openapi_lists_each_operations_media_types(db: None) -> None:
    raw, body = fetch("/api/openapi.json")
    assert raw.status_code == 200
    schema = json.loads(body)
    listed = schema["paths"]["/api/books/"]["get"]["responses"]["200"]["content"]
    assert list(listed) == ["application/json", "text/csv", "application/jsonl"]
    recent = schema["paths"]["/api/books/recent/"]["get"]["responses"]["200"]["content"]
    assert "text/csv" in recent
    params = {p["name"]: p for p in schema["paths"]["/api/books/"]["get"]["parameters"]}
    assert params["format"]["schema"]["enum"] == ["json", "csv", "jsonl"]
    assert "export" not in params  # Exports has no paginator: its lists always stream
    paged = schema["paths"]["/api/paged/"]["get"]["parameters"]
    assert {p["name"]: p["schema"].get("enum") for p in paged}["export"] == ["all"]
    plain = schema["paths"]["/api/json-only/"]["get"]["responses"]["200"]["content"]
    assert "format" not in str(schema["paths"]["/api/json-only/"]["get"].get("parameters"))
    assert list(plain) == ["application/json"]
    created = schema["paths"]["/api/books/"]["post"]["responses"]["201"]["content"]
    assert "text/csv" in created
    detail = next(p for p in schema["paths"] if p.startswith("/api/books/{"))
    assert "content" not in schema["paths"][detail]["delete"]["responses"]["204"]


def test_options_lists_what_the_viewset_renders(db: None) -> None:
    async def go() -> Any:
        return await AsyncClient().options("/api/books/")

    body = json.loads(async_to_sync(go)().content)
    assert body["renders"] == ["application/json", "text/csv", "application/jsonl"]


def test_a_resolver_reading_the_sync_orm_streams(books: list[Book]) -> None:
    raw, body = fetch("/api/resolved/?format=csv")
    assert raw.status_code == 200 and raw.streaming
    assert rows(body)[1:] == [[str(b.pk), "2"] for b in books]
    raw, body = fetch(f"/api/resolved/{books[0].pk}/?format=csv")
    assert rows(body) == [["id", "same_author"], [str(books[0].pk), "2"]]
