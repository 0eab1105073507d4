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


# -- paginators configured by class attributes, as in DRF ----------------------------------


class FivePerPage(PageNumberPagination):
    page_size = 5


class RenamedPages(PageNumberPagination):
    page_size = 2
    page_query_param = "p"
    page_size_query_param = "size"
    max_page_size = 3
    last_page_strings = ("last", "end")


class FixedPages(PageNumberPagination):
    page_size = 4
    page_size_query_param = None  # DRF's default: clients cannot choose the size


class Window(LimitOffsetPagination):
    default_limit = 3
    max_limit = 4
    limit_query_param = "n"
    offset_query_param = "skip"


class UnboundedPages(PageNumberPagination):
    max_page_size = None  # clients choose any size


class ByTitle(CursorPagination):
    ordering = "title"  # a string: one field, as in DRF
    page_size = 4
    cursor_query_param = "c"
    page_size_query_param = "size"
    max_page_size = 5


def _books(pagination, **attrs):
    return type(
        f"Books{pagination.__name__}",
        (ReadOnlyModelViewSet,),
        {
            "queryset": Book.objects.order_by("id"),
            "output_schema": BookRow,
            "pagination_class": pagination,
            **attrs,
        },
    )


class TitleValues(ReadOnlyModelViewSet):
    output_schema = BookRow
    pagination_class = ByTitle

    def get_queryset(self):
        return Book.objects.values("id", "title", "year")


class OrderedCursor(CursorPagination):
    page_size = 3


class CursorFollowsOrdering(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookRow
    pagination_class = OrderedCursor
    ordering_fields = ["year", "title"]


router = DefaultRouter()
router.register("paged", PagedBooks, basename="paged")
router.register("offset", OffsetBooks, basename="offset")
router.register("cursor", CursorBooks, basename="cursor")
router.register("plain", PlainBooks, basename="plain")
router.register("by-created", CursorByUnreadColumns, basename="by-created")
router.register("five", _books(FivePerPage), basename="five")
router.register("renamed", _books(RenamedPages), basename="renamed")
router.register("fixed", _books(FixedPages), basename="fixed")
router.register("window", _books(Window), basename="window")
router.register("by-title", _books(ByTitle), basename="by-title")
router.register("unbounded", _books(UnboundedPages), basename="unbounded")
router.register("title-values", TitleValues, basename="title-values")
router.register("cursor-ordering", CursorFollowsOrdering, basename="cursor-ordering")
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


# -- configured by class attributes --------------------------------------------------------


def _titles(r):
    assert r.status_code == 200, r
    body = r.json()
    return [b["title"] for b in body.get("items", body.get("results", []))]


def test_subclass_page_size_serves_that_many(client, books):
    r = client.get("/api/five/")
    assert _titles(r) == ["B00", "B01", "B02", "B03", "B04"]
    assert r.json()["count"] == 10


def test_renamed_query_params_and_max_page_size(client, books):
    assert _titles(client.get("/api/renamed/?p=2")) == ["B02", "B03"]
    assert _titles(client.get("/api/renamed/?p=2&size=3")) == ["B03", "B04", "B05"]
    assert _titles(client.get("/api/renamed/?size=100")) == ["B00", "B01", "B02"]  # clamped
    assert _titles(client.get("/api/renamed/?page=3&page_size=1")) == ["B00", "B01"]  # not ours
    r = client.get("/api/renamed/?p=0")
    assert r.status_code == 422, r
    assert r.json()["detail"][-1]["msg"] == "Input should be greater than or equal to 1"


def test_page_last_and_its_configured_strings(client, books):
    assert _titles(client.get("/api/five/?page=last")) == ["B05", "B06", "B07", "B08", "B09"]
    assert _titles(client.get("/api/renamed/?p=end")) == ["B08", "B09"]
    assert _titles(client.get("/api/renamed/?p=last&size=3")) == ["B09"]


def test_page_last_of_an_empty_list_is_the_empty_first_page(client, db):
    r = client.get("/api/five/?page=last")
    assert r.status_code == 200, r
    assert r.json() == {"items": [], "count": 0}


def test_empty_page_param_is_the_first_page(client, books):
    assert _titles(client.get("/api/five/?page=")) == ["B00", "B01", "B02", "B03", "B04"]
    assert _titles(client.get("/api/paged/?page=&page_size=")) == _titles(client.get("/api/paged/"))
    assert _titles(client.get("/api/window/?n=&skip=")) == ["B00", "B01", "B02"]


def test_page_that_is_neither_a_number_nor_last_is_one_422(client, books):
    r = client.get("/api/five/?page=first")
    assert r.status_code == 422, r
    (error,) = r.json()["detail"]
    assert error["msg"] == "Input should be a valid integer or 'last'"


def test_page_size_query_param_none_fixes_the_size(client, books):
    assert _titles(client.get("/api/fixed/?page_size=9")) == ["B00", "B01", "B02", "B03"]


def test_limit_offset_configured_by_attributes(client, books):
    assert _titles(client.get("/api/window/")) == ["B00", "B01", "B02"]  # default_limit
    assert _titles(client.get("/api/window/?n=2&skip=5")) == ["B05", "B06"]
    assert _titles(client.get("/api/window/?n=50")) == ["B00", "B01", "B02", "B03"]  # max_limit
    assert client.get("/api/window/?n=0").status_code == 422
    assert client.get("/api/window/?skip=-1").status_code == 422


def test_openapi_params_follow_the_configured_names():
    schema = api.get_openapi_schema(path_prefix="/api")

    def params(url):
        return {p["name"]: p for p in schema["paths"][url]["get"]["parameters"]}

    renamed = params("/api/renamed/")
    assert set(renamed) == {"p", "size"}
    assert {b.get("type") for b in renamed["p"]["schema"]["anyOf"]} == {"integer", "string"}
    assert {b.get("minimum") for b in renamed["p"]["schema"]["anyOf"]} == {1, None}
    assert set(params("/api/fixed/")) == {"page"}
    window = params("/api/window/")
    assert set(window) == {"n", "skip"}
    assert window["n"]["schema"]["default"] == 3
    assert set(params("/api/by-title/")) == {"c", "size"}


# -- cursor --------------------------------------------------------------------------------


def _walk(client, url, key="results"):
    pages = []
    while url:
        r = client.get(url.removeprefix("http://testserver"))
        assert r.status_code == 200, r
        pages.append(r.json())
        url = r.json()["next"]
    return pages


def test_cursor_ordering_string_is_one_field(client, books):
    Book.objects.filter(title="B03").update(title="A03")  # title order differs from id order
    pages = _walk(client, "/api/by-title/")
    titles = [b["title"] for p in pages for b in p["results"]]
    assert titles == sorted(b.title for b in Book.objects.all())
    assert [len(p["results"]) for p in pages] == [4, 4, 2]
    assert "?c=" in pages[0]["next"]


def test_cursor_page_size_query_param_and_max_page_size(client, books):
    assert len(client.get("/api/by-title/?size=2").json()["results"]) == 2
    assert len(client.get("/api/by-title/?size=100").json()["results"]) == 5  # max_page_size
    assert client.get("/api/by-title/?size=0").status_code == 422
    page = client.get("/api/by-title/?size=2").json()
    assert "size=2" in page["next"]  # the other parameters are kept
    nxt = client.get(page["next"].removeprefix("http://testserver")).json()
    assert [b["title"] for b in nxt["results"]] == ["B02", "B03"]


def test_cursor_on_a_values_queryset(client, books):
    pages = _walk(client, "/api/title-values/")
    assert [b["title"] for p in pages for b in p["results"]] == [f"B{i:02}" for i in range(10)]
    back = client.get(pages[-1]["previous"].removeprefix("http://testserver")).json()
    assert back["results"] == pages[-2]["results"]
    assert set(back["results"][0]) == {"id", "title", "year"}


def test_cursor_keeps_previous_on_an_empty_page_past_the_end(client, books):
    first = client.get("/api/by-title/").json()
    Book.objects.exclude(title__in=["B00", "B01", "B02", "B03"]).delete()
    empty = client.get(first["next"].removeprefix("http://testserver")).json()
    assert empty["results"] == [] and empty["next"] is None
    assert empty["previous"] is not None
    back = client.get(empty["previous"].removeprefix("http://testserver")).json()
    assert [b["title"] for b in back["results"]] == ["B00", "B01", "B02", "B03"]
    assert back["previous"] is None


def test_cursor_follows_the_viewsets_ordering_filter(client, books):
    pages = _walk(client, "/api/cursor-ordering/?ordering=year")
    assert [b["year"] for p in pages for b in p["results"]] == [1900 + 10 * i for i in range(10)]
    assert all("ordering=year" in p["next"] for p in pages[:-1])
    back = client.get(pages[-1]["previous"].removeprefix("http://testserver")).json()
    assert back["results"] == pages[-2]["results"]
    desc = _walk(client, "/api/cursor-ordering/?ordering=-year")
    assert [b["year"] for p in desc for b in p["results"]][:3] == [1990, 1980, 1970]
    default = client.get("/api/cursor-ordering/").json()  # no ?ordering: the cursor's own
    assert [b["title"] for b in default["results"]] == ["B09", "B08", "B07"]


def test_cursor_ordering_on_a_nullable_field_is_refused_at_register():
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ImproperlyConfigured

    class ByLogin(CursorPagination):
        ordering = "-last_login"

    class Users(ReadOnlyModelViewSet):
        queryset = get_user_model().objects.all()
        pagination_class = ByLogin

    with pytest.raises(ImproperlyConfigured, match=r"ByLogin.ordering includes 'last_login'"):
        DefaultRouter().register("users", Users, basename="users")

    class Sortable(ReadOnlyModelViewSet):
        queryset = get_user_model().objects.all()
        pagination_class = CursorPagination
        ordering_fields = ["username", "last_login"]

    # (its ordering filter backend's fields, where the viewset has filter backends)
    with pytest.raises(
        ImproperlyConfigured, match=r"Sortable(\.ordering_fields|'s OrderingFilter fields) includes"
    ):
        DefaultRouter().register("users", Sortable, basename="users")


def test_cursor_takes_the_ordering_of_a_filter_backend_with_get_ordering(rf, db):
    """DRF's contract: the first filter backend that has ``get_ordering()`` decides."""

    class ByYear:
        def get_ordering(self, request, queryset, view):
            return ("-year",) if request.GET.get("o") else None

    class View:
        filter_backends = (object, ByYear)

    cursor = OrderedCursor()
    assert cursor.get_ordering(rf.get("/", {"o": "1"}), Book.objects.all(), View()) == [
        "-year",
        "-pk",
    ]
    assert cursor.get_ordering(rf.get("/"), Book.objects.all(), View()) == ["-pk"]


def test_cursor_refuses_a_filter_backends_nullable_fields_at_register():
    """The backend with ``get_ordering()`` decides which fields clients may order by; a
    nullable one is refused at ``register()`` (DRF's ``get_ordering`` contract)."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ImproperlyConfigured

    class Ordering:
        def get_ordering(self, request, queryset, view):
            return None

        def get_valid_fields(self, queryset, view):
            return ["username", "last_login"]

        def filter_queryset(self, request, queryset, view):
            return queryset

    class Users(ReadOnlyModelViewSet):
        queryset = get_user_model().objects.all()
        pagination_class = CursorPagination
        filter_backends = [Ordering]

    with pytest.raises(ImproperlyConfigured, match=r"Users's Ordering fields includes 'last_log"):
        DefaultRouter().register("users", Users, basename="users")


HUGE = 2**63  # past any OFFSET / LIMIT a database takes


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        (f"paged/?page_size={HUGE}", [f"B{i:02}" for i in range(10)]),
        (f"renamed/?size={HUGE}", ["B00", "B01", "B02"]),
        (f"renamed/?p=2&size={HUGE * 1000}", ["B03", "B04", "B05"]),
        (f"window/?n={HUGE}", ["B00", "B01", "B02", "B03"]),
    ],
)
def test_a_huge_page_size_is_clamped_as_any_larger_one(client, books, query, titles):
    """Found by a newcomer: ``?page_size=2**63`` was a 422 at ``page`` saying "less than or
    equal to 0"; the size a client asks for is clamped to ``max_page_size`` first."""
    r = client.get(f"/api/{query}")
    assert r.status_code == 200, r
    assert _titles(r) == titles


@pytest.mark.parametrize(
    ("query", "name"),
    [(f"unbounded/?page_size={HUGE}", "page_size"), (f"offset/?limit={HUGE}", "limit")],
)
def test_an_unbounded_size_past_any_row_is_422_at_that_parameter(client, books, query, name):
    r = client.get(f"/api/{query}")
    assert r.status_code == 422, r
    [error] = r.json()["detail"]
    assert error["loc"] == ["query", name]
    assert error["msg"] == f"Input should be less than or equal to {HUGE - 1}"
    assert client.get(f"/api/{query.replace(str(HUGE), str(HUGE - 1))}").status_code == 200
