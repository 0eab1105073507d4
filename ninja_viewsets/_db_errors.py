"""Private: what a database error means for the client: unavailable (503), worth one retry,
or a value its column cannot hold (too long, out of range, a NUL character: 422 at the field).

    if is_retryable(exc):            # a deadlock or serialization failure: run it once more
        ...
    if database_unavailable(exc):    # connection lost or refused, shutting down, timeout: 503
        ...

Public through ``ninja_viewsets.exceptions`` (its ``exception_handler`` answers with them).
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Mapping
from typing import Any

from django.db import DatabaseError, DataError, IntegrityError, InterfaceError, connection
from django.db.models import CharField, IntegerField, Model
from django.db.models.sql.subqueries import InsertQuery, UpdateQuery

__all__ = [
    "NUL_MESSAGE",
    "database_unavailable",
    "is_retryable",
    "nul_field",
    "out_of_range_field",
    "too_long_field",
]


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


# PostgreSQL names the type of an over-long string or integer, never its column (nor the column
# of a NUL character): the field is found on the instance (or the UPDATE's values) being written
# when it failed, read off the traceback.
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

    def over_long(fld: Any, value: Any) -> bool:
        return (
            isinstance(fld, CharField)
            and fld.max_length == limit
            and isinstance(value, str)
            and len(value) > limit
        )

    found = _written_field(error, over_long)
    return (found[0], limit) if found is not None else None


def nul_field(error: BaseException) -> str | None:
    """The field whose string holds the NUL character PostgreSQL refused, or ``None``."""
    found = _written_field(error, lambda fld, value: isinstance(value, str) and "\x00" in value)
    return found[0] if found is not None else None


def out_of_range_field(error: BaseException) -> tuple[str, str, str] | None:
    """``(field name, type, message)`` for the integer its column cannot hold (PostgreSQL's
    ``integer out of range``, SQLite's ``OverflowError`` past 64 bits), or ``None``.

    The bounds are the column's (``connection.ops.integer_field_range()``), as Django's own
    validators of an ``IntegerField`` state them.
    """

    def outside(fld: Any, value: Any) -> bool:
        bounds = _bounds(fld)
        return (
            bounds is not None
            and isinstance(value, int)
            and not isinstance(value, bool)
            and not bounds[0] <= value <= bounds[1]
        )

    found = _written_field(error, outside)
    if found is None:
        return None
    name, fld, value = found
    low, high = typing.cast(tuple[int, int], _bounds(fld))
    if value > high:
        return name, "less_than_equal", f"Ensure this value is less than or equal to {high}."
    return name, "greater_than_equal", f"Ensure this value is greater than or equal to {low}."


def _bounds(fld: Any) -> tuple[int, int] | None:
    if not isinstance(fld, IntegerField):  # AutoFields too
        return None
    try:
        low, high = connection.ops.integer_field_range(fld.get_internal_type())
    except KeyError:  # a custom integer field of another column type: not ours to bound
        return None
    if low is None or high is None:
        return None
    return int(low), int(high)


def _written_field(
    error: BaseException, refused: Callable[[Any, Any], bool]
) -> tuple[str, Any, Any] | None:
    """``(name, field, value)`` of the first value being written when ``error`` was raised for
    which ``refused(field, value)`` holds: the write's model instances (``Model.save()``,
    ``bulk_create()``) or values (``QuerySet.update()``) are still on the frames of its
    traceback."""
    tb = error.__traceback__
    frames = 0
    while tb is not None and frames < _TOO_LONG_FRAMES:
        for written in _written(tb.tb_frame.f_locals):
            if isinstance(written, tuple):
                pairs = [written]
            else:
                pairs = [
                    (f, getattr(written, f.attname, None)) for f in written._meta.concrete_fields
                ]
            for fld, value in pairs:
                if refused(fld, value):
                    return str(fld.name), fld, value
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


_NUL = "NUL (0x00)"  # psycopg: "PostgreSQL text fields cannot contain NUL (0x00) bytes"
NUL_MESSAGE = "Null characters are not allowed."
