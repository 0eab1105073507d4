from django.contrib import admin
from django.urls import path

from config.health import healthz
from library.api import api
from library.views import AuthorViewSet

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", healthz, name="healthz"),
    # a viewset bound by hand, outside the router (DRF's as_view)
    path("plain/authors/", AuthorViewSet.as_view({"get": "list"}), name="plain-authors"),
]
