"""Streamed exports on a real uvicorn server (PostgreSQL): flat memory, and a client that goes
away stops the query.

20,000 rows by default (seconds); ``NINJA_VIEWSETS_EXPORT_ROWS=100000`` for the full-size run.
"""

from __future__ import annotations

import os
import time

import pytest
from django.db import connection

from tests.servers import server_env, uvicorn
from tests.testapp.models import Author, Book

ROWS = int(os.environ.get("NINJA_VIEWSETS_EXPORT_ROWS", "20000"))
MIB = 1024 * 1024

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(transactional_db):
    """The test API of tests/test_exports.py under uvicorn, with ROWS books committed."""
    if connection.vendor != "postgresql":
        pytest.skip("the server shares the database: PostgreSQL (DATABASE_URL)")
    author = Author.objects.create(name="Ann")
    for start in range(0, ROWS, 5000):
        Book.objects.bulk_create(
            Book(title=f"book {i} " + "x" * 60, year=1900 + i % 100, author=author)
            for i in range(start, min(start + 5000, ROWS))
        )
    db = connection.settings_dict
    env = server_env(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        TEST_URLCONF="tests.test_exports",
    )
    with uvicorn("tests.asgi:application", env, ready_path="/state/") as url:
        yield url


def test_a_large_export_streams_in_flat_memory(server: str) -> None:
    import httpx

    with httpx.Client(base_url=server, timeout=120) as http:
        assert http.get("/api/big/?format=csv&search=book 1 ").status_code == 200  # warm up
        before = http.get("/state/").json()
        lines = 0
        with http.stream("GET", "/api/big/?format=csv") as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "text/csv; charset=utf-8"
            for _ in response.iter_lines():
                lines += 1
        after = http.get("/state/").json()
    assert lines == ROWS + 1  # the header, then every row
    growth = after["peak"] - before["rss"]
    assert growth < 64 * MIB, f"RSS grew by {growth / MIB:.1f} MiB exporting {ROWS} rows"
    assert f"export of testapp.Book finished: {ROWS} rows" in after["log"]


def test_a_client_going_away_stops_the_query(server: str) -> None:
    import httpx

    with httpx.Client(base_url=server, timeout=60) as http:
        with http.stream("GET", "/api/big/?format=jsonl") as response:
            assert response.status_code == 200
            next(response.iter_bytes())  # the first chunk, then hang up
        # the connection is closed: the server notices, the iteration stops
        deadline = time.monotonic() + 20
        while True:
            log = http.get("/state/").json()["log"]
            stopped = [line for line in log if "stopped after" in line]
            if stopped or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert stopped, log
    rows = int(stopped[-1].split("stopped after ")[1].split()[0])
    assert rows < ROWS, stopped
    assert not any("finished" in line for line in log)
