"""Settings of the example project: SQLite by default, PostgreSQL with DATABASE_URL,
a Redis cache with REDIS_URL (shared by every worker, so throttles hold across processes)."""

import os
from pathlib import Path

from config.dburl import database_from_env, pool_options

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-only-not-secret")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "library",
]
# Django's stock middleware, run in the event loop where it does no I/O (Django's own classes
# take a thread hop each, a dozen per request under ASGI): docs/deployment.md#middleware
MIDDLEWARE = [
    "ninja_viewsets.middleware.SecurityMiddleware",
    "ninja_viewsets.middleware.SessionMiddleware",
    "ninja_viewsets.middleware.CommonMiddleware",
    "ninja_viewsets.middleware.CsrfViewMiddleware",
    "ninja_viewsets.middleware.AuthenticationMiddleware",
    "ninja_viewsets.middleware.MessageMiddleware",
    "ninja_viewsets.middleware.XFrameOptionsMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
]
ROOT_URLCONF = "config.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
ASGI_APPLICATION = "config.asgi.application"
DATABASES = {"default": database_from_env(BASE_DIR / "db.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and (pool := pool_options()):
    # Under ASGI each request runs in its own thread, and without a pool opens its own
    # connection: a burst of clients exhausts max_connections. The pool (psycopg_pool, the
    # `prod` extra) keeps workers x max_size connections; see docs/deployment.md.
    DATABASES["default"]["OPTIONS"] = {"pool": pool}
    # the pool checks a connection before handing it out (psycopg_pool's `check`), so none
    # broken by a PostgreSQL restart reaches a request: Django sets that check from
    # CONN_HEALTH_CHECKS (on Django 5.2 a "check" in OPTIONS["pool"] is a TypeError)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
USE_TZ = True
STATIC_URL = "static/"
MEDIA_URL = "media/"
MEDIA_ROOT = os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media")  # uploads (book covers)

NINJA_VIEWSETS = {
    "DEFAULT_PERMISSION_CLASSES": ["ninja_viewsets.permissions.AllowAny"],
}
NINJA_PAGINATION_PER_PAGE = 20
NINJA_DEFAULT_THROTTLE_RATES = {"anon": "1000/h", "user": "5000/h", "reviews": "30/m"}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,  # uvicorn's own lines ("Uvicorn running on", access log)
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "ninja_viewsets": {"handlers": ["console"], "level": "WARNING"},
        # Django's 500s with their traceback (by default they only go to ADMINS by email)
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}
