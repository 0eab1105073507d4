"""ninja_viewsets._plans: the plain records of a registration, resolved before anything
touches Ninja: a viewset's ``Plan`` (one ``PathPlan`` per URL, one ``OperationPlan`` per
method), each action's ``ActionConfig``, and the checks that make a bad registration fail
before anything is added."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from ninja import Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, ViewSet, action
from ninja_viewsets._plans import (
    Plan,
    lookup_converter,
    resolve_action,
    split_initkwargs,
)
from ninja_viewsets.permissions import AllowAny, IsAuthenticated
from tests.testapp.models import Author
from tests.testapp.schemas import AuthorOut


class AuthorIn(Schema):
    name: str


class Authors(ModelViewSet):
    """Authors."""

    queryset = Author.objects.order_by("pk")
    output_schema = AuthorOut
    input_schema = AuthorIn
    permission_classes = [IsAuthenticated]

    @action(detail=True, methods=["post"], name="Promote them")
    async def promote(self, request, pk: int) -> AuthorOut:
        return await self.get_object()


def test_a_plan_has_one_path_per_url_and_one_operation_per_method():
    router = DefaultRouter()
    plan = router.plan("authors", Authors, "author")
    assert isinstance(plan, Plan)
    assert plan.viewset is Authors and plan.basename == "author"
    table = {p.path: [op.methods[0] for op in p.operations] for p in plan.paths}
    assert table == {
        "/authors/": ["GET", "POST"],
        "/authors/{pk}/": ["GET", "PUT", "PATCH", "DELETE"],
        "/authors/{pk}/promote/": ["POST"],
    }
    promote = plan.paths[-1].operations[0]
    assert promote.options["summary"] == "Promote them"
    assert promote.options["operation_id"] == "author_promote"
    assert promote.options["tags"] == ["author"]
    assert 403 in promote.options["openapi_extra"]["responses"]  # a permission may refuse


def test_planning_touches_nothing_of_ninjas():
    router = DefaultRouter()
    router.plan("authors", Authors, "author")
    assert not [key for key in router.path_operations if "authors" in key]


def test_a_bad_registration_adds_nothing():
    class Broken(Authors):
        @action(detail=False)
        async def broken(self) -> dict[str, str]:  # no request: refused
            return {}

    router = DefaultRouter()
    with pytest.raises(ImproperlyConfigured):
        router.register("broken", Broken, basename="broken")
    assert not [key for key in router.path_operations if "broken" in key]


def test_an_action_config_says_what_the_operation_can_answer():
    config = resolve_action(Authors, "retrieve", {})
    assert config.generic and config.may_deny and not config.throttled
    assert not config.has_auth and not config.optimistic_concurrency

    class Open(ViewSet):
        permission_classes = [AllowAny]
        throttle_classes: list = []

    config = resolve_action(Open, "list", {})
    assert not config.generic and not config.may_deny

    class PerRequest(Authors):
        def get_permissions(self):
            if self.request.user.is_staff:  # reads the request: decided per request
                return [AllowAny()]
            return super().get_permissions()

    assert resolve_action(PerRequest, "list", {}).may_deny


def test_initkwargs_split_into_attributes_and_operation_options():
    attributes, options = split_initkwargs(
        Authors, {"name": "N", "suffix": "List", "summary": "S", "paginate": True}
    )
    assert attributes == {"name": "N", "suffix": "List"}
    assert options == {"summary": "S", "paginate": True}
    with pytest.raises(TypeError, match=r"Authors: @action received 'colour', which is neither"):
        split_initkwargs(Authors, {"colour": "red"})


def test_a_lookup_regex_gets_one_converter():
    name = lookup_converter("[0-9a-f]{4}")
    assert name == lookup_converter("[0-9a-f]{4}")
    assert re.fullmatch(r"nvlookup\d+", name)
    with pytest.raises(ImproperlyConfigured, match=r"lookup_value_regex '\[' is not a valid"):
        lookup_converter("[")


def test_two_schemas_of_one_name_are_refused_before_anything_is_added():
    class_a = type("Clash", (Schema,), {"__annotations__": {"a": int}})
    class_b = type("Clash", (Schema,), {"__annotations__": {"b": int}})

    class First(ViewSet):
        @action(detail=False, response=class_a)
        async def one(self, request):
            return {"a": 1}

        @action(detail=False, response=class_b)
        async def two(self, request):
            return {"b": 1}

    router = DefaultRouter()
    with pytest.raises(ImproperlyConfigured, match="Clash"):
        router.register("first", First, basename="first")
    assert not [key for key in router.path_operations if "first" in key]
