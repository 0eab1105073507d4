"""A typed client generated from the example project's OpenAPI drives the running example API.

``openapi-python-client`` (the dev extra) generates a Python package from the document the
server publishes at ``/api/openapi.json``; the test imports it and calls real uvicorn with it:
lists with pagination and filters, create, retrieve, a partial update that sets a field to
null, an extra action, a nested route, an upload, a bulk create (an array body), and a 422 and
a 404 read as typed errors.
"""

from __future__ import annotations

import importlib
import io
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers import ROOT, server_env, uvicorn

pytestmark = pytest.mark.e2e

GENERATOR = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The example project under uvicorn, on its own migrated and seeded SQLite file."""
    tmp = tmp_path_factory.mktemp("example")
    media = tmp / "media"
    env = server_env(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(media),
    )
    env.pop("REDIS_URL", None)
    for command in (["migrate", "--noinput"], ["seed", "--books", "30"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT / "example_project", env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if done.returncode:
            pytest.fail(f"manage.py {' '.join(command)} failed:\n{done.stderr}")
    with uvicorn("config.asgi:application", env) as url:
        yield url, media


@pytest.fixture(scope="module")
def document(server: tuple[str, Path]) -> dict[str, Any]:
    import httpx

    r = httpx.get(server[0] + "/api/openapi.json", timeout=10)
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def lib(document: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The generated client package, imported."""
    if GENERATOR is None:
        pytest.skip("openapi-python-client is not installed (pip install -e '.[dev]')")
    import json

    tmp = tmp_path_factory.mktemp("client")
    (tmp / "openapi.json").write_text(json.dumps(document))
    (tmp / "config.yml").write_text("post_hooks: []\n")  # no formatter needed to run it
    done = subprocess.run(
        [GENERATOR, "generate", "--path", "openapi.json", "--meta", "none",
         "--config", "config.yml", "--output-path", "library_client"],
        cwd=tmp, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    _import_unset(tmp / "library_client")
    sys.path.insert(0, str(tmp))
    try:
        return importlib.import_module("library_client")
    finally:
        sys.path.remove(str(tmp))


def _import_unset(package: Path) -> None:
    """openapi-python-client 0.29 types a body with two media types (JSON and multipart) as
    ``A | B | Unset`` but forgets to import ``Unset`` there: add the import it meant."""
    for module in package.glob("api/*/*.py"):
        code = module.read_text()
        if "| Unset" in code and "import UNSET, Unset" not in code:
            module.write_text(
                code.replace("import Response, UNSET\n", "import Response, UNSET, Unset\n")
            )


def isbn() -> str:
    """An ISBN no seeded book has."""
    return str(uuid.uuid4().int)[:13]


def op(lib: Any, tag: str, name: str) -> Any:
    return importlib.import_module(f"library_client.api.{tag}.{name}")


def models(lib: Any) -> Any:
    return importlib.import_module("library_client.models")


@pytest.fixture(scope="module")
def client(lib: Any, server: tuple[str, Path]) -> Iterator[Any]:
    """A client authenticated with a bearer token obtained through the generated client."""
    m = models(lib)
    with lib.Client(base_url=server[0]) as anonymous:
        token = op(lib, "token", "token_create").sync(
            client=anonymous, body=m.TokenIn(username="demo", password="demo")
        )
    assert isinstance(token, m.TokenOut), token
    with lib.AuthenticatedClient(base_url=server[0], token=token.token) as authenticated:
        yield authenticated


def test_the_document_is_valid_openapi(document):
    from openapi_spec_validator import validate

    validate(document)


def test_list_with_pagination_and_filters(lib, client):
    m = models(lib)
    book_list = op(lib, "book", "book_list")
    first = book_list.sync(client=client, page=1, page_size=5, year_min=1900)
    page = book_list.sync(client=client, page=2, page_size=5, year_min=1900)
    # the list and retrieve document sparse fields: every field optional (BookOutSparse...)
    assert isinstance(page, m.BookOutSparseExpandablePageNumberPage), page
    assert all(isinstance(b, m.BookOutSparseExpandable) for b in page.items)
    assert len(page.items) <= 5
    assert page.count == first.count and {b.id for b in page.items}.isdisjoint(
        b.id for b in first.items
    )
    assert all(b.year >= 1900 for b in page.items)
    everything = book_list.sync(client=client, page_size=100)
    title = everything.items[0].title
    found = book_list.sync(client=client, search=title, page_size=100)
    assert title in [b.title for b in found.items]


def test_create_retrieve_patch_to_null(lib, client):
    m = models(lib)
    author = op(lib, "author", "author_list").sync(client=client).results[0]
    created = op(lib, "book", "book_create").sync(
        client=client,
        body=m.BookIn(title="Generated", year=2001, isbn=isbn(), author_id=author.id),
    )
    assert isinstance(created, m.BookOut), created
    assert created.author.id == author.id and created.cover is None
    again = op(lib, "book", "book_retrieve").sync(client=client, pk=created.id)
    assert isinstance(again, m.BookOutSparseExpandable) and again.title == "Generated"


def test_upload_then_patch_the_file_to_null(lib, client, server):
    from library_client.types import File

    m = models(lib)
    author = op(lib, "author", "author_list").sync(client=client).results[0]
    form = m.BookCreateFilesBookInForm  # the multipart body (its schema's title: BookInForm)
    body = form(
        title="With cover",
        year=2002,
        isbn=isbn(),
        author_id=author.id,
        cover=File(payload=io.BytesIO(b"%PDF-1.4 cover"), file_name="cover.pdf"),
    )
    created = op(lib, "book", "book_create").sync(client=client, body=body)
    assert isinstance(created, m.BookOut), created
    assert created.cover and created.cover.startswith(server[0] + "/media/covers/cover")
    stored = list((server[1] / "covers").iterdir())
    assert [p.read_bytes() for p in stored if p.name.startswith("cover")] == [b"%PDF-1.4 cover"]

    cover = op(lib, "book", "book_cover").sync(client=client, pk=created.id)  # an extra action
    assert isinstance(cover, m.CoverOut) and cover.url == created.cover

    patched = op(lib, "book", "book_partial_update").sync(
        client=client, pk=created.id, body=m.BookInPatch(cover=None)
    )
    assert isinstance(patched, m.BookOut), patched
    assert patched.cover is None and patched.title == "With cover"


def test_nested_route(lib, client):
    m = models(lib)
    book = op(lib, "book", "book_list").sync(client=client).items[0]
    op(lib, "book", "book_review").sync(
        client=client, pk=book.id, body=m.ReviewIn(stars=4, text="Generated review")
    )
    reviews = op(lib, "book_review", "book_review_list").sync(client=client, book_pk=book.id)
    assert "Generated review" in [r.text for r in reviews.items]
    assert all(isinstance(r, m.ReviewOut) for r in reviews.items)


def test_bulk_create_of_tags(lib, server):
    """The tags' create takes ``TagIn | list[TagIn]`` (ninja_viewsets.bulk): one or many."""
    m = models(lib)
    with lib.Client(base_url=server[0]) as anonymous:
        token = op(lib, "token", "token_create").sync(
            client=anonymous, body=m.TokenIn(username="admin", password="admin")
        )
    names = [f"gen-{uuid.uuid4().hex[:10]}" for _ in range(3)]
    with lib.AuthenticatedClient(base_url=server[0], token=token.token) as admin:
        create = op(lib, "tag", "tag_create")
        created = create.sync(client=admin, body=[m.TagIn(name=n) for n in names[:2]])
        assert isinstance(created, list), created
        assert all(isinstance(t, m.TagOut) for t in created)
        assert [t.name for t in created] == names[:2]
        one = create.sync(client=admin, body=m.TagIn(name=names[2]))
        assert isinstance(one, m.TagOut) and one.name == names[2]
        bad = create.sync(client=admin, body=[m.TagIn(name=names[0] + "x"), m.TagIn(name="no!")])
        assert type(bad).__name__ == "TagCreateResponse422", bad
        assert [tuple(e.loc)[:3] for e in bad.detail] == [("body", "payload", 1)]


def test_typed_422_and_404(lib, client):
    m = models(lib)
    bad = op(lib, "book", "book_create").sync(
        client=client, body=m.BookIn(title="", year=99999, isbn="x", author_id=1)
    )
    assert type(bad).__name__ == "BookCreateResponse422", bad
    assert {tuple(e.loc)[-1] for e in bad.detail} >= {"title", "year", "isbn"}
    missing = op(lib, "book", "book_retrieve").sync(client=client, pk=10**9)
    assert type(missing).__name__ == "BookRetrieveResponse404", missing
    assert missing.detail and missing.code == "not_found"
