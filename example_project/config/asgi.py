"""ASGI entry point: ``uvicorn config.asgi:application`` (run from example_project/)."""

import gc
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))  # the library itself
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from asgiref.sync import sync_to_async
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.exception import response_for_exception
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import get_resolver

# Django first: it sets up the apps, which importing ninja_viewsets needs (its models)
django_application = get_asgi_application()

from ninja_viewsets.asgi import AdmissionQueue, RequestThreads  # noqa: E402


class StaticFiles(ASGIStaticFilesHandler):
    """Django's static file serving, as runserver's, that answers ``/static/../x`` with a 400.

    uvicorn serves no files, so the Swagger UI at /api/docs would miss the JS and CSS that
    django-ninja ships (no CDN: it works offline). A real deployment serves the output of
    ``manage.py collectstatic`` from its web server or a CDN instead.
    """

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        try:
            return await super().get_response_async(request)
        except SuspiciousOperation as exc:  # Django only turns Http404 into a response here
            return await sync_to_async(response_for_exception, thread_sensitive=False)(request, exc)


# each request's ORM and other sync work on a thread kept from earlier requests, where Django
# starts two new threads per request (docs/deployment.md: "Request threads")
application = StaticFiles(RequestThreads(django_application))


# At most WEB_MAX_CONCURRENCY requests run at once in each worker, the others queue in arrival
# order (docs/deployment.md: "Concurrency per worker"); 0 turns the queue off.
application = AdmissionQueue(application, limit=int(os.environ.get("WEB_MAX_CONCURRENCY", "8")))

# What start-up loads (Django, the URLconf with the API and its viewsets' routes) lives as long
# as the worker: gc.freeze() puts it out of the cyclic collector's reach, so the full
# collections that a busy worker runs now and then scan what requests allocate, not all of that
# (docs/deployment.md: "Garbage collection")
get_resolver().url_patterns  # noqa: B018 (the URLconf, loaded now rather than on a request)
gc.freeze()
