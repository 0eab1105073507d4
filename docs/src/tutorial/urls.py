"""The project's urls.py: the API under /api/ (Swagger UI at /api/docs)."""

from django.urls import path

from .api import api

urlpatterns = [path("api/", api.urls)]
