"""Swagger UI end to end: the example project under uvicorn, driven in headless Chromium.

``make test-e2e`` installs Debian's ``chromium`` and Playwright when they are missing, then runs
this module; ``make test`` skips it (``NINJA_VIEWSETS_SKIP_BROWSER=1``). The page must work
offline: every asset comes from the example server. The test writes ``docs/img/swagger.png``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.servers import ROOT, server_env, uvicorn

if os.environ.get("NINJA_VIEWSETS_SKIP_BROWSER"):
    pytest.skip(
        "NINJA_VIEWSETS_SKIP_BROWSER is set; the Swagger UI browser test runs with `make test-e2e`",
        allow_module_level=True,
    )

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

# `make test-e2e` installs Playwright and Chromium and requires them; anywhere else a missing
# one skips this module with the reason
REQUIRED = os.environ.get("NINJA_VIEWSETS_E2E") == "1"

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; Playwright's own downloads need network
if not REQUIRED:
    if importlib.util.find_spec("playwright") is None:
        pytest.skip(
            "Playwright is not installed (`make test-e2e` installs it)", allow_module_level=True
        )
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (`make test-e2e` installs it)", allow_module_level=True)
# Root, no network, no display: no sandbox, no GPU, nothing that calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
TIMEOUT_MS = 15_000
SCREENSHOT = ROOT / "docs" / "img" / "swagger.png"
EXTRA_ACTION = ("get", "/api/authors/{pk}/books/")  # AuthorViewSet.books, an @action(detail=True)


@pytest.fixture
def example_url(tmp_path: Path) -> Iterator[str]:
    """The example project under uvicorn, on its own freshly migrated and seeded SQLite file."""
    env = server_env(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    env.pop("REDIS_URL", None)
    for command in (["migrate", "--noinput"], ["seed", "--books", "20"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT / "example_project", env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        if done.returncode:
            pytest.fail(f"manage.py {' '.join(command)} failed:\n{done.stderr}")
    with uvicorn("config.asgi:application", env) as url:
        yield url


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    """A page of headless Chromium, on a fresh profile, 1280 pixels wide."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is not installed: run `make test-e2e` (it installs it)")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test-e2e` (it installs Debian's chromium)")
    with sync_playwright() as pw:
        # a persistent context is how Playwright takes a --user-data-dir: a fresh one per run
        context = pw.chromium.launch_persistent_context(
            tmp_path / "profile",
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            timeout=TIMEOUT_MS,
        )
        try:
            context.set_default_timeout(TIMEOUT_MS)
            context.set_default_navigation_timeout(TIMEOUT_MS)
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def operations_by_tag(schema: dict[str, Any]) -> Counter[str]:
    return Counter(
        tag for ops in schema["paths"].values() for op in ops.values() for tag in op["tags"]
    )


def test_swagger_ui_lists_every_viewset_and_runs_an_extra_action(
    page: Page, example_url: str
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    schema = httpx.get(f"{example_url}/api/openapi.json", timeout=10).json()
    tags = operations_by_tag(schema)
    # the example serves its static files (uvicorn does not), refusing paths outside them
    assert httpx.get(f"{example_url}/static/ninja/swagger-ui.css", timeout=10).status_code == 200
    escape = httpx.get(f"{example_url}/static/ninja/%2e%2e/%2e%2e/config/asgi.py", timeout=10)
    assert escape.status_code == 400
    assert len(tags) >= 7 and tags.total() >= 20, tags  # the router's viewsets, and the root

    foreign: list[str] = []  # the page must work offline: no CDN, nothing but the example
    failed: list[str] = []

    def on_request(request: Request) -> None:
        if request.url.startswith(("http", "ws")) and not request.url.startswith(f"{example_url}/"):
            foreign.append(request.url)

    page.on("request", on_request)
    page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}"))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(f"{example_url}/api/docs")  # waits for the page's scripts and styles
    assert failed == [], "the Swagger UI's assets did not load"
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(schema["info"]["title"])

    # every viewset shows as a tag, each with exactly its operations
    sections = page.locator(".opblock-tag-section")
    expect(sections).to_have_count(len(tags))
    for tag, count in tags.items():
        section = sections.filter(has=page.locator(f'h3.opblock-tag[data-tag="{tag}"]'))
        expect(section.locator(".opblock")).to_have_count(count)
        for path, ops in schema["paths"].items():
            for method, op in ops.items():
                if tag in op["tags"]:
                    block = section.locator(f'[id="operations-{tag}-{op["operationId"]}"]')
                    expect(block.locator(".opblock-summary-method")).to_have_text(method.upper())
                    expect(block.locator(".opblock-summary-path")).to_have_attribute(
                        "data-path", path
                    )

    # an extra action: expand it, "Try it out", fill the path parameter, execute
    first = httpx.get(f"{example_url}/api/books/", params={"page_size": 1}, timeout=10).json()
    book = first["items"][0]
    author = book["author"]
    method, path = EXTRA_ACTION
    op = schema["paths"][path][method]
    block = page.locator(f'[id="operations-{op["tags"][0]}-{op["operationId"]}"]')
    block.locator(".opblock-summary-control").click()
    block.get_by_role("button", name="Try it out").click()
    block.locator('tr[data-param-name="pk"] input').fill(str(author["id"]))
    block.get_by_role("button", name="Execute").click()

    live = block.locator(".live-responses-table")
    expect(live.locator("tr.response .response-col_status")).to_have_text("200")
    expect(block.locator(".request-url pre")).to_have_text(
        f"{example_url}{path.replace('{pk}', str(author['id']))}"
    )
    books = json.loads(live.locator(".response-col_description .highlight-code pre").inner_text())
    assert books and all(b["author"] == author for b in books), books
    assert book["title"] in {b["title"] for b in books}
    assert foreign == [], "the page loaded assets from outside the example server"
    assert failed == []

    # the docs picture: the header and every operation, the executed action open
    bottom = page.evaluate(
        "() => document.querySelector('.swagger-ui .wrapper:has(.opblock-tag-section)')"
        ".getBoundingClientRect().bottom + window.scrollY"
    )
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=SCREENSHOT,
        full_page=True,
        clip={"x": 0, "y": 0, "width": 1280, "height": bottom + 24},
        animations="disabled",
    )
    assert SCREENSHOT.stat().st_size > 10_000
