"""DATABASE_URL -> Django DATABASES entry (SQLite by default), without an extra dependency;
psycopg's connection pool for PostgreSQL, sized from the number of workers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit


def database_from_env(default_sqlite: Path | str) -> dict[str, Any]:
    """``postgres://user:pass@host:port/name`` or ``sqlite:///path``; unset: ``default_sqlite``."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite)}
    parts = urlsplit(url)
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 0,
        }
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parts.path[1:] or ":memory:"}
    raise ValueError(f"DATABASE_URL scheme {parts.scheme!r} is not supported (postgres, sqlite).")


def pool_size(
    *, workers: int, max_connections: int = 100, reserved: int = 10, cap: int = 20
) -> int:
    """Connections per worker's pool: ``workers x size <= max_connections - reserved``.

    ``reserved`` keeps connections for everything that is not a web worker (migrations,
    ``psql``, cron jobs, PostgreSQL's superuser slots); ``cap`` bounds a pool on a big server,
    where more connections than cores only queue inside PostgreSQL.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    budget = max_connections - reserved
    if budget < workers:
        raise ValueError(
            f"{workers} workers need at least {workers} connections, but max_connections "
            f"({max_connections}) - reserved ({reserved}) leaves {budget}: raise "
            "max_connections, run fewer workers, or put pgbouncer in front of PostgreSQL."
        )
    return max(1, min(cap, budget // workers))


def pool_options(env: dict[str, str] | None = None) -> dict[str, Any] | None:
    """Django's ``OPTIONS["pool"]`` for PostgreSQL from the environment, or ``None`` (no pool).

    ``DB_POOL=0`` turns the pool off; ``WEB_CONCURRENCY`` (uvicorn's own default for
    ``--workers``) is the number of worker processes; ``DB_MAX_CONNECTIONS`` (100, PostgreSQL's
    default) and ``DB_RESERVED_CONNECTIONS`` (10) give the budget; ``DB_POOL_MAX_SIZE`` caps a
    pool (20); ``DB_POOL_TIMEOUT`` is how long a request waits for a connection (seconds, 10)
    before it is answered 503 with ``Retry-After``.

    No ``check`` here: the pool's check of a connection before a request gets it is
    ``CONN_HEALTH_CHECKS = True`` beside the pool (``config.settings``). Django passes
    psycopg_pool's ``check`` itself, from that setting; Django 5.2 refuses it in
    ``OPTIONS["pool"]`` ("ConnectionPool() got multiple values for keyword argument 'check'").
    """
    env = dict(os.environ) if env is None else env
    if env.get("DB_POOL", "1") == "0":
        return None
    try:
        import psycopg_pool  # noqa: F401
    except ImportError:  # the `prod` extra installs it: pip install "ninja-viewsets[prod]"
        return None
    size = pool_size(
        workers=int(env.get("WEB_CONCURRENCY", "1")),
        max_connections=int(env.get("DB_MAX_CONNECTIONS", "100")),
        reserved=int(env.get("DB_RESERVED_CONNECTIONS", "10")),
        cap=int(env.get("DB_POOL_MAX_SIZE", "20")),
    )
    return {
        "min_size": min(2, size),
        "max_size": size,
        "timeout": float(env.get("DB_POOL_TIMEOUT", "10")),
        # one idle for 10 minutes is closed (PostgreSQL or a firewall may have dropped it)
        "max_idle": 600,
    }
