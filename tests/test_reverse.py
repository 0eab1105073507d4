"""``ninja_viewsets._reverse``: URLs of integer values from a template only where that is
exactly what ``reverse()`` gives; everything else through ``reverse()``."""

from __future__ import annotations

import pytest
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
