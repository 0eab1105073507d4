"""ASGI entry for end-to-end tests: tests.settings with ROOT_URLCONF from TEST_URLCONF."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django
from django.conf import settings

django.setup()
if os.environ.get("TEST_URLCONF"):
    settings.ROOT_URLCONF = os.environ["TEST_URLCONF"]

from django.core.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()
