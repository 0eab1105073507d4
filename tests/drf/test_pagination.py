"""DRF's ``tests/test_pagination.py``, ported: page numbers, limit/offset, cursors.

Each test keeps DRF's name and says which DRF test it ports. DRF's tests call the paginator on
a ``range(1, 101)``; here a viewset serves ``CursorPaginationModel`` rows whose ``created`` is
the same sequence, through HTTP. Differences adapted (listed in ``docs/coming-from-drf.md``):

- page numbers and limit/offset answer Ninja's ``{"items": [...], "count": N}`` (no
  ``next``/``previous`` links; DRF's link assertions are dropped); cursors answer DRF's
  ``{"results", "next", "previous"}``;
- an invalid ``page``/``limit``/``page_size`` (``0``, ``abc``) is a 422 on that parameter, not
  DRF's fallback to the default (or 404 "Invalid page."); a page past the end is empty;
- an invalid cursor is a 400 ``{"detail": "Invalid cursor."}`` (DRF: 404);
- the cursor is a keyset on every ordering field plus the primary key, so DRF's "paging
  artifacts" (pages re-showing rows with equal ``created`` values) do not happen: the pages
  are exact.

Not ported (see ``tests/drf/README.md``): the browsable API's HTML controls
(``get_html_context``, ``to_html``, ``_get_displayed_page_numbers``), the OpenAPI response
schemas of DRF's own generator, and the unpaginated-when-no-limit case (DRF's ``default_limit
= None``; here ``pagination_class = None`` is the way, tested in ``TestPaginationDisabled``).
"""

from __future__ import annotations

import pytest
from django.db.models.functions import Mod
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet
from ninja_viewsets._cursor import _encode
from ninja_viewsets.pagination import (
    CursorPagination,
    LimitOffsetPagination,
    PageNumberPagination,
)
from tests.testapp.models import CursorPaginationModel


class Row(Schema):
    created: int


class BasicPagination(PageNumberPagination):
    page_size = 5
    page_size_query_param = "page_size"
    max_page_size = 20


class ExamplePagination(PageNumberPagination):
    page_size = 5


class ExampleLimitOffset(LimitOffsetPagination):
    default_limit = 10
    max_limit = 15


class ExampleCursor(CursorPagination):
    page_size = 5
    page_size_query_param = "page_size"
    max_page_size = 20
    ordering = "created"


def rows(pagination, *, even=False, values=False):
    def get_queryset(self):
        queryset = CursorPaginationModel.objects.order_by("created")
        if even:  # DRF's EvenItemsOnly filter backend
            queryset = queryset.alias(odd=Mod("created", 2)).filter(odd=0)
        return queryset.values("created", "id") if values else queryset

    return type(
        f"Rows{pagination.__name__ if pagination else 'Unpaginated'}",
        (ReadOnlyModelViewSet,),
        {
            "queryset": CursorPaginationModel.objects.all(),
            "output_schema": Row,
            "pagination_class": pagination,
            "get_queryset": get_queryset,
        },
    )


router = DefaultRouter()
router.register("integration", rows(BasicPagination, even=True), basename="integration")
router.register("disabled", rows(None), basename="disabled")
router.register("page-number", rows(ExamplePagination), basename="page-number")
router.register("limit-offset", rows(ExampleLimitOffset), basename="limit-offset")
router.register("cursor", rows(ExampleCursor), basename="cursor")
router.register("cursor-values", rows(ExampleCursor, values=True), basename="cursor-values")
api = NinjaAPI(urls_namespace="drf-pagination")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def hundred(db):
    """DRF's ``queryset = range(1, 101)``."""
    CursorPaginationModel.objects.bulk_create(
        CursorPaginationModel(created=i) for i in range(1, 101)
    )


def items(client, url):
    response = client.get(url)
    assert response.status_code == 200, response
    body = response.json()
    return [row["created"] for row in body["items"]], body["count"]


def error(client, url, name):
    response = client.get(url)
    assert response.status_code == 422, response
    assert response.json()["detail"][0]["loc"][-1] == name
    return response


# -- TestPaginationIntegration -----------------------------------------------------------------


def test_filtered_items_are_paginated(client, hundred):
    """DRF test_pagination.py TestPaginationIntegration.test_filtered_items_are_paginated."""
    assert items(client, "/api/integration/?page=2") == ([12, 14, 16, 18, 20], 50)


def test_setting_page_size(client, hundred):
    """DRF test_pagination.py TestPaginationIntegration.test_setting_page_size."""
    assert items(client, "/api/integration/?page_size=10") == (list(range(2, 21, 2)), 50)


def test_setting_page_size_over_maximum(client, hundred):
    """DRF test_pagination.py TestPaginationIntegration.test_setting_page_size_over_maximum."""
    assert items(client, "/api/integration/?page_size=1000") == (list(range(2, 41, 2)), 50)


def test_setting_page_size_to_zero(client, hundred):
    """DRF test_pagination.py TestPaginationIntegration.test_setting_page_size_to_zero.

    Adapted: 422 on ``page_size`` (DRF falls back to the default size).
    """
    error(client, "/api/integration/?page_size=0", "page_size")


def test_additional_query_params_are_preserved(client, hundred):
    """DRF test_pagination.py TestPaginationIntegration.test_additional_query_params_are_preserved.

    Adapted: no page links in the envelope; an unknown parameter does not disturb the page.
    """
    assert items(client, "/api/integration/?page=2&filter=even") == ([12, 14, 16, 18, 20], 50)


def test_empty_query_params_are_preserved(client, hundred):
    """DRF test_pagination.py TestPaginationIntegration.test_empty_query_params_are_preserved."""
    assert items(client, "/api/integration/?page=2&filter=") == ([12, 14, 16, 18, 20], 50)


def test_404_not_found_for_zero_page(client, hundred):
    """DRF test_pagination.py TestPaginationIntegration.test_404_not_found_for_zero_page.

    Adapted: 422 on ``page`` (DRF: 404 "Invalid page.").
    """
    error(client, "/api/integration/?page=0", "page")


def test_404_not_found_for_invalid_page(client, hundred):
    """DRF test_pagination.py TestPaginationIntegration.test_404_not_found_for_invalid_page.

    Adapted: 422 on ``page`` (DRF: 404 "Invalid page.").
    """
    error(client, "/api/integration/?page=invalid", "page")


# -- TestPaginationDisabledIntegration --------------------------------------------------------


def test_unpaginated_list(client, hundred):
    """DRF test_pagination.py TestPaginationDisabledIntegration.test_unpaginated_list."""
    response = client.get("/api/disabled/")
    assert [row["created"] for row in response.json()] == list(range(1, 101))


# -- TestPageNumberPagination ------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/page-number/", "/api/page-number/?page="])
def test_no_page_number(client, hundred, url):
    """DRF test_pagination.py TestPageNumberPagination.test_no_page_number."""
    assert items(client, url) == ([1, 2, 3, 4, 5], 100)


def test_second_page(client, hundred):
    """DRF test_pagination.py TestPageNumberPagination.test_second_page."""
    assert items(client, "/api/page-number/?page=2") == ([6, 7, 8, 9, 10], 100)


def test_last_page(client, hundred):
    """DRF test_pagination.py TestPageNumberPagination.test_last_page."""
    assert items(client, "/api/page-number/?page=last") == ([96, 97, 98, 99, 100], 100)


def test_invalid_page(client, hundred):
    """DRF test_pagination.py TestPageNumberPagination.test_invalid_page.

    Adapted: 422 on ``page`` (DRF: ``NotFound``).
    """
    error(client, "/api/page-number/?page=invalid", "page")


# -- TestLimitOffset ---------------------------------------------------------------------------


def test_no_offset(client, hundred):
    """DRF test_pagination.py TestLimitOffset.test_no_offset."""
    assert items(client, "/api/limit-offset/?limit=5") == ([1, 2, 3, 4, 5], 100)


def test_single_offset(client, hundred):
    """DRF test_pagination.py TestLimitOffset.test_single_offset."""
    assert items(client, "/api/limit-offset/?limit=5&offset=1") == ([2, 3, 4, 5, 6], 100)


def test_first_offset(client, hundred):
    """DRF test_pagination.py TestLimitOffset.test_first_offset."""
    assert items(client, "/api/limit-offset/?limit=5&offset=5") == ([6, 7, 8, 9, 10], 100)


def test_middle_offset(client, hundred):
    """DRF test_pagination.py TestLimitOffset.test_middle_offset."""
    assert items(client, "/api/limit-offset/?limit=5&offset=10") == ([11, 12, 13, 14, 15], 100)


def test_ending_offset(client, hundred):
    """DRF test_pagination.py TestLimitOffset.test_ending_offset."""
    assert items(client, "/api/limit-offset/?limit=5&offset=95") == ([96, 97, 98, 99, 100], 100)


def test_erroneous_offset(client, hundred):
    """DRF test_pagination.py TestLimitOffset.test_erroneous_offset: past the end, empty."""
    assert items(client, "/api/limit-offset/?limit=5&offset=1000") == ([], 100)


def test_invalid_offset(client, hundred):
    """DRF test_pagination.py TestLimitOffset.test_invalid_offset.

    Adapted: 422 on ``offset`` (DRF: offset 0).
    """
    error(client, "/api/limit-offset/?limit=5&offset=invalid", "offset")


def test_invalid_limit(client, hundred):
    """DRF test_pagination.py TestLimitOffset.test_invalid_limit.

    Adapted: 422 on ``limit`` (DRF: ``default_limit``); no ``limit``: ``default_limit``.
    """
    error(client, "/api/limit-offset/?limit=invalid&offset=0", "limit")
    assert items(client, "/api/limit-offset/?offset=0") == (list(range(1, 11)), 100)


def test_zero_limit(client, hundred):
    """DRF test_pagination.py TestLimitOffset.test_zero_limit.

    Adapted: 422 on ``limit`` (DRF: ``default_limit``).
    """
    error(client, "/api/limit-offset/?limit=0&offset=0", "limit")


def test_max_limit(client, hundred):
    """DRF test_pagination.py TestLimitOffset.test_max_limit: a larger limit is max_limit."""
    assert items(client, "/api/limit-offset/?limit=20&offset=10") == (list(range(11, 26)), 100)


# -- TestCursorPagination / TestCursorPaginationWithValueQueryset -----------------------------

CREATED = [1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 5, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 9, 9, 9, 9, 9, 9]


@pytest.fixture
def cursor_rows(db):
    """DRF's cursor fixture: 30 rows, ``created`` with runs of equal values."""
    CursorPaginationModel.objects.bulk_create(CursorPaginationModel(created=c) for c in CREATED)


@pytest.fixture(params=["cursor", "cursor-values"])
def get_pages(request, client, cursor_rows):
    """DRF's ``get_pages(url)``: (previous, current, next, previous_url, next_url).

    Runs once on a model queryset (TestCursorPagination) and once on ``.values()``
    (TestCursorPaginationWithValueQueryset).
    """
    base = f"/api/{request.param}/"

    def fetch(url):
        response = client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200, response
        body = response.json()
        return [row["created"] for row in body["results"]], body["previous"], body["next"]

    def pages(url):
        url = base + url.removeprefix("http://testserver").removeprefix(base).removeprefix("/")
        current, previous_url, next_url = fetch(url)
        previous = fetch(previous_url)[0] if previous_url else None
        nxt = fetch(next_url)[0] if next_url else None
        return previous, current, nxt, previous_url, next_url

    return pages


def test_invalid_cursor(client, cursor_rows):
    """DRF test_pagination.py CursorPaginationTestsMixin.test_invalid_cursor.

    Adapted: 400 ``Invalid cursor.`` (DRF: 404).
    """
    response = client.get("/api/cursor/?cursor=123")
    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid cursor."


def test_cursor_pagination(get_pages):
    """DRF test_pagination.py CursorPaginationTestsMixin.test_cursor_pagination.

    Adapted: exact pages where DRF's offset cursor shows paging artifacts.
    """
    previous, current, nxt, previous_url, next_url = get_pages("/")
    assert previous is None
    assert current == [1, 1, 1, 1, 1]
    assert nxt == [1, 2, 3, 4, 4]

    previous, current, nxt, previous_url, next_url = get_pages(next_url)
    assert previous == [1, 1, 1, 1, 1]
    assert current == [1, 2, 3, 4, 4]
    assert nxt == [4, 4, 5, 6, 7]

    previous, current, nxt, previous_url, next_url = get_pages(next_url)
    assert previous == [1, 2, 3, 4, 4]
    assert current == [4, 4, 5, 6, 7]
    assert nxt == [7, 7, 7, 7, 7]

    previous, current, nxt, previous_url, next_url = get_pages(next_url)
    assert previous == [4, 4, 5, 6, 7]  # DRF: [4, 4, 4, 5, 6] (paging artifact)
    assert current == [7, 7, 7, 7, 7]
    assert nxt == [7, 7, 7, 8, 9]

    previous, current, nxt, previous_url, next_url = get_pages(next_url)
    assert previous == [7, 7, 7, 7, 7]
    assert current == [7, 7, 7, 8, 9]
    assert nxt == [9, 9, 9, 9, 9]

    previous, current, nxt, previous_url, next_url = get_pages(next_url)
    assert previous == [7, 7, 7, 8, 9]
    assert current == [9, 9, 9, 9, 9]
    assert nxt is None

    previous, current, nxt, previous_url, next_url = get_pages(previous_url)
    assert previous == [7, 7, 7, 7, 7]
    assert current == [7, 7, 7, 8, 9]
    assert nxt == [9, 9, 9, 9, 9]

    previous, current, nxt, previous_url, next_url = get_pages(previous_url)
    assert previous == [4, 4, 5, 6, 7]
    assert current == [7, 7, 7, 7, 7]
    assert nxt == [7, 7, 7, 8, 9]  # DRF: [8, 9, 9, 9, 9] (paging artifact)

    previous, current, nxt, previous_url, next_url = get_pages(previous_url)
    assert previous == [1, 2, 3, 4, 4]
    assert current == [4, 4, 5, 6, 7]
    assert nxt == [7, 7, 7, 7, 7]

    previous, current, nxt, previous_url, next_url = get_pages(previous_url)
    assert previous == [1, 1, 1, 1, 1]
    assert current == [1, 2, 3, 4, 4]
    assert nxt == [4, 4, 5, 6, 7]

    previous, current, nxt, previous_url, next_url = get_pages(previous_url)
    assert previous is None
    assert current == [1, 1, 1, 1, 1]
    assert nxt == [1, 2, 3, 4, 4]


def _position(created, reverse):
    """A cursor at a position past every row (DRF: ``Cursor(position=100)``)."""
    return "?cursor=" + _encode({"v": [created, 10**9], "r": reverse})


def test_cursor_pagination_current_page_empty_forward(get_pages):
    """DRF test_pagination.py CursorPaginationTestsMixin
    .test_cursor_pagination_current_page_empty_forward (regression #6504)."""
    previous, current, nxt, previous_url, next_url = get_pages(_position(100, False))
    assert current == [] and nxt is None
    previous, current, nxt, previous_url, next_url = get_pages(previous_url)
    assert previous == [7, 7, 7, 8, 9]
    assert current == [9, 9, 9, 9, 9]
    assert nxt == []
    assert previous_url is not None
    assert next_url is not None


def test_cursor_pagination_current_page_empty_reverse(get_pages):
    """DRF test_pagination.py CursorPaginationTestsMixin
    .test_cursor_pagination_current_page_empty_reverse (regression #6504).

    Adapted: a reverse cursor past the end is the last page (exact, no artifact).
    """
    previous, current, nxt, previous_url, next_url = get_pages(_position(100, True))
    assert current == [9, 9, 9, 9, 9]
    previous, current, nxt, previous_url, next_url = get_pages(next_url)
    assert previous == [9, 9, 9, 9, 9]  # DRF: [7, 7, 7, 7, 8]
    assert current == []
    assert nxt is None
    assert previous_url is not None
    assert next_url is None


def test_cursor_pagination_with_page_size(get_pages):
    """DRF test_pagination.py CursorPaginationTestsMixin.test_cursor_pagination_with_page_size."""
    previous, current, nxt, _, next_url = get_pages("/?page_size=20")
    assert previous is None
    assert current == CREATED[:20]
    assert nxt == CREATED[20:]
    previous, current, nxt, _previous_url, next_url = get_pages(next_url)
    assert previous == CREATED[:20]
    assert current == CREATED[20:]
    assert nxt is None


def test_cursor_pagination_with_page_size_over_limit(get_pages):
    """DRF test_pagination.py CursorPaginationTestsMixin
    .test_cursor_pagination_with_page_size_over_limit: clamped to max_page_size."""
    previous, current, nxt, _, next_url = get_pages("/?page_size=30")
    assert previous is None
    assert current == CREATED[:20]
    assert nxt == CREATED[20:]
    previous, current, nxt, _previous_url, next_url = get_pages(next_url)
    assert previous == CREATED[:20]
    assert current == CREATED[20:]
    assert nxt is None


@pytest.mark.parametrize(
    ("test", "value"),
    [
        ("test_cursor_pagination_with_page_size_zero", 0),
        ("test_cursor_pagination_with_page_size_negative", -5),
    ],
)
def test_cursor_pagination_with_invalid_page_size(client, cursor_rows, test, value):
    """DRF test_pagination.py CursorPaginationTestsMixin.<test>.

    Adapted: 422 on ``page_size`` (DRF pages with the default size).
    """
    error(client, f"/api/cursor/?page_size={value}", "page_size")


@pytest.mark.parametrize(
    ("query", "ordering", "expected"),
    [
        ({"ordering": "username"}, "created", ["username", "pk"]),
        ({"ordering": "-username"}, "created", ["-username", "-pk"]),
        ({"ordering": "invalid"}, "created", ["created", "pk"]),
        ({}, None, ["created", "pk"]),
        ({"ordering": "username"}, None, ["username", "pk"]),
        ({"ordering": "invalid"}, None, ["created", "pk"]),
    ],
)
def test_use_with_ordering_filter(rf, query, ordering, expected):
    """DRF test_pagination.py CursorPaginationTestsMixin.test_use_with_ordering_filter and
    .test_use_with_ordering_filter_without_ordering_default_value.

    Adapted: the ordering ends with the primary key (positions are unique), and the
    viewset's ordering filter is its ``ordering_fields``.
    """
    from django.contrib.auth.models import User

    class MockView:
        ordering_fields = ["username", "created"]

    view = MockView()
    view.ordering = ordering
    pagination = ExampleCursor()
    request = rf.get("/", query)
    assert pagination.get_ordering(request, User.objects.all(), view) == expected
