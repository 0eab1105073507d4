"""ninja_viewsets.conf: NINJA_VIEWSETS settings, dotted paths, errors naming the valid keys."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import path
from ninja import NinjaAPI

from ninja_viewsets import SimpleRouter, ViewSet
from ninja_viewsets.conf import DEFAULTS, get_setting
from ninja_viewsets.permissions import AllowAny, IsAuthenticated


def test_defaults_without_settings(settings):
    settings.NINJA_VIEWSETS = {}
    assert get_setting("DEFAULT_PERMISSION_CLASSES") == [AllowAny]  # a dotted path, imported
    assert get_setting("JSON_RENDERING") is True
    assert get_setting("DEFAULT_PAGINATION_CLASS") is None


def test_dotted_paths_and_classes_are_both_accepted(settings):
    settings.NINJA_VIEWSETS = {
        "DEFAULT_PERMISSION_CLASSES": ["ninja_viewsets.permissions.IsAuthenticated", AllowAny]
    }
    assert get_setting("DEFAULT_PERMISSION_CLASSES") == [IsAuthenticated, AllowAny]


def test_the_cache_follows_setting_changes(settings):
    settings.NINJA_VIEWSETS = {"JSON_RENDERING": False}
    assert get_setting("JSON_RENDERING") is False
    settings.NINJA_VIEWSETS = {"JSON_RENDERING": True}
    assert get_setting("JSON_RENDERING") is True


def test_an_unknown_key_names_the_valid_ones(settings):
    settings.NINJA_VIEWSETS = {"DEFAULT_PERMISSIONS": []}  # a typo
    with pytest.raises(ImproperlyConfigured, match=r"DEFAULT_PERMISSIONS.*valid keys") as info:
        get_setting("JSON_RENDERING")
    assert "DEFAULT_PERMISSION_CLASSES" in str(info.value)


def test_an_unknown_name_is_refused():
    with pytest.raises(ImproperlyConfigured, match="no setting 'NOPE'"):
        get_setting("NOPE")


def test_a_bad_dotted_path_raises_the_import_error(settings):
    settings.NINJA_VIEWSETS = {"DEFAULT_PERMISSION_CLASSES": ["ninja_viewsets.permissions.Nope"]}
    with pytest.raises(ImportError, match="Nope"):
        get_setting("DEFAULT_PERMISSION_CLASSES")


IMPORTED = (  # read through get_setting(): dotted paths are imported
    "DEFAULT_PERMISSION_CLASSES",
    "DEFAULT_PAGINATION_CLASS",
    "DEFAULT_THROTTLE_CLASSES",
    "JSON_RENDERING",
    "EXCEPTION_HANDLER",
    "DEFAULT_AUTHENTICATION",
    "THROTTLE_FAIL_OPEN",
)


def test_every_default_read_through_get_setting_is_readable(settings):
    settings.NINJA_VIEWSETS = {}
    assert set(IMPORTED) <= set(DEFAULTS)
    for name in IMPORTED:
        get_setting(name)
    assert callable(get_setting("EXCEPTION_HANDLER"))


class Open(ViewSet):  # no permission_classes: the setting decides
    async def list(self, request) -> list[int]:
        return [1]


router = SimpleRouter()
router.register("open", Open, basename="open")
api = NinjaAPI(urls_namespace="conf")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


def test_the_setting_reaches_requests(client, settings):
    settings.NINJA_VIEWSETS = {}
    assert client.get("/api/open/").status_code == 200
    settings.NINJA_VIEWSETS = {
        "DEFAULT_PERMISSION_CLASSES": ["ninja_viewsets.permissions.IsAuthenticated"]
    }
    assert client.get("/api/open/").status_code in (401, 403)
