"""config/urls.py: the API under /api/ (Swagger UI at /api/docs), and its static files."""

from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import path

from library.api import api

urlpatterns = [
    path("api/", api.urls),
    *staticfiles_urlpatterns(),  # Swagger UI's JavaScript and CSS, while DEBUG is on
]
