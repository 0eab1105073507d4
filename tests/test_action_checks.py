"""ninja_viewsets._action_checks: an action or hook the library could not call per request is
refused at ``register()``, with the fix in the message (never a 500 on the first request)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from ninja import Path, Query

from ninja_viewsets import DefaultRouter, ModelViewSet, ViewSet, action
from tests.testapp.models import Author


def register(viewset: type) -> None:
    DefaultRouter().register("things", viewset, basename="things")


def test_an_action_must_take_the_request_first():
    class NoRequest(ViewSet):
        @action(detail=False)
        async def ping(self) -> dict[str, str]:
            return {}

    with pytest.raises(ImproperlyConfigured, match=r"NoRequest\.ping\(\) must take the request"):
        register(NoRequest)

    class KeywordOnly(ViewSet):
        @action(detail=False)
        async def ping(self, *, request) -> dict[str, str]:
            return {}

    with pytest.raises(ImproperlyConfigured, match=r"async def ping\(self, request, \.\.\.\)"):
        register(KeywordOnly)


def test_args_stands_for_the_request():
    class Variadic(ViewSet):
        @action(detail=False)
        async def ping(self, *args) -> dict[str, str]:
            return {}

    register(Variadic)  # no error


def test_a_path_parameter_needs_its_value_in_the_url():
    class ListLevel(ViewSet):
        @action(detail=False)
        async def mark(self, request, pk: int) -> dict[str, int]:
            return {}

    with pytest.raises(
        ImproperlyConfigured,
        match=r"ListLevel\.mark\(\) takes the path parameter 'pk', but its URL has no path "
        r"parameters: use @action\(detail=True\)",
    ):
        register(ListLevel)

    class Marked(ViewSet):
        @action(detail=True)
        async def mark(self, request, pk: int, slot: int = Path(...)) -> dict[str, int]:
            return {}

    with pytest.raises(ImproperlyConfigured, match=r"'slot', but its URL has \{pk\}/: "):
        register(Marked)


def test_a_lookup_named_parameter_may_be_an_explicit_query_parameter():
    class Queried(ViewSet):
        @action(detail=False)
        async def find(self, request, pk: int = Query(...)) -> dict[str, int]:
            return {"pk": pk}

    register(Queried)  # no error: Query(...) says where it comes from


def test_an_overridden_hook_takes_what_its_action_passes():
    class BadHook(ModelViewSet):
        queryset = Author.objects.all()

        async def perform_update(self, instance):
            return instance

    with pytest.raises(
        ImproperlyConfigured,
        match=r"BadHook\.perform_update\(self, instance\) cannot be called as update calls it, "
        r"with \(instance, data\): write `async def perform_update\(self, instance, data\)`",
    ):
        register(BadHook)

    class GoodHooks(ModelViewSet):
        queryset = Author.objects.all()

        async def perform_create(self, data, **values):
            return await super().perform_create(data, **values)

        def perform_destroy(self, instance):  # sync is adapted, its arity is what counts
            instance.delete()

    register(GoodHooks)  # no error


@pytest.mark.parametrize(
    ("attribute", "fix"),
    [
        ("serializer_class", r"set output_schema .* and input_schema"),
        ("authentication_classes", r"set auth = "),
        ("parser_classes", r"JSON, and multipart/form-data .* remove parser_classes"),
    ],
)
def test_drf_attributes_this_library_does_not_read_are_refused(attribute, fix):
    """Found by a newcomer: DRF's ``serializer_class`` was silently ignored (the schemas were
    derived from the model instead), as were ``authentication_classes`` (no auth at all) and
    ``parser_classes``."""
    Ported = type(
        "Ported", (ModelViewSet,), {"queryset": Author.objects.all(), attribute: [object]}
    )
    with pytest.raises(ImproperlyConfigured, match=rf"Ported\.{attribute} is DRF's.*{fix}"):
        register(Ported)


def test_get_serializer_class_overridden_is_refused():
    class Ported(ModelViewSet):
        queryset = Author.objects.all()

        def get_serializer_class(self):
            return object

    with pytest.raises(ImproperlyConfigured, match=r"get_output_schema\(\) / get_input_schema"):
        register(Ported)
