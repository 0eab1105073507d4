"""A project-wide authentication: every viewset without `auth` uses it."""

from django.contrib.auth.models import User
from django.urls import path
from ninja import NinjaAPI
from ninja.security import HttpBasicAuth

from ninja_viewsets import DefaultRouter, ViewSet
from ninja_viewsets.permissions import IsAuthenticatedOrReadOnly

# settings.py
NINJA_VIEWSETS = {
    "DEFAULT_AUTHENTICATION": ["docs.src.default_auth.BasicAuth"],  # classes or instances
}


class BasicAuth(HttpBasicAuth):
    async def authenticate(self, request, username, password):
        user = await User.objects.filter(username=username).afirst()
        return user if user is not None and user.check_password(password) else None


class ProfileViewSet(ViewSet):
    """No `auth` here: the default applies. Anonymous reads are allowed (DRF's meaning)."""

    authentication_required = False
    permission_classes = [IsAuthenticatedOrReadOnly]

    async def list(self, request) -> dict[str, str | None]:
        return {"user": request.user.username or None}


def make_api() -> NinjaAPI:
    """The default is read at register(): build the router once settings are loaded."""
    router = DefaultRouter()
    router.register("profile", ProfileViewSet, basename="profile")
    api = NinjaAPI(urls_namespace="docs-default-auth")
    api.add_router("/", router)
    return api


urlpatterns = [path("api/", make_api().urls)]
