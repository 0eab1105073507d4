"""config/asgi.py of a deployment: the application on kept request threads, behind the
admission queue."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# first: it sets Django up, which importing ninja_viewsets needs (as any app code with models)
django_application = get_asgi_application()

from ninja_viewsets.asgi import AdmissionQueue, RequestThreads  # noqa: E402

# each request's sync work (the ORM's) on a thread kept from earlier requests
application = RequestThreads(django_application)
# at most WEB_MAX_CONCURRENCY requests run at once in this worker; the others wait in order
application = AdmissionQueue(application, limit=int(os.environ.get("WEB_MAX_CONCURRENCY", "8")))
