"""config/asgi.py of a deployment: the application behind the admission queue."""

import os

from django.core.asgi import get_asgi_application

from ninja_viewsets.asgi import AdmissionQueue

# at most WEB_MAX_CONCURRENCY requests run at once in this worker; the others wait in order
application = AdmissionQueue(
    get_asgi_application(), limit=int(os.environ.get("WEB_MAX_CONCURRENCY", "8"))
)
