"""docs/tutorial.md, followed in an empty folder: the project it builds serves Swagger UI with
its assets under real uvicorn, and every ``curl`` of the page answers what the page says.

Also: the example project under uvicorn keeps uvicorn's own log lines, and the pytest
configuration docs/testing.md recommends runs without deprecation warnings.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import ROOT, free_port, server_env

pytestmark = pytest.mark.e2e

PAGE = ROOT / "docs" / "tutorial.md"

# where each file the page quotes goes in the project (the page says so in its prose)
DESTINATIONS = {
    "docs/src/tutorial/models.py": "library/models.py",
    "docs/src/tutorial/schemas.py": "library/schemas.py",
    "docs/src/tutorial/views.py": "library/views.py",
    "docs/src/tutorial/api.py": "library/api.py",
    "docs/src/tutorial/project_urls.py": "config/urls.py",
}


def page_blocks() -> list[tuple[str, str, str]]:
    """``(marker, language, code)`` of every fenced block of the page, in order."""
    text = PAGE.read_text()
    return [
        (m.group(1) or "", m.group(2), m.group(3))
        for m in re.finditer(r"(?:<!-- (.+?) -->\n)?```(\w+)\n(.*?)```", text, re.S)
    ]


def run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The tutorial's project, built from the page in an empty folder."""
    folder = tmp_path_factory.mktemp("tutorial")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(ROOT)  # the library (installed in a user's venv)
    python = sys.executable
    blocks = page_blocks()
    setup = next(code for _, lang, code in blocks if lang == "bash" and "startproject" in code)
    for line in setup.splitlines():
        if line.startswith(("django-admin ", "python manage.py ")):
            args = shlex.split(line)
            if args[0] == "django-admin":
                args = [python, "-m", "django", *args[1:]]
            else:
                args = [python, *args[1:]]
            run(args, folder, env)
    settings = next(code for marker, lang, code in blocks if marker == "settings")
    with (folder / "config" / "settings.py").open("a") as f:
        f.write("\n" + settings)
    quoted = {marker.removeprefix("src: "): code for marker, _, code in blocks if marker}
    for source, destination in DESTINATIONS.items():
        assert source in quoted, f"the page no longer quotes {source}"
        assert f"`{destination}`" in PAGE.read_text(), f"the page does not say {destination}"
        (folder / destination).write_text(quoted[source])
    migrate = next(code for _, lang, code in blocks if lang == "bash" and "migrate" in code)
    for line in migrate.splitlines():
        for command in line.split("#")[0].split("&&"):
            args = shlex.split(command)
            if not args:
                continue
            if "createsuperuser" in args:  # the page's password, without the prompt
                args += ["--noinput", "--email", "admin@example.com"]
                env_super = {**env, "DJANGO_SUPERUSER_PASSWORD": "admin"}
                run([python, *args[1:]], folder, env_super)
            else:
                run([python, *args[1:]], folder, env)
    return folder, env


@pytest.fixture(scope="module")
def served(project: tuple[Path, dict[str, str]]) -> Iterator[str]:
    """The page's ``uvicorn`` command, on a free port, from the project folder."""
    folder, env = project
    command = next(
        code for _, lang, code in page_blocks() if lang == "bash" and code.startswith("uvicorn")
    )
    app = shlex.split(command)[1]
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/api/", proc)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def wait_for(url: str, proc: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail(f"uvicorn did not start for {url}")
            time.sleep(0.2)


def test_swagger_ui_loads_its_javascript(served):
    import httpx

    page = httpx.get(served + "/api/docs", timeout=10)
    assert page.status_code == 200 and "swagger" in page.text.lower()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page.text)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), assets
    for asset in assets:
        r = httpx.get(served + asset if asset.startswith("/") else asset, timeout=10)
        assert r.status_code == 200, (asset, r.status_code)
        kind = "javascript" if asset.endswith(".js") else "css"
        assert kind in r.headers["content-type"], (asset, r.headers["content-type"])
    schema = httpx.get(served + "/api/openapi.json", timeout=10)
    assert schema.status_code == 200 and "/api/books/" in schema.json()["paths"]


def curl_examples() -> list[tuple[str, str]]:
    """``(command, answer)`` pairs of the page's ``$ curl`` examples, in order."""
    block = next(code for _, lang, code in page_blocks() if lang == "bash" and "$ curl" in code)
    pairs: list[tuple[str, str]] = []
    lines = block.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("$ curl"):
            command = lines[i][2:]
            while command.endswith("\\"):
                i += 1
                command = command[:-1] + " " + lines[i].strip()
            i += 1
            pairs.append((command, lines[i]))
        i += 1
    return pairs


def test_every_curl_of_the_page_answers_what_the_page_says(served):
    examples = curl_examples()
    assert len(examples) >= 9
    for command, answer in examples:
        expected_body, _, comment = answer.partition("   # ")
        status = re.match(r"\d{3}", comment)
        args = shlex.split(command.replace("http://127.0.0.1:8000", served))
        done = subprocess.run(
            [*args, "-s", "-w", "\n%{http_code}"], capture_output=True, text=True, timeout=30
        )
        body, _, code = done.stdout.rpartition("\n")
        assert code == (status.group(0) if status else "200"), (command, done.stdout)
        expected = json.loads(expected_body.replace("http://127.0.0.1:8000", served))
        assert json.loads(body) == expected, command


# -- the example project's logs, the recommended pytest configuration ---------------------------


def test_the_example_project_keeps_uvicorns_log_lines(tmp_path):
    env = server_env(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    env.pop("REDIS_URL", None)
    run([sys.executable, "manage.py", "migrate", "--noinput"], ROOT / "example_project", env)
    port = free_port()
    log = tmp_path / "uvicorn.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=ROOT / "example_project", env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            wait_for(f"http://127.0.0.1:{port}/api/", proc)
            import httpx

            httpx.get(f"http://127.0.0.1:{port}/api/books/", timeout=10)
            time.sleep(0.5)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
    text = log.read_text()
    assert f"Uvicorn running on http://127.0.0.1:{port}" in text, text
    assert '"GET /api/books/ HTTP/1.1" 200' in text, text  # the access log


def test_the_recommended_pytest_configuration_runs_without_deprecation_warnings(
    project: tuple[Path, dict[str, str]],
):
    folder, env = project
    testing = (ROOT / "docs" / "testing.md").read_text()
    toml = re.search(r"```toml\n(.*?)```", testing, re.S)
    assert toml is not None
    (folder / "pyproject.toml").write_text(toml.group(1))
    (folder / "test_smoke.py").write_text(
        "import pytest\n\n\n"
        "@pytest.mark.django_db\n"
        "async def test_books(async_client):\n"
        "    r = await async_client.get('/api/books/')\n"
        "    assert r.status_code == 200\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error",
         "test_smoke.py"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warning" not in done.stdout.lower(), done.stdout
