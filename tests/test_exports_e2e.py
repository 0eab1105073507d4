"""Streamed exports on a real uvicorn server, on SQLite and PostgreSQL: flat memory, and a
client that goes away stops the query.

100,000 rows by default (about 15-30 s a database on a 2-core machine);
``NINJA_VIEWSETS_EXPORT_ROWS=20000`` for a quicker run. The server shares the database: on
PostgreSQL the test database (``DATABASE_URL``), else a migrated SQLite file of its own.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connection

from tests.servers import ROOT, server_env, uvicorn
from tests.testapp.models import Author, Book

ROWS = int(os.environ.get("NINJA_VIEWSETS_EXPORT_ROWS", "100000"))
MIB = 1024 * 1024
TITLE = "book {} " + "x" * 60

pytestmark = pytest.mark.e2e


def _fill_postgres() -> str:
    author = Author.objects.create(name="Ann")
    for start in range(0, ROWS, 5000):
        Book.objects.bulk_create(
            Book(title=TITLE.format(i), year=1900 + i % 100, author=author)
            for i in range(start, min(start + 5000, ROWS))
        )
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _fill_sqlite(tmp: Path) -> str:
    """A migrated SQLite file with ROWS books, written in one transaction."""
    url = f"sqlite:///{tmp / 'db.sqlite3'}"
    env = server_env(DJANGO_SETTINGS_MODULE="tests.settings", DATABASE_URL=url)
    done = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if done.returncode:
        pytest.fail(f"migrate failed:\n{done.stderr}")
    with closing(sqlite3.connect(tmp / "db.sqlite3")) as db, db:
        author = db.execute(f"INSERT INTO {Author._meta.db_table} (name) VALUES ('Ann')").lastrowid
        db.executemany(
            f"INSERT INTO {Book._meta.db_table} (title, year, author_id, created) "
            f"VALUES (?, ?, ?, '2024-05-06 07:08:09')",
            ((TITLE.format(i), 1900 + i % 100, author) for i in range(ROWS)),
        )
    return url


@pytest.fixture
def server(transactional_db: None, tmp_path: Path) -> Iterator[str]:
    """The test API of tests/test_exports.py under uvicorn, with ROWS books committed."""
    url = _fill_postgres() if connection.vendor == "postgresql" else _fill_sqlite(tmp_path)
    env = server_env(
        DJANGO_SETTINGS_MODULE="tests.settings", DATABASE_URL=url, TEST_URLCONF="tests.test_exports"
    )
    with uvicorn("tests.asgi:application", env, ready_path="/state/") as base:
        yield base


def test_a_large_export_streams_in_flat_memory(server: str) -> None:
    import httpx

    with httpx.Client(base_url=server, timeout=120) as http:
        assert http.get("/api/big/?format=csv&search=book 1 ").status_code == 200  # warm up
        before = http.get("/state/").json()
        lines = 0
        started = time.monotonic()
        with http.stream("GET", "/api/big/?format=csv") as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "text/csv; charset=utf-8"
            for _ in response.iter_lines():
                lines += 1
        took = time.monotonic() - started
        after = http.get("/state/").json()
    assert lines == ROWS + 1  # the header, then every row
    growth = after["peak"] - before["rss"]
    # read with `pytest -rP` (the numbers in the docs' Exports page come from here)
    print(f"{connection.vendor}: {ROWS} rows in {took:.1f} s, RSS +{growth / MIB:.1f} MiB peak")
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
