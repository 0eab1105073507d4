"""Project-wide settings: one dict, ``NINJA_VIEWSETS`` in Django's settings.

    NINJA_VIEWSETS = {
        "DEFAULT_PERMISSION_CLASSES": ["ninja_viewsets.permissions.IsAuthenticated"],
    }

Values may be classes or dotted import strings.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

__all__ = ["DEFAULTS", "generation", "get_setting"]

DEFAULTS: dict[str, Any] = {
    "DEFAULT_PERMISSION_CLASSES": ["ninja_viewsets.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": None,
    "DEFAULT_THROTTLE_CLASSES": [],
    "JSON_RENDERING": True,  # see ninja_viewsets.renderers
    "DEFAULT_RENDERER_CLASSES": ["ninja_viewsets.renderers.JSONRenderer"],  # first: the default
    "EXPORT_CHUNK_SIZE": 2000,  # rows per fetch of a streamed (CSV / JSON Lines) export
    "MAX_UPLOAD_SIZE": 10 * 1024 * 1024,  # bytes per uploaded file (413 past it); None: no limit
    # handler(exc, context) -> response or None (a 500); see ninja_viewsets.exceptions
    "EXCEPTION_HANDLER": "ninja_viewsets.exceptions.exception_handler",
    # Ninja auth objects (or dotted paths) for every viewset that does not set `auth`
    "DEFAULT_AUTHENTICATION": None,
    "THROTTLE_FAIL_OPEN": True,  # see ninja_viewsets.throttling: the cache is down
    "IDEMPOTENCY_CACHE": "idempotency",  # see ninja_viewsets.idempotency
    "IDEMPOTENCY_TTL": 24 * 3600,
    "IDEMPOTENCY_WAIT": 10,
    # filters (see ninja_viewsets.filters and docs/filtering.md)
    "DEFAULT_FILTER_BACKENDS": [
        "ninja_viewsets.filters.FilterSchemaBackend",
        "ninja_viewsets.filters.SearchFilter",
        "ninja_viewsets.filters.OrderingFilter",
    ],
    "SEARCH_PARAM": "search",
    "ORDERING_PARAM": "ordering",
    "SEARCH_MAX_TERMS": 10,
    "SEARCH_MAX_TERM_LENGTH": 100,
    "FILTER_MAX_VALUE_LENGTH": 500,
    "BULK_MAX_ITEMS": 1000,  # see ninja_viewsets.bulk: a larger batch is a 413
}

# settings whose strings are values, not dotted paths to import
PLAIN_SETTINGS = frozenset({"SEARCH_PARAM", "ORDERING_PARAM"})


def _load(value: Any) -> Any:
    if isinstance(value, str):
        return import_string(value)
    if isinstance(value, list | tuple):
        return [_load(v) for v in value]
    return value


_cache: dict[str, Any] = {}

#: Bumped whenever ``NINJA_VIEWSETS`` changes (``override_settings``): what was computed from
#: the settings once per operation (the viewsets' request plans) is computed again.
generation = 0


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs: Any) -> None:
    global generation
    if setting in ("NINJA_VIEWSETS", "NINJA_DEFAULT_THROTTLE_RATES"):
        _cache.clear()
        generation += 1


def get_setting(name: str) -> Any:
    """Read ``NINJA_VIEWSETS[name]``, importing dotted paths (cached until settings change)."""
    try:
        return _cache[name]
    except KeyError:
        value = _cache[name] = _read(name)
        return value


def _read(name: str) -> Any:
    if name not in DEFAULTS:
        raise ImproperlyConfigured(f"NINJA_VIEWSETS has no setting {name!r}.")
    user = getattr(settings, "NINJA_VIEWSETS", {}) or {}
    unknown = set(user) - set(DEFAULTS)
    if unknown:
        raise ImproperlyConfigured(
            f"Unknown NINJA_VIEWSETS keys {sorted(unknown)}; valid keys: {sorted(DEFAULTS)}."
        )
    value = user.get(name, DEFAULTS[name])
    return value if name in PLAIN_SETTINGS else _load(value)
