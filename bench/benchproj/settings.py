"""Settings of the benchmark project: one process serving the same resource five ways.

Environment:
  BENCH_STACKS  comma-separated subset of nv,ref,drf,adrf,extra to mount (default: all);
                the memory measurement starts one server per stack with a single one.
  BENCH_DB      sqlite (default, file bench/bench.sqlite3) or postgres (database `bench`).
  BENCH_PG_DSN  host/port/user for postgres (default 127.0.0.1:5432, user postgres).
  BENCH_COUNT   1: install the middleware counting queries and sync_to_async hops per request
                (only for the separate count pass; never during the timed load).
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

ALL_STACKS = ("nv", "ref", "drf", "adrf", "extra")
STACKS = tuple(
    s for s in os.environ.get("BENCH_STACKS", ",".join(ALL_STACKS)).split(",") if s.strip()
)
unknown = set(STACKS) - set(ALL_STACKS)
if unknown:
    raise RuntimeError(f"BENCH_STACKS: unknown stack(s) {sorted(unknown)}")

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "ninja",
    "app",
]
if {"drf", "adrf"} & set(STACKS):
    INSTALLED_APPS.append("rest_framework")
if "extra" in STACKS:
    INSTALLED_APPS.append("ninja_extra")

# No session/auth/CSRF middleware: every stack answers anonymous JSON requests the same way.
MIDDLEWARE = []
COUNTING = os.environ.get("BENCH_COUNT") == "1"
if COUNTING:
    MIDDLEWARE.append("benchproj.counting.CountingMiddleware")

ROOT_URLCONF = "benchproj.urls"
ASGI_APPLICATION = "benchproj.asgi.application"

if os.environ.get("BENCH_DB", "sqlite") == "postgres":
    pg_options = {}
    try:  # a connection pool when psycopg_pool is installed (run.sh installs it)
        import psycopg_pool  # noqa: F401

        pg_options["pool"] = {"min_size": 2, "max_size": 30, "timeout": 30}
    except ImportError:
        pass
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("BENCH_PG_NAME", "bench"),
            "USER": os.environ.get("BENCH_PG_USER", "postgres"),
            "HOST": os.environ.get("BENCH_PG_HOST", "127.0.0.1"),
            "PORT": os.environ.get("BENCH_PG_PORT", "5432"),
            "OPTIONS": pg_options,
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "bench.sqlite3",
            "OPTIONS": {
                # WAL + IMMEDIATE + a timeout: concurrent writers wait instead of failing
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

# Same page size everywhere (Ninja's paginators read it as their default).
NINJA_PAGINATION_PER_PAGE = 20

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
