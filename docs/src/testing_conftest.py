"""conftest.py: close the connection the async ORM's thread keeps open (PostgreSQL)."""

import pytest
from asgiref.sync import SyncToAsync
from django.db import connections


@pytest.fixture(scope="session", autouse=True)
def close_async_connections(django_db_setup, django_db_blocker):
    """``async def`` tests run the ORM in asgiref's one sync thread, which keeps its connection
    open: close it before the test database is dropped (PostgreSQL refuses while in use)."""
    yield
    with django_db_blocker.unblock():
        SyncToAsync.single_thread_executor.submit(connections.close_all).result()
