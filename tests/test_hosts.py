"""Several hosts: two uvicorn servers (separate processes, separate ports) serve the example
project on one PostgreSQL database and one Redis; a client alternating between them sees
throttles, cursor pagination links, ETags / If-Match and sessions behave as on one server."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.production import manage, postgres_url, private_database, settings_env
from tests.servers import uvicorn

pytestmark = pytest.mark.e2e

SETTINGS = """\
from config.settings import *  # noqa: F403

DEBUG = False
CACHES = {{
    "default": {{
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
        "KEY_PREFIX": "{prefix}",
    }}
}}
NINJA_DEFAULT_THROTTLE_RATES = {{"anon": "6/m", "user": "100000/h", "reviews": "1000/m"}}
NINJA_PAGINATION_PER_PAGE = 3
"""


@pytest.fixture(scope="module")
def hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    from tests.test_throttling import _redis_up

    if not _redis_up():
        pytest.skip("needs Redis on 127.0.0.1:6379")
    tmp: Path = tmp_path_factory.mktemp("hosts")
    with ExitStack() as stack:
        db = stack.enter_context(private_database(postgres_url(), "nv_hosts"))
        source = SETTINGS.format(prefix=f"nvhosts-{uuid.uuid4().hex}")
        env = settings_env(tmp, source, DATABASE_URL=db)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed")
        a = stack.enter_context(uvicorn("config.asgi:application", env))
        b = stack.enter_context(uvicorn("config.asgi:application", env))
        yield a, b


def test_cursor_pagination_links_work_on_the_other_host(hosts):
    import httpx

    a, b = hosts
    names, url, turn = [], f"{a}/api/authors/", 0
    while url:
        page = httpx.get(url, timeout=10)
        assert page.status_code == 200, page.text
        names += [author["name"] for author in page.json()["results"]]
        turn += 1
        nxt = page.json()["next"]  # absolute, on the host that answered: follow it on the other
        url = nxt and re.sub(r"^http://127\.0\.0\.1:\d+", (a, b)[turn % 2], nxt)
    assert turn >= 3
    assert len(names) == len(set(names)) == 8  # every author once, across both hosts


def test_etag_and_if_match_across_hosts(hosts):
    import httpx

    a, b = hosts
    token = httpx.post(f"{a}/api/token/", json={"username": "demo", "password": "demo"}).json()
    auth = {"Authorization": f"Bearer {token['token']}"}
    created = httpx.post(f"{b}/api/books/", headers=auth, timeout=10,
                         json={"title": "Hosts", "year": 2020, "isbn": "9990001112",
                               "author_id": 1})  # fmt: skip
    assert created.status_code == 201, created.text
    pk, etag = created.json()["id"], created.headers["ETag"]
    assert (
        httpx.get(f"{a}/api/books/{pk}/", headers=auth).headers["ETag"] == etag
    )  # the same tag on A
    changed = httpx.patch(f"{b}/api/books/{pk}/", json={"title": "Renamed"},
                          headers={**auth, "If-Match": etag})  # fmt: skip
    assert changed.status_code == 200
    new = changed.headers["ETag"]
    assert new != etag
    stale = httpx.patch(f"{a}/api/books/{pk}/", json={"title": "Lost update"},
                        headers={**auth, "If-Match": etag})  # fmt: skip
    assert stale.status_code == 412  # A knows B's write
    assert (
        httpx.get(f"{a}/api/books/{pk}/", headers={**auth, "If-None-Match": new}).status_code == 304
    )
    assert httpx.get(f"{b}/api/books/{pk}/", headers=auth).json()["title"] == "Renamed"


def test_a_session_opened_on_one_host_works_on_the_other(hosts):
    import httpx

    a, b = hosts
    with httpx.Client(timeout=10) as http:  # cookies are not per port: both hosts get them
        form = http.get(f"{a}/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token
        login = http.post(
            f"{a}/admin/login/?next=/admin/",
            data={"username": "admin", "password": "admin",
                  "csrfmiddlewaretoken": token.group(1)},
            headers={"Referer": f"{a}/admin/login/"},
        )  # fmt: skip
        assert login.status_code == 302, login.text[:300]
        assert http.get(f"{b}/admin/").status_code == 200  # signed in on B too
        created = http.post(
            f"{b}/api/books/",
            json={"title": "By session", "year": 2021, "isbn": "9990001113", "author_id": 1},
            headers={"X-CSRFToken": http.cookies["csrftoken"], "Referer": f"{b}/"},
        )
        assert created.status_code == 201, created.text
        http.post(f"{b}/admin/logout/", headers={"X-CSRFToken": http.cookies["csrftoken"],
                                                  "Referer": f"{b}/admin/"})  # fmt: skip
        assert http.get(f"{a}/admin/").status_code == 302  # signed out on A as well


def test_throttles_count_both_hosts_together(hosts):
    import httpx

    a, b = hosts
    # a client of its own: uvicorn trusts X-Forwarded-For from 127.0.0.1 (its
    # --forwarded-allow-ips default), as it would from a load balancer there, and makes it
    # REMOTE_ADDR; the tests above spent some of 127.0.0.1's anonymous budget
    client = {"X-Forwarded-For": "203.0.113.77"}
    codes = [
        httpx.get(f"{(a, b)[i % 2]}/api/books/", headers=client, timeout=10).status_code
        for i in range(9)
    ]
    assert codes == [200] * 6 + [429] * 3  # anon 6/m in total, not 6 per host
