"""Property-based fuzzing of the example API's OpenAPI document with schemathesis (`make fuzz`).

The example project runs under real uvicorn on 127.0.0.1, on a throwaway database that a
subprocess migrated and seeded: a private PostgreSQL database on the ``DATABASE_URL`` server
when that is PostgreSQL (CI), else a SQLite file. Every documented operation is fuzzed as
three callers (anonymous, the user ``demo``, the staff user ``admin``, with bearer tokens from
``POST /api/token/``), with schema-valid and schema-violating data; then stateful chains follow
the links schemathesis infers between operations.

Uvicorn rather than the ASGI app in-process: the fuzzer then sees what a client sees (HTTP
parsing, headers, Django's middleware, the server's own errors) and the server runs with its
own settings and database, untouched by the test process.

Each response must pass: no 5xx, a documented status code, the documented content type,
headers and body schema, schema-violating requests rejected (``CHECKS``). The figures
(operations, cases, failures) are printed at the end of the run.

Bounded and reproducible: a fixed seed, ``FUZZ_EXAMPLES`` examples per operation (default 25),
and a time budget of ``FUZZ_BUDGET`` seconds (default 150) past which the remaining cases are
counted as skipped, not sent. A longer local run::

    FUZZ_EXAMPLES=500 FUZZ_BUDGET=3600 make fuzz
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.servers import ROOT, server_env, uvicorn

if os.environ.get("NINJA_VIEWSETS_FUZZ") != "1":
    pytest.skip("fuzzing runs with `make fuzz`", allow_module_level=True)
try:
    import hypothesis
    import requests
    import schemathesis
    from schemathesis.checks import (
        allow_header_conformance,
        content_type_conformance,
        ensure_resource_availability,
        ignored_auth,
        missing_required_header,
        negative_data_rejection,
        not_a_server_error,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
        unsupported_method,
        use_after_free,
    )
except ImportError as exc:  # `make fuzz` installs schemathesis: there, its absence is an error
    if os.environ.get("NINJA_VIEWSETS_FUZZ_REQUIRED") == "1":
        pytest.fail(f"{exc}: run `make fuzz`, which installs schemathesis>=4", pytrace=False)
    pytest.skip(f"{exc}: `make fuzz` installs schemathesis>=4", allow_module_level=True)

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
BUDGET = float(os.environ.get("FUZZ_BUDGET", "150"))
SEED = int(os.environ.get("FUZZ_SEED", "20240601"))
STEPS = int(os.environ.get("FUZZ_STEPS", "10"))
# Every built-in check but two: positive_data_acceptance (this API rightly refuses some
# schema-valid input: a wrong password is 400, an unknown ?ordering= field 422) and
# object_level_authorization (needs identities declared to schemathesis; the owner rules have
# their own tests in test_example.py).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
    ignored_auth,
    use_after_free,
    ensure_resource_availability,
]
# The example's own settings, with DEBUG off (as deployed) and throttle rates the fuzzer never
# reaches, so its cases exercise the handlers rather than the 429 path.
SETTINGS = """\
from config.settings import *  # noqa: F403

DEBUG = False
NINJA_DEFAULT_THROTTLE_RATES = {"anon": "1000000/h", "user": "1000000/h", "reviews": "1000000/h"}
"""
DOCUMENT = """\
import json, django
django.setup()
from library.api import api
print(json.dumps(api.get_openapi_schema(path_prefix="/api/")))
"""


def _env(tmp: str, database_url: str | None = None) -> dict[str, str]:
    """A child process's environment: the fuzz settings in ``tmp``, its database
    (``database_url``, else a SQLite file in ``tmp``)."""
    env = server_env(
        DATABASE_URL=database_url or f"sqlite:///{tmp}/db.sqlite3",
        DJANGO_SETTINGS_MODULE="fuzz_settings",
    )
    env["PYTHONPATH"] += os.pathsep + tmp
    Path(tmp, "fuzz_settings.py").write_text(SETTINGS)
    return env


@contextlib.contextmanager
def _database() -> Iterator[str | None]:
    """With a PostgreSQL ``DATABASE_URL`` (as in CI): a private database on that server,
    dropped afterwards (never the shared one); otherwise ``None`` (a SQLite file)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield None
        return
    import psycopg
    from psycopg import sql

    name = f"nv_fuzz_{os.getpid()}"
    base, _, _ = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=10) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT / "example_project",
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout


def _openapi_document() -> dict[str, Any]:
    """The document as the fuzz server builds it; read before collection, to name the tests."""
    with tempfile.TemporaryDirectory(prefix="nv-fuzz-") as tmp:
        return json.loads(_run(_env(tmp), "-c", DOCUMENT))  # type: ignore[no-any-return]


DOC = _openapi_document()
schema = schemathesis.openapi.from_dict(
    DOC,
    config=schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",  # schema-valid and schema-violating data
                "max-examples": EXAMPLES,
                "database": "none",  # no replay of earlier runs: CI sees what a developer sees
            },
        }
    ),
)


@dataclass
class Figures:
    """What the run did, printed in the terminal summary."""

    started: float = field(default_factory=time.monotonic)
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    over_budget: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    phases: Counter[str] = field(default_factory=Counter)
    failed: dict[str, str] = field(default_factory=dict)  # "who operation": the report
    database: str = "?"

    def over(self) -> bool:
        return time.monotonic() - self.started > BUDGET

    def lines(self) -> list[str]:
        classes = Counter(f"{s // 100}xx" for s in self.statuses.elements())
        failed = f" ({', '.join(sorted(self.failed))})" if self.failed else ""
        documented = sum(1 for _ in schema.get_all_operations())
        return [
            f"operations fuzzed: {len(self.operations)} of {documented} ({self.database})",
            f"cases tried: {self.cases} ("
            + ", ".join(f"{k}: {v}" for k, v in sorted(classes.items()))
            + ")",
            "statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items())),
            "phases: " + ", ".join(f"{p}: {n}" for p, n in sorted(self.phases.items())),
            f"failures: {len(self.failed)}{failed}",
            f"cases skipped over the {BUDGET:.0f} s budget: {self.over_budget}",
            f"seed {SEED}, {EXAMPLES} examples per operation, "
            f"{time.monotonic() - self.started:.0f} s of fuzzing",
        ]


FIGURES = Figures()


class _Summary:
    """Prints the figures at the end of the pytest run (no ``-s`` needed)."""

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.section("fuzz figures")
        for line in FIGURES.lines():
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    """The example API under uvicorn, on a fresh database; yields its base URL."""
    request.config.pluginmanager.register(_Summary(), "fuzz-figures")
    with tempfile.TemporaryDirectory(prefix="nv-fuzz-") as tmp, _database() as database_url:
        FIGURES.database = "PostgreSQL" if database_url else "SQLite"
        env = _env(tmp, database_url)
        _run(env, "manage.py", "migrate", "--noinput")
        _run(env, "manage.py", "seed", "--books", "50")
        with uvicorn("config.asgi:application", env) as url:
            served = requests.get(f"{url}/api/openapi.json", timeout=10).json()
            assert served == DOC, "the served document differs from the one fuzzed"
            FIGURES.started = time.monotonic()
            yield url


@dataclass(frozen=True)
class Identity:
    name: str
    headers: dict[str, str]


@pytest.fixture(scope="session", params=["anonymous", "demo", "admin"])
def identity(request: pytest.FixtureRequest, server: str) -> Identity:
    """Who calls: nobody, the user ``demo``, the staff user ``admin`` (bearer tokens)."""
    if request.param == "anonymous":
        return Identity("anonymous", {})
    r = requests.post(
        f"{server}/api/token/",
        json={"username": request.param, "password": request.param},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return Identity(request.param, {"Authorization": f"Bearer {r.json()['token']}"})


@pytest.fixture(scope="session")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def _count(case: Any, identity: str) -> None:
    """Count a case about to be sent."""
    if case.headers:  # a request for another Host is not one for this API (Django's HTML 400)
        for name in [n for n in case.headers if n.lower() == "host"]:
            del case.headers[name]
    FIGURES.cases += 1
    FIGURES.operations.add(case.operation.label)
    meta = case.meta
    phase = f"{meta.phase.name.value} {meta.generation.mode.value}" if meta else "other"
    FIGURES.phases[phase] += 1


def _check(identity: str, case: Any, call: Callable[[], Any]) -> None:
    """Run ``call`` (send and validate); a failure is counted against the operation."""
    try:
        response = call()
    except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup is the latter
        FIGURES.failed.setdefault(f"{identity} {case.operation.label}", str(exc))
        raise
    FIGURES.statuses[response.status_code] += 1


HYPOTHESIS = hypothesis.settings(
    deadline=None, derandomize=True, suppress_health_check=list(hypothesis.HealthCheck)
)


@schema.parametrize()
@HYPOTHESIS
def test_operation(case: Any, server: str, identity: Identity, http: requests.Session) -> None:
    """One operation, as one caller, with valid and invalid data: only documented answers."""
    if FIGURES.over():
        FIGURES.over_budget += 1
        return
    _count(case, identity.name)
    _check(
        identity.name,
        case,
        lambda: case.call_and_validate(
            base_url=server, headers=identity.headers, session=http, checks=CHECKS, timeout=15
        ),
    )


def test_workflows(server: str, http: requests.Session) -> None:
    """Stateful: chains of calls along the links schemathesis infers (create a book, then read,
    change, review and delete it), as the user ``demo``; FUZZ_STEPS calls at most per chain."""
    if FIGURES.over():
        pytest.skip("the fuzzing time budget is spent")
    r = http.post(f"{server}/api/token/", json={"username": "demo", "password": "demo"})
    headers = {"Authorization": f"Bearer {r.json()['token']}"}

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            _count(case, "demo")
            return {"base_url": server, "headers": headers, "session": http, "timeout": 15}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            def validate() -> Any:
                case.validate_response(
                    response, checks=CHECKS, transport_kwargs=kwargs, recorder=self.recorder
                )
                return response

            _check("demo", case, validate)

    known = set(FIGURES.failed)
    # A chain's data comes from earlier answers of a server whose state moves on, so Hypothesis
    # may fail to replay one (Flaky): like schemathesis' own runner, that ends the run, and only
    # a failed check fails it.
    with contextlib.suppress(hypothesis.errors.Flaky):
        Workflow.run(
            settings=hypothesis.settings(
                HYPOTHESIS, max_examples=EXAMPLES, stateful_step_count=STEPS
            )
        )
    new = {k: v for k, v in FIGURES.failed.items() if k not in known}
    assert not new, "\n\n".join(f"{label}:\n{report}" for label, report in new.items())
