"""ninja_viewsets._cursor: the opaque cursor of ``CursorPagination`` (the HTTP behaviour is in
tests/test_pagination.py and tests/drf/test_pagination.py)."""

from __future__ import annotations

import base64

import pytest

from ninja_viewsets._cursor import _decode, _encode
from ninja_viewsets._paging import InvalidPage
from ninja_viewsets.pagination import CursorPagination


def test_a_cursor_round_trips_its_position_without_padding():
    payload = {"v": [3, "2024-01-01"], "r": True, "i": True}
    cursor = _encode(payload)
    assert "=" not in cursor and "/" not in cursor and "+" not in cursor
    assert _decode(cursor) == payload


@pytest.mark.parametrize(
    "cursor",
    [
        "!!!",  # not base64
        base64.urlsafe_b64encode(b"not json").decode(),
        _encode([1, 2]),  # JSON, but not an object
        _encode({"v": "1"}),  # the values are not a list
        _encode({"v": [1], "r": "yes"}),  # the direction is not a bool
    ],
)
def test_a_forged_cursor_is_a_400_invalid_cursor(cursor):
    with pytest.raises(InvalidPage) as caught:
        _decode(cursor)
    assert caught.value.status_code == 400
    assert caught.value.body()["code"] == "invalid_cursor"


def test_cursor_pagination_is_reexported_where_drf_users_look():
    from ninja_viewsets import _cursor

    assert CursorPagination is _cursor.CursorPagination
    assert CursorPagination.__module__ == "ninja_viewsets._cursor"
