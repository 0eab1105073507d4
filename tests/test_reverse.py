"""``ninja_viewsets._reverse``: URLs of integer values from a template only where that is
exactly what ``reverse()`` gives; everything else through ``reverse()``."""

from __future__ import annotations

import pytest
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.urls import (
    NoReverseMatch,
    clear_script_prefix,
    include,
    path,
    re_path,
    register_converter,
    reverse,
    set_script_prefix,
)

from ninja_viewsets import _reverse
from ninja_viewsets._reverse import reverse_in_api


class Padded:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{value:08d}"


register_converter(Padded, "padded")


def view(request, **kwargs):  # pragma: no cover - never called
    return HttpResponse()


api = [
    path("things/<int:pk>/", view, name="thing-detail"),
    path("things/<str:pk>/notes/", view, name="thing-notes"),
    path("parents/<int:parent_pk>/kids/<int:pk>/", view, name="kid-detail"),
    path("padded/<padded:pk>/", view, name="padded-detail"),
    re_path(r"^odd/(?P<pk>[13579]+)/$", view, name="odd-detail"),
    path("v1/<int:pk>/1/", view, name="ones-detail"),
]
urlpatterns = [path("api/", include((api, "shop"), namespace="shop"))]

VALUES = [0, 1, 7, 10, 123, 99999, 10**17 + 3]


def cached(name: str) -> list[str | None]:
    return [t for cache in _reverse._templates.values() for k, t in cache.items() if k[1] == name]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("name", ["thing-detail", "thing-notes", "ones-detail"])
def test_integer_urls_come_from_a_template_equal_to_reverse(name):
    for value in VALUES:
        assert reverse_in_api(name, kwargs={"pk": value}) == reverse(
            f"shop:{name}", kwargs={"pk": value}
        )
    assert cached(name) and all(t is not None for t in cached(name))


@pytest.mark.urls(__name__)
def test_several_integer_values_nested_routes():
    for parent in VALUES:
        for pk in (1, 2, 31):
            kwargs = {"parent_pk": parent, "pk": pk}
            assert reverse_in_api("kid-detail", kwargs=kwargs) == reverse(
                "shop:kid-detail", kwargs=kwargs
            )


@pytest.mark.urls(__name__)
def test_a_converter_that_formats_its_integer_is_never_templated():
    assert reverse_in_api("padded-detail", kwargs={"pk": 42}) == "/api/padded/00000042/"
    assert cached("padded-detail") == [None]


@pytest.mark.urls(__name__)
def test_a_pattern_that_refuses_some_integers_is_never_templated():
    assert reverse_in_api("odd-detail", kwargs={"pk": 135}) == "/api/odd/135/"
    with pytest.raises(NoReverseMatch):
        reverse_in_api("odd-detail", kwargs={"pk": 24})
    assert cached("odd-detail") == [None]


@pytest.mark.urls(__name__)
def test_values_that_are_not_small_non_negative_integers_go_through_reverse():
    assert reverse_in_api("thing-notes", kwargs={"pk": "abc"}) == "/api/things/abc/notes/"
    assert reverse_in_api("thing-notes", kwargs={"pk": True}) == "/api/things/True/notes/"
    assert reverse_in_api("thing-notes", kwargs={"pk": -3}) == "/api/things/-3/notes/"
    with pytest.raises(NoReverseMatch):
        reverse_in_api("thing-detail", kwargs={"pk": -3})
    big = 10**18 + 1
    assert reverse_in_api("thing-detail", kwargs={"pk": big}) == f"/api/things/{big}/"


@pytest.mark.urls(__name__)
def test_the_script_prefix_is_part_of_the_template():
    assert reverse_in_api("thing-detail", kwargs={"pk": 5}) == "/api/things/5/"
    set_script_prefix("/mounted/")
    try:
        assert reverse_in_api("thing-detail", kwargs={"pk": 5}) == "/mounted/api/things/5/"
    finally:
        clear_script_prefix()
    assert reverse_in_api("thing-detail", kwargs={"pk": 6}) == "/api/things/6/"


# -- absolute_uri: build_absolute_uri()'s string, the host validated once per headers --------

LOCATIONS = [
    "/api/books/7/",
    "/api/books/?page=2&fields=id,title",
    "/api/b%C3%BCcher/1/",  # quoted as reverse() quotes
    "/api/bücher/1/",  # not quoted: iri_to_uri's
    "/api/a b/",
    "/api/./books/",
    "/api/x/../books/",
    "//evil.example/x",
    "relative/path/",
    "/api/books/#frag",
    "/media/photo%20(1).png",
]
REQUESTS = [
    {},
    {"HTTP_HOST": "api.example.com"},
    {"HTTP_HOST": "api.example.com:8443", "wsgi.url_scheme": "https"},
    {"HTTP_HOST": "internal:8000", "HTTP_X_FORWARDED_HOST": "public.example.com"},
    {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "api.example.com"},
]


@pytest.mark.parametrize("location", LOCATIONS)
@pytest.mark.parametrize("meta", REQUESTS)
@pytest.mark.parametrize("forwarded", [False, True])
def test_absolute_uri_is_build_absolute_uri(rf, settings, location, meta, forwarded):
    settings.ALLOWED_HOSTS = ["testserver", ".example.com", "internal"]
    settings.USE_X_FORWARDED_HOST = forwarded
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if forwarded else None
    for _ in range(2):  # the second time from the remembered host
        request = rf.get("/", **meta)
        assert _reverse.absolute_uri(request, location) == request.build_absolute_uri(location)


def test_absolute_uri_refuses_a_host_as_django_does_even_after_a_valid_one(rf, settings):
    settings.ALLOWED_HOSTS = ["api.example.com"]
    good = rf.get("/", HTTP_HOST="api.example.com")
    assert _reverse.absolute_uri(good, "/x/") == "http://api.example.com/x/"
    for _ in range(2):
        with pytest.raises(DisallowedHost):
            _reverse.absolute_uri(rf.get("/", HTTP_HOST="evil.example"), "/x/")


def test_a_changed_setting_forgets_the_validated_hosts(rf, settings):
    settings.ALLOWED_HOSTS = ["api.example.com"]
    assert _reverse.absolute_uri(rf.get("/", HTTP_HOST="api.example.com"), "/x/")
    settings.ALLOWED_HOSTS = ["other.example.com"]  # setting_changed: validated again
    with pytest.raises(DisallowedHost):
        _reverse.absolute_uri(rf.get("/", HTTP_HOST="api.example.com"), "/x/")


def test_the_validated_hosts_stay_bounded(rf, settings):
    settings.ALLOWED_HOSTS = ["*"]  # any host validates: a client could send millions
    for i in range(_reverse._MAX_HOSTS * 2):
        request = rf.get("/", HTTP_HOST=f"h{i}.example")
        assert _reverse.absolute_uri(request, "/x/") == f"http://h{i}.example/x/"
    assert len(_reverse._hosts) <= _reverse._MAX_HOSTS


def test_a_request_that_is_not_djangos_builds_its_own_absolute_uri(rf):
    """Ninja's TestClient hands viewsets a ``Mock(spec=HttpRequest)`` (1.5) or an
    ``HttpRequest`` with its own ``build_absolute_uri`` (1.6+): theirs is used."""
    from unittest.mock import Mock

    from django.http import HttpRequest

    mocked = Mock(spec=HttpRequest)
    mocked.build_absolute_uri = lambda location: f"http://mock{location}"
    assert _reverse.absolute_uri(mocked, "/x/") == "http://mock/x/"
    own = rf.get("/")
    own.build_absolute_uri = lambda location: f"http://own{location}"
    assert _reverse.absolute_uri(own, "/x/") == "http://own/x/"
