"""config/asgi.py of a deployment: the application behind the admission queue."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# first: it sets Django up, which importing ninja_viewsets needs (as any app code with models)
django_application = get_asgi_application()

from ninja_viewsets.asgi import AdmissionQueue  # noqa: E402

# at most WEB_MAX_CONCURRENCY requests run at once in this worker; the others wait in order
application = AdmissionQueue(
    django_application, limit=int(os.environ.get("WEB_MAX_CONCURRENCY", "8"))
)
