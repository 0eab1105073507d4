"""ninja_viewsets._signature: how a viewset action becomes a typed Ninja operation."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from ninja import Query, Schema

from ninja_viewsets import ModelViewSet, ViewSet, action
from ninja_viewsets._ninja import NOT_SET, STREAMING, Param
from ninja_viewsets._signature import (
    RESPONSE_PARAM,
    STANDARD_ACTIONS,
    build_spec,
    is_body_param,
    make_endpoint,
    schema_classes,
)
from tests.testapp.models import Author


class AuthorOut(Schema):
    id: int
    name: str


class NoteIn(Schema):
    text: str


class Other(Schema):
    x: int


class Notes(ViewSet):
    @action(detail=True, methods=["post"])
    async def annotate(self, request, pk: int, payload: NoteIn, loud: bool = False) -> AuthorOut:
        """Add a note."""
        raise NotImplementedError

    @action(detail=False)
    async def clear(self, request) -> None:
        raise NotImplementedError

    @action(detail=False)
    async def headers(self, request, response: HttpResponse, q: str = "") -> dict[str, str]:
        raise NotImplementedError

    @action(detail=False)
    async def untyped(self, request, limit=10, flag=None):
        raise NotImplementedError

    @action(detail=False)
    async def anything(self, request, **kwargs: Any) -> list[int]:
        raise NotImplementedError

    @action(detail=False)
    async def broken(self, request, thing: NotDefinedAnywhere) -> int:  # noqa: F821
        raise NotImplementedError


def spec_of(viewset: type, name: str, path: dict[str, Any] | None = None, **options: Any) -> Any:
    return build_spec(viewset, name, dict(path or {}), {}, dict(options))


def test_an_actions_parameters_become_typed_operation_parameters():
    spec = spec_of(Notes, "annotate", {"pk": int})
    names = [(p.name, p.annotation, p.default) for p in spec.parameters]
    assert names == [
        ("pk", int, inspect.Parameter.empty),
        ("payload", NoteIn, inspect.Parameter.empty),
        ("loud", bool, False),
    ]
    assert all(p.kind is p.KEYWORD_ONLY for p in spec.parameters)
    assert spec.path_params == ("pk",)
    assert spec.body == "payload"
    assert spec.response is AuthorOut and spec.item_schema is AuthorOut
    assert spec.accepts == frozenset({"pk", "payload", "loud"})
    assert spec.description == "Add a note."


def test_none_return_answers_204():
    spec = spec_of(Notes, "clear")
    assert spec.response == {204: None} and spec.empty_status == 204


def test_an_httpresponse_parameter_is_ninjas_response_not_a_query_parameter():
    spec = spec_of(Notes, "headers")
    assert spec.response_param == "response"
    assert [p.name for p in spec.parameters] == ["q"]


def test_unannotated_parameters_are_typed_from_their_default():
    spec = spec_of(Notes, "untyped")
    assert [(p.name, p.annotation) for p in spec.parameters] == [("limit", int), ("flag", str)]
    assert spec.response is NOT_SET


def test_kwargs_accepts_every_parameter():
    assert spec_of(Notes, "anything").accepts is None


def test_a_path_parameter_the_action_does_not_take_is_still_declared():
    spec = spec_of(Notes, "clear", {"parent_pk": int})
    assert [(p.name, p.annotation) for p in spec.parameters] == [("parent_pk", int)]


def test_an_unresolvable_annotation_names_the_method_and_the_fix():
    with pytest.raises(ImproperlyConfigured, match=r"Notes\.broken.*Import the types"):
        spec_of(Notes, "broken")


def test_a_missing_method_is_refused():
    with pytest.raises(ImproperlyConfigured, match="Notes has no method 'nope'"):
        spec_of(Notes, "nope")


@pytest.mark.skipif(not STREAMING, reason="django-ninja 1.5 has no streaming responses")
def test_a_streaming_action_is_not_finalized():
    from ninja.streaming import SSE

    class Streams(ViewSet):
        @action(detail=False, response=SSE[AuthorOut])
        async def events(self, request):
            yield {"id": 1, "name": "a"}

    spec = spec_of(Streams, "events", response=SSE[AuthorOut])
    assert spec.finalize is False and spec.item_schema is None


class Authors(ModelViewSet):
    queryset = Author.objects.all()
    output_schema = AuthorOut
    input_schema = NoteIn


@pytest.mark.parametrize("name", STANDARD_ACTIONS)
def test_standard_actions_of_a_model_viewset(name):
    path = {"pk": int} if name not in ("list", "create") else {}
    spec = spec_of(Authors, name, path)
    assert spec.action == name
    assert spec.path_params == tuple(path)
    assert (spec.body is not None) == (name in ("create", "update", "partial_update"))
    assert spec.collection == (name == "list")


def test_make_endpoint_is_a_fresh_async_function_typed_for_ninja():
    spec = spec_of(Notes, "annotate", {"pk": int})
    endpoint = make_endpoint(Notes, spec, {}, name="note_annotate")
    assert inspect.iscoroutinefunction(endpoint)
    params = list(inspect.signature(endpoint).parameters)
    assert params == ["request", "pk", "payload", "loud", RESPONSE_PARAM]
    assert inspect.signature(endpoint).parameters[RESPONSE_PARAM].annotation is HttpResponse
    assert (endpoint.__name__, endpoint.__module__, endpoint.__doc__) == (
        "note_annotate",
        __name__,
        "Add a note.",
    )


def test_is_body_param():
    body = inspect.Parameter("p", inspect.Parameter.KEYWORD_ONLY, annotation=NoteIn)
    query = inspect.Parameter(
        "f", inspect.Parameter.KEYWORD_ONLY, annotation=NoteIn, default=Query(...)
    )
    scalar = inspect.Parameter("n", inspect.Parameter.KEYWORD_ONLY, annotation=int)
    assert is_body_param(body)
    assert isinstance(query.default, Param) and not is_body_param(query)
    assert not is_body_param(scalar)


def test_schema_classes_finds_every_model_an_annotation_names():
    response = {200: list[AuthorOut], 400: dict[str, NoteIn | None], 404: None}
    assert schema_classes(response) == [AuthorOut, NoteIn]
    assert schema_classes(tuple[Other, int]) == [Other]
    assert schema_classes(int) == []


class Described(ViewSet):
    @action(detail=False)
    async def ping(self, request) -> dict[str, str]:
        """Answer pong.

        A second paragraph.
        """
        return {"pong": "base"}


class Redefined(Described):
    @action(detail=False)
    async def ping(self, request) -> dict[str, str]:
        return {"pong": "child"}


def test_the_description_is_the_methods_own_docstring_cleaned():
    assert spec_of(Described, "ping").description == "Answer pong.\n\nA second paragraph."
    # an override without a docstring has none (as a plain Ninja operation), not its base's
    assert spec_of(Redefined, "ping").description is None


def test_an_overrides_openapi_operation_has_no_inherited_description():
    from ninja import NinjaAPI

    from ninja_viewsets import DefaultRouter

    router = DefaultRouter()
    router.register("described", Described, basename="described")
    router.register("redefined", Redefined, basename="redefined")
    api = NinjaAPI(urls_namespace="signature-descriptions")
    api.add_router("/", router)
    paths = api.get_openapi_schema(path_prefix="")["paths"]
    assert paths["/described/ping/"]["get"]["description"] == "Answer pong.\n\nA second paragraph."
    assert "description" not in paths["/redefined/ping/"]["get"]
