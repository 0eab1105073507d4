"""The tutorial's API mounted in this repository's test suite (your project's config/urls.py
is the tutorial's; this one only imports the API relatively)."""

from django.urls import path

from .api import api

urlpatterns = [path("api/", api.urls)]
