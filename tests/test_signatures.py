"""An action or hook the library could not call fails at register(), naming the fix."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from ninja import Path, Query, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, ViewSet, action
from tests.testapp.models import Tag


class TagIO(Schema):
    name: str


class Base(ModelViewSet):
    queryset = Tag.objects.all()
    input_schema = TagIO
    output_schema = TagIO


def register(viewset: type) -> None:
    DefaultRouter().register("things", viewset, basename="things")


def test_action_without_request():
    class NoRequest(ViewSet):
        @action(detail=False)
        async def recent(self) -> list[int]:
            return []

    with pytest.raises(ImproperlyConfigured) as info:
        register(NoRequest)
    assert str(info.value) == (
        "NoRequest.recent() must take the request as its first argument, as a DRF action: "
        "`async def recent(self, request, ...)`."
    )


def test_action_whose_first_argument_is_not_the_request():
    class Renamed(ViewSet):
        async def list(self, req) -> list[int]:
            return []

    with pytest.raises(ImproperlyConfigured, match=r"Renamed\.list\(\) must take the request"):
        register(Renamed)


def test_path_parameter_the_url_does_not_have():
    class ListLevel(Base):
        @action(detail=False)
        async def touch(self, request, pk: int) -> dict[str, int]:
            return {"pk": pk}

    with pytest.raises(ImproperlyConfigured) as info:
        register(ListLevel)
    message = str(info.value)
    assert "ListLevel.touch() takes the path parameter 'pk'" in message
    assert "use @action(detail=True)" in message

    class Declared(Base):
        @action(detail=True, url_path="tag")
        async def tag(self, request, pk: int, slug: str = Path(...)) -> dict[str, str]:
            return {"slug": slug}

    with pytest.raises(
        ImproperlyConfigured, match=r"Declared\.tag\(\) takes the path parameter 'slug'"
    ):
        register(Declared)


def test_callable_signatures_pass():
    class Fine(Base):
        @action(detail=True, url_path="tag/{slug}")
        async def tag(self, request, pk: int, slug: str) -> dict[str, str]:
            return {"slug": slug}

        @action(detail=False)
        async def search(self, request, pk: int = Query(...)) -> dict[str, int]:
            return {"pk": pk}  # a query parameter that happens to be named pk

        @action(detail=False)
        async def anything(self, request, *args, **kwargs) -> dict[str, int]:
            return {}

        async def perform_create(self, data):
            return await super().perform_create(data)

    register(Fine)


async def no_data(self): ...


async def no_instance(self, data): ...


async def two_instances(self, a, b): ...


@pytest.mark.parametrize(
    ("hook", "function", "expected"),
    [
        ("perform_create", no_data, "(data)"),
        ("perform_update", no_instance, "(instance, data)"),
        ("perform_destroy", two_instances, "(instance)"),
    ],
)
def test_hook_that_cannot_take_its_arguments(hook, function, expected):
    viewset = type("Hooked", (Base,), {hook: function})
    with pytest.raises(ImproperlyConfigured) as info:
        register(viewset)
    message = str(info.value)
    assert message.startswith(f"Hooked.{hook}(")
    assert "cannot be called as" in message and f"with {expected}" in message
