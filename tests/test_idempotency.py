"""Idempotency-Key on POST and PATCH: replay, 422 on reuse, one write for concurrent
requests (several uvicorn workers on PostgreSQL), per caller, only successes kept."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import pytest
from asgiref.sync import SyncToAsync
from django.core.cache import BaseCache
from django.core.management import call_command

from tests.production import manage, postgres_url, private_database, settings_env
from tests.servers import uvicorn
from tests.testapp.models import Author, Book, Tag

pytestmark = pytest.mark.urls("tests.idempotency_app")

IDEMPOTENCY_CACHES = """
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "idempotency": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "nv_idempotency_keys",
    },
}
"""


@pytest.fixture
def records(settings, db):
    ns: dict = {}
    exec(IDEMPOTENCY_CACHES, ns)
    settings.CACHES = ns["CACHES"]
    call_command("createcachetable", verbosity=0)


@pytest.fixture
def author(db):
    return Author.objects.create(name="Ann")


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def test_same_key_same_body_replays_the_first_response_and_writes_nothing(client, records, author):
    tag = Tag.objects.create(name="t1")
    body = {"title": "Dune", "author_id": author.pk, "tags": [tag.pk]}
    headers = key()
    first = client.post("/api/books/", json=body, headers=headers)
    assert first.status_code == 201, first
    again = client.post("/api/books/", json=body, headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json() == {"id": first.json()["id"], "title": "Dune",
                                            "tags": [{"id": tag.pk}]}  # fmt: skip
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert Book.objects.count() == 1


def test_same_key_other_body_is_422(client, records, author):
    headers = key()
    assert client.post("/api/books/", json={"title": "A", "author_id": author.pk},
                       headers=headers).status_code == 201  # fmt: skip
    r = client.post("/api/books/", json={"title": "B", "author_id": author.pk}, headers=headers)
    assert r.status_code == 422
    assert r.json()["code"] == "idempotency_key_reused"
    assert "new key" in r.json()["detail"]
    other_path = client.post("/api/books/tag/", json={"title": "a", "author_id": author.pk},
                             headers=headers)  # fmt: skip
    assert other_path.status_code == 422  # the key names one request: method, path and body
    assert Book.objects.count() == 1
    assert Tag.objects.count() == 0


def test_patch_and_extra_post_actions(client, records, author):
    book = Book.objects.create(title="Old", author=author)
    headers = key()
    r1 = client.patch(f"/api/books/{book.pk}/", json={"title": "New"}, headers=headers)
    assert r1.status_code == 200
    Book.objects.filter(pk=book.pk).update(title="Changed since")
    r2 = client.patch(f"/api/books/{book.pk}/", json={"title": "New"}, headers=headers)
    assert r2.json() == r1.json()  # the first response, not a second write
    assert Book.objects.get(pk=book.pk).title == "Changed since"
    headers = key()
    body = {"title": "slug", "author_id": author.pk}
    assert client.post("/api/books/tag/", json=body, headers=headers).status_code == 200
    assert client.post("/api/books/tag/", json=body, headers=headers).status_code == 200
    assert Tag.objects.count() == 1


def test_without_the_header_or_without_the_mixin_every_request_writes(client, records, author):
    body = {"title": "A", "author_id": author.pk}
    assert client.post("/api/books/", json=body).status_code == 201
    assert client.post("/api/books/", json=body).status_code == 201
    headers = key()
    assert client.post("/api/plain/", json=body, headers=headers).status_code == 201
    assert client.post("/api/plain/", json=body, headers=headers).status_code == 201
    assert Book.objects.count() == 4


def test_keys_belong_to_their_caller(client, records, author, user, admin):
    headers = key()
    client.force_login(user)
    a = client.post("/api/books/", json={"title": "A", "author_id": author.pk}, headers=headers)
    client.force_login(admin)
    b = client.post("/api/books/", json={"title": "A", "author_id": author.pk}, headers=headers)
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]  # never another user's response
    assert "Idempotent-Replayed" not in b.headers


def test_an_error_is_not_kept_and_the_retry_runs(client, records, author):
    Tag.objects.create(name="dup")
    headers = key()
    body = {"title": "dup", "author_id": author.pk}
    r = client.post("/api/books/tag/", json=body, headers=headers)
    assert r.status_code == 409, r  # the unique name refused the write
    Tag.objects.filter(name="dup").delete()
    again = client.post("/api/books/tag/", json=body, headers=headers)
    assert again.status_code == 200, again  # the same request runs again: nothing was kept
    assert "Idempotent-Replayed" not in again.headers
    assert Tag.objects.filter(name="dup").count() == 1


def test_invalid_keys_are_400(client, records, author):
    for bad in ("", "x" * 256, "caf\u00e9"):
        r = client.post("/api/books/", json={"title": "A", "author_id": author.pk},
                        headers={"Idempotency-Key": bad})  # fmt: skip
        if bad == "":  # an empty header is no header for Django's test client
            continue
        assert r.status_code == 400, (bad, r)
        assert r.json()["code"] == "invalid_idempotency_key"
    assert Book.objects.count() <= 1


# -- thread hops: none for an in-process record cache, its async API for any other ---------


@pytest.fixture
def cache_hops(monkeypatch) -> list[str]:
    """The cache methods that requests ran in a thread (``sync_to_async``), by name."""
    hops: list[str] = []
    original = SyncToAsync.__call__

    async def recording(self, *args, **kwargs):
        if isinstance(getattr(self.func, "__self__", None), BaseCache):
            hops.append(self.func.__name__)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", recording)
    return hops


@pytest.fixture
def locmem_records(settings, db):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "idempotency": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        },
    }


def test_records_in_locmem_cost_no_thread_hop(client, locmem_records, author, cache_hops):
    """Claimed, kept, replayed, refused for another body, rolled back: the LocMemCache is
    called on the event loop, never in a thread."""
    headers = key()
    body = {"title": "Dune", "author_id": author.pk}
    first = client.post("/api/books/", json=body, headers=headers)
    again = client.post("/api/books/", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    other = client.post("/api/books/", json={**body, "title": "Emma"}, headers=headers)
    assert other.status_code == 422
    Tag.objects.create(name="dup")
    refused = client.post("/api/books/tag/", json={**body, "title": "dup"}, headers=key())
    assert refused.status_code == 409  # not kept: its claim deleted
    assert cache_hops == []
    assert Book.objects.count() == 1


def test_records_in_a_database_go_through_its_async_api(client, records, author, cache_hops):
    headers = key()
    body = {"title": "Dune", "author_id": author.pk}
    assert client.post("/api/books/", json=body, headers=headers).status_code == 201
    assert cache_hops == ["add", "set"]  # the claim, the record: each off the event loop
    assert client.post("/api/books/", json=body, headers=headers).status_code == 201
    assert cache_hops == ["add", "set", "add", "get"]


# -- across workers, concurrently, on PostgreSQL ------------------------------------------

SERVER_SETTINGS = (
    """\
from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.idempotency_app"
"""
    + IDEMPOTENCY_CACHES
)


@pytest.mark.e2e
def test_concurrent_requests_with_one_key_write_once_across_workers(tmp_path: Path):
    import httpx

    with private_database(postgres_url(), "nv_idem") as db:
        env = settings_env(tmp_path, SERVER_SETTINGS, DATABASE_URL=db)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "createcachetable", "-v0")
        manage(env, "shell", "-c",
               "from tests.testapp.models import Author, Tag; Author.objects.create(name='A');"
               "Tag.objects.create(name='x'); Tag.objects.create(name='y')")  # fmt: skip
        with uvicorn("tests.asgi:application", env, workers=3, ready_path="/api/books/") as url:

            async def storm() -> list[list[httpx.Response]]:
                limits = httpx.Limits(max_keepalive_connections=0)
                async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
                    rounds = []
                    for i in range(6):  # 6 keys, each sent 8 times at once
                        headers = {"Idempotency-Key": f"k-{i}-{uuid.uuid4().hex}"}
                        body = {"title": f"B{i}", "author_id": 1, "tags": [1, 2]}
                        rounds.append(await asyncio.gather(*(
                            http.post("/api/books/", json=body, headers=headers)
                            for _ in range(8)
                        )))  # fmt: skip
                    return rounds

            rounds = asyncio.run(storm())
            books = httpx.get(f"{url}/api/books/", timeout=10).json()
    for responses in rounds:
        assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
        assert len({r.text for r in responses}) == 1  # one body: the first response, replayed
        assert sum("Idempotent-Replayed" not in r.headers for r in responses) == 1
    assert sorted(b["title"] for b in books) == [f"B{i}" for i in range(6)]
    assert all(b["tags"] == [{"id": 1}, {"id": 2}] for b in books)  # M2M complete


@pytest.mark.urls("docs.src.idempotency")
def test_the_docs_example(client, records):
    from library.models import Author as LibraryAuthor

    headers = {"Idempotency-Key": "order-7f3a"}
    first = client.post("/api/authors/", json={"name": "Le Guin"}, headers=headers)
    retry = client.post("/api/authors/", json={"name": "Le Guin"}, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    other = client.post("/api/authors/", json={"name": "Butler"}, headers=headers)
    assert other.status_code == 422
    assert LibraryAuthor.objects.filter(name="Le Guin").count() == 1


def test_replays_with_json_rendering_off_too(client, records, author, settings):
    settings.NINJA_VIEWSETS = {"JSON_RENDERING": False}  # the viewset still answers a response
    headers = key()
    body = {"title": "plain", "author_id": author.pk}
    first = client.post("/api/books/tag/", json=body, headers=headers)
    again = client.post("/api/books/tag/", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Tag.objects.filter(name="plain").count() == 1


def test_openapi_documents_the_header_where_it_applies(client):
    from openapi_spec_validator import validate

    document = client.get("/api/openapi.json").json()
    validate(document)
    paths = document["paths"]

    def header(operation: dict) -> list[dict]:
        return [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]

    create = paths["/api/books/"]["post"]
    (param,) = header(create)
    assert param["in"] == "header" and param["required"] is False
    assert param["schema"] == {"type": "string", "minLength": 1, "maxLength": 255}
    assert "Idempotent-Replayed: true" in param["description"]
    replayed = create["responses"]["201"]["headers"]["Idempotent-Replayed"]
    assert replayed["schema"] == {"type": "string", "enum": ["true"]}
    assert "content" in create["responses"]["201"]  # Ninja's own documentation is kept
    assert "Idempotency-Key" in create["responses"]["400"]["description"]
    assert "in progress" in create["responses"]["409"]["description"]
    assert "constraint" in create["responses"]["409"]["description"]  # both reasons
    conflict = create["responses"]["422"]
    assert "Idempotency-Key" in conflict["description"]
    shapes = conflict["content"]["application/json"]["schema"]["anyOf"]
    assert [s["properties"]["detail"]["type"] for s in shapes] == ["array", "string"]
    patch = paths["/api/books/{pk}/"]["patch"]
    assert header(patch) and "Idempotent-Replayed" in patch["responses"]["200"]["headers"]
    assert header(paths["/api/books/tag/"]["post"])  # an extra POST action too
    assert header(paths["/api/slowbooks/"]["post"])  # a subclass of the mixin's viewset
    # not the other methods, nor a viewset without the mixin
    detail = paths["/api/books/{pk}/"]
    for operation in (paths["/api/books/"]["get"], detail["put"], detail["delete"],
                      paths["/api/plain/"]["post"]):  # fmt: skip
        assert not header(operation)
        assert all("headers" not in r for r in operation["responses"].values())
        assert "Idempotency-Key" not in json.dumps(operation["responses"])
