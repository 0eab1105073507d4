"""Private: what a database error means for the client: unavailable (503), worth one retry,
or a value too long for its column (422 at the field).

    if is_retryable(exc):            # a deadlock or serialization failure: run it once more
        ...
    if database_unavailable(exc):    # connection lost or refused, shutting down, timeout: 503
        ...

Public through ``ninja_viewsets.exceptions`` (its ``exception_handler`` answers with them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import DatabaseError, DataError, IntegrityError, InterfaceError
from django.db.models import CharField, Model
from django.db.models.sql.subqueries import InsertQuery, UpdateQuery

__all__ = ["NUL_MESSAGE", "database_unavailable", "is_retryable", "too_long_field"]


# -- database errors ---------------------------------------------------------------------------
#
# Only an unavailable database is a 503: the connection lost or refused, the server shutting
# down or out of connections, a timeout, a lock not granted in time. A missing table or column
# or bad SQL is a bug: a 500, logged with its traceback. Deadlocks and serialization failures
# are transient: the request's transaction is retried once (see APIView.run in views.py), then 503.

_UNAVAILABLE_STATES = ("08", "53", "57P01", "57P02", "57P03", "57014", "55P03", "58")
_RETRY_STATES = ("40001", "40P01")
_UNAVAILABLE_WORDS = (
    "connection",
    "could not connect",
    "server closed",
    "terminat",
    "timeout",
    "timed out",
    "database is locked",
    "table is locked",
    "unable to open database",
    "disk i/o error",
    "too many clients",
    "lock wait",
    "gone away",
)


def _sqlstate(error: BaseException) -> str | None:
    cause: BaseException | None = error
    while cause is not None:
        state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        if isinstance(state, str):
            return state
        cause = cause.__cause__
    return None


def is_retryable(error: BaseException) -> bool:
    """A deadlock or serialization failure: the transaction may succeed when run again."""
    if not isinstance(error, DatabaseError):
        return False
    state = _sqlstate(error)
    if state is not None:
        return state in _RETRY_STATES
    message = str(error).lower()
    return "deadlock" in message or "could not serialize" in message


def database_unavailable(error: BaseException) -> bool:
    """The database cannot be reached or did not answer in time (not a bug in the query)."""
    if isinstance(error, InterfaceError):  # the connection is closed / unusable
        return True
    if not isinstance(error, DatabaseError) or isinstance(error, IntegrityError | DataError):
        return False
    if is_retryable(error):
        return True  # still failing after the retry: transient contention
    state = _sqlstate(error)
    if state is not None:
        return state.startswith(_UNAVAILABLE_STATES)
    message = str(error).lower()
    return any(word in message for word in _UNAVAILABLE_WORDS)


# PostgreSQL names the type of an over-long string, never its column: the field is found on
# the instance (or the UPDATE's values) being written when it failed, read off the traceback.
_TOO_LONG = re.compile(r"value too long for type character varying\((\d+)\)")
_TOO_LONG_FRAMES = 200  # how deep to look (the request's frames, then the ORM's)


def too_long_field(error: BaseException) -> tuple[str, int] | None:
    """``(field name, max_length)`` of the string that made PostgreSQL refuse a write
    (``value too long for type character varying(N)``), or ``None`` when it is not found.

    The write's model instances (``Model.save()``, ``bulk_create()``) or values
    (``QuerySet.update()``) are still on the frames of the error's traceback: the first
    ``CharField`` value longer than its ``max_length`` (``N``) is the one.
    """
    match = _TOO_LONG.search(str(error))
    if match is None:
        return None
    limit = int(match.group(1))
    tb = error.__traceback__
    frames = 0
    while tb is not None and frames < _TOO_LONG_FRAMES:
        for value in _written(tb.tb_frame.f_locals):
            found = _over_long(value, limit)
            if found is not None:
                return found, limit
        tb = tb.tb_next
        frames += 1
    return None


def _written(local_vars: Mapping[str, Any]) -> list[Any]:
    """What a frame of the ORM's write path is writing: instances, or ``(field, value)``s."""
    out: list[Any] = []
    for name in ("self", "obj", "instance", "objs"):
        value = local_vars.get(name)
        if isinstance(value, Model):
            out.append(value)
        elif name == "objs" and isinstance(value, list | tuple):
            out.extend(v for v in value if isinstance(v, Model))
        elif name == "self" and value is not None:  # a SQL compiler: its INSERT's objects,
            try:  # its UPDATE's values
                query = getattr(value, "query", None)
            except Exception:  # any object's property: only looking
                continue
            if isinstance(query, InsertQuery):
                out.extend(v for v in query.objs if isinstance(v, Model))
            elif isinstance(query, UpdateQuery):
                out.extend((f, v) for f, _, v in getattr(query, "values", ()))
    return out


def _over_long(written: Any, limit: int) -> str | None:
    if isinstance(written, tuple):
        fields = [written]
    else:
        fields = [
            (f, getattr(written, f.attname, None))
            for f in written._meta.concrete_fields
            if isinstance(f, CharField)
        ]
    for fld, value in fields:
        if (
            isinstance(fld, CharField)
            and fld.max_length == limit
            and isinstance(value, str)
            and len(value) > limit
        ):
            return str(fld.name)
    return None


_NUL = "NUL (0x00)"  # psycopg: "PostgreSQL text fields cannot contain NUL (0x00) bytes"
NUL_MESSAGE = "Null characters are not allowed."
