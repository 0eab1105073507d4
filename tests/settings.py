"""Settings for the test suite: SQLite, or PostgreSQL when DATABASE_URL is set."""

from pathlib import Path

from config.dburl import database_from_env

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "tests-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "ninja",
    "tests.testapp",
    "tests.schemasapp",
    "tests.drf.filtersapp",  # DRF's test_filters.py models (tests/drf/test_filters.py)
    "library",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
STATIC_URL = "static/"
ROOT_URLCONF = "tests.urls"
DATABASES = {"default": database_from_env(":memory:")}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # full-text and unaccent search
    INSTALLED_APPS.append("django.contrib.postgres")
NINJA_DEFAULT_THROTTLE_RATES = {"anon": "10000/h", "user": "10000/h", "reviews": "1000/m"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
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
