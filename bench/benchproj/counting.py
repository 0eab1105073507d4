"""Per-request counters for the separate count pass (BENCH_COUNT=1), never for timed runs.

- queries: every ``execute``/``executemany`` through Django's ``CursorWrapper`` (the ORM's path),
  whichever thread or connection runs it;
- hops: every ``asgiref.sync.SyncToAsync.__call__`` (each ``sync_to_async`` thread hop,
  including those inside Django's own async ORM methods and the one Django adds to run a
  sync view such as DRF's).

- columns and joins: of every ``SELECT`` reading rows (not a ``COUNT``): the ``"table"."column"``
  pairs before its ``FROM``, and its ``JOIN``s (the sparse-fields phase reports them).

The counters live in a context variable holding a mutable dict: ``sync_to_async`` copies the
context into its thread, so the worker thread increments the same dict. The middleware exposes
them as ``X-Bench-Queries`` / ``X-Bench-Hops`` / ``X-Bench-Columns`` / ``X-Bench-Joins``
response headers.
"""

from __future__ import annotations

import contextvars
import re
from typing import Any

from asgiref.sync import SyncToAsync, iscoroutinefunction, markcoroutinefunction
from django.db.backends.utils import CursorWrapper

_current: contextvars.ContextVar[dict[str, int] | None] = contextvars.ContextVar(
    "bench_counts", default=None
)


def _bump(key: str) -> None:
    counts = _current.get()
    if counts is not None:
        counts[key] += 1


def _read(sql: Any) -> None:
    counts = _current.get()
    if counts is None or not isinstance(sql, str) or not sql.lstrip().upper().startswith("SELECT"):
        return
    if "COUNT(" in sql.upper():
        return
    head = sql.split(" FROM ", 1)[0]
    counts["columns"] += len(re.findall(r'"\w+"\."\w+"', head))
    counts["joins"] += sql.count(" JOIN ")


def _install() -> None:
    if getattr(CursorWrapper, "_bench_counted", False):
        return
    execute, executemany = CursorWrapper.execute, CursorWrapper.executemany

    def counted_execute(self: Any, sql: Any, params: Any = None) -> Any:
        _bump("queries")
        _read(sql)
        return execute(self, sql, params)

    def counted_executemany(self: Any, sql: Any, param_list: Any) -> Any:
        _bump("queries")
        return executemany(self, sql, param_list)

    CursorWrapper.execute = counted_execute  # type: ignore[method-assign]
    CursorWrapper.executemany = counted_executemany  # type: ignore[method-assign]
    CursorWrapper._bench_counted = True  # type: ignore[attr-defined]

    call = SyncToAsync.__call__

    async def counted_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        _bump("hops")
        return await call(self, *args, **kwargs)

    SyncToAsync.__call__ = counted_call  # type: ignore[method-assign]


_install()


class CountingMiddleware:
    async_capable = True
    sync_capable = False

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        assert iscoroutinefunction(get_response)
        markcoroutinefunction(self)

    async def __call__(self, request: Any) -> Any:
        counts = {"queries": 0, "hops": 0, "columns": 0, "joins": 0}
        token = _current.set(counts)
        try:
            response = await self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Bench-Queries"] = str(counts["queries"])
        response["X-Bench-Hops"] = str(counts["hops"])
        response["X-Bench-Columns"] = str(counts["columns"])
        response["X-Bench-Joins"] = str(counts["joins"])
        return response
