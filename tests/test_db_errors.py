"""ninja_viewsets._db_errors: what a database error means for the client: worth one retry
(deadlock, serialization failure), unavailable (503), or a string too long for its column
(a 422 at the field, found on the write's own instance or values)."""

from __future__ import annotations

import pytest
from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
)
from django.db.models import CharField

from ninja_viewsets._db_errors import database_unavailable, is_retryable, too_long_field
from tests.testapp.models import Author


def with_state(cls: type[Exception], state: str, message: str = "boom") -> Exception:
    """An error as Django raises it: its driver's error, with a SQLSTATE, as ``__cause__``."""

    class DriverError(Exception):
        sqlstate = state

    error = cls(message)
    error.__cause__ = DriverError(message)
    return error


@pytest.mark.parametrize(
    ("error", "retryable", "unavailable"),
    [
        (with_state(OperationalError, "40001"), True, True),  # serialization failure
        (with_state(OperationalError, "40P01"), True, True),  # deadlock
        (with_state(OperationalError, "08006"), False, True),  # connection failure
        (with_state(OperationalError, "57P01"), False, True),  # admin shutdown
        (with_state(OperationalError, "53300"), False, True),  # too many connections
        (with_state(OperationalError, "55P03"), False, True),  # lock not available
        (with_state(OperationalError, "57014"), False, True),  # statement timeout
        (with_state(DatabaseError, "42P01"), False, False),  # undefined table: a bug
        (with_state(IntegrityError, "23505"), False, False),  # unique violation: a 4xx
        (OperationalError("database is locked"), False, True),  # SQLite: no SQLSTATE
        (OperationalError("deadlock detected"), True, True),
        (OperationalError("no such table: nope"), False, False),
        (InterfaceError("connection already closed"), False, True),
        (DataError("value too long for type character varying(3)"), False, False),
        (ValueError("database is locked"), False, False),  # not a database error at all
    ],
)
def test_what_an_error_means(error, retryable, unavailable):
    assert is_retryable(error) is retryable
    assert database_unavailable(error) is unavailable


def test_a_too_long_string_is_found_on_the_instance_being_saved():
    def save(instance: Author) -> None:  # stands for the ORM's frame holding the instance
        raise DataError("value too long for type character varying(100)")

    author = Author(name="x" * 101)
    with pytest.raises(DataError) as caught:
        save(author)
    assert too_long_field(caught.value) == ("name", 100)


def test_an_update_values_are_read_too():
    class Compiler:
        def __init__(self, query: object) -> None:
            self.query = query

        def execute(self) -> None:
            raise DataError("value too long for type character varying(100)")

    from django.db.models.sql.subqueries import UpdateQuery

    query = UpdateQuery(Author)
    name = Author._meta.get_field("name")
    assert isinstance(name, CharField)
    query.add_update_fields([(name, None, "y" * 150)])
    with pytest.raises(DataError) as caught:
        Compiler(query).execute()
    assert too_long_field(caught.value) == ("name", 100)


def test_other_errors_and_unfound_strings_name_no_field():
    assert too_long_field(DataError("numeric field overflow")) is None
    try:  # the message, but no over-long string on the frames
        raise DataError("value too long for type character varying(100)")
    except DataError as exc:
        assert too_long_field(exc) is None


@pytest.mark.django_db
def test_postgresqls_own_refusal_names_the_field():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite does not enforce max_length")
    with pytest.raises(DataError) as caught:
        Author.objects.create(name="z" * 101)
    assert too_long_field(caught.value) == ("name", 100)
