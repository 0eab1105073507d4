"""The one seam to Ninja and pydantic-core: every internal it uses exists, with the shape used,
in the installed versions. An incompatible release fails here, by name."""

import importlib.util
import inspect
import re
from pathlib import Path

import pytest
from ninja import NinjaAPI, Router, Schema
from ninja.conf import settings as ninja_settings
from ninja.operation import AsyncOperation, Operation, PathView
from pydantic import BaseModel

import ninja_viewsets
from ninja_viewsets import _ninja

PACKAGE = Path(ninja_viewsets.__file__).parent


@pytest.mark.parametrize(
    "owner, name, why, hook, since",
    _ninja.SEAM,
    ids=lambda v: getattr(v, "__name__", None) or str(v)[:30],
)
def test_every_internal_of_the_seam_exists(owner, name, why, hook, since):
    if since > _ninja.NINJA_VERSION:
        assert not hasattr(owner, name) or name in ("operations",), "a gate can be dropped"
        pytest.skip(f"{owner.__name__}.{name} is used from django-ninja {since} on")
    if hasattr(owner, name):
        return
    # an instance attribute: look on a real instance
    router = Router()
    router.add_api_operation("/x", ["GET"], _get_x, response=int)
    instances = {
        Router: router,
        PathView: router.path_operations["/x"],
        NinjaAPI: NinjaAPI(urls_namespace="seam-check"),
        Operation: router.path_operations["/x"].operations[0],
        type(ninja_settings): ninja_settings,
    }
    assert hasattr(instances[owner], name), f"{owner.__name__}.{name} is gone: {why}"


def _get_x(request):
    return 1


def _get_pk(request, pk: str):
    return pk


def test_path_view_add_operation_takes_what_the_seam_passes():
    params = inspect.signature(PathView.add_operation).parameters
    assert list(params)[:4] == ["self", "path", "methods", "view_func"]
    router_params = inspect.signature(Router.add_api_operation).parameters
    # every option add_api_operation forwards reaches PathView.add_operation by keyword
    forwarded = {n for n, p in router_params.items() if p.kind is p.KEYWORD_ONLY}
    assert forwarded <= set(params)


def test_add_api_operation_files_views_under_the_key_the_seam_computes():
    router = Router()
    for path in ("/a/{uuid:pk}/", "/b/{UUID:pk}", "/c/{int:pk}/", "/d/{pk}"):
        router.add_api_operation(path, ["GET"], _get_pk)
        assert _ninja.path_key(path) in router.path_operations


def test_planted_view_receives_the_operations_and_their_class():
    router = Router()
    view = _ninja.plant_path_view(router, "/items/{uuid:pk}/", _ninja.SeamPathView)

    async def get_item(request, pk: str):
        return pk

    router.add_api_operation("/items/{uuid:pk}/", ["GET"], get_item, response=str)
    assert router.path_operations["/items/{uuidstr:pk}/"] is view
    (operation,) = view.operations
    assert type(operation) is _ninja.SeamOperation
    assert _ninja.operation_of(get_item) is operation


def test_a_plain_path_view_is_converted_in_place():
    router = Router()
    router.add_api_operation("/mixed/", ["GET"], _get_x)
    plain = router.path_operations["/mixed/"]
    view = _ninja.plant_path_view(router, "/mixed/", _ninja.SeamPathView)
    assert view is plain and type(view) is _ninja.SeamPathView
    assert len(view.operations) == 1 and type(view.operations[0]) is Operation


def test_response_wrappers_are_shared_and_keep_the_field_the_renderer_reads():
    router = Router()
    views = []
    for path in ("/one/", "/two/"):
        view = _ninja.plant_path_view(router, path, _ninja.SeamPathView)

        async def endpoint(request):
            return {}

        router.add_api_operation(path, ["GET"], endpoint, response=dict[str, int])
        views.append(view)
    first, second = (v.operations[0].response_models[200] for v in views)
    assert first is second
    assert issubclass(first, BaseModel)
    assert _ninja.response_annotation(first) == dict[str, int]
    assert first(response={"a": 1}).model_dump_json().encode().startswith(_ninja.RESPONSE_PREFIX)
    assert "_create_response_model" in vars(Operation)
    assert issubclass(_ninja.SeamOperation, AsyncOperation)


def test_clone_keeps_the_class_and_the_named_attributes():
    if not hasattr(PathView, "clone"):  # django-ninja 1.5 does not clone views
        pytest.skip("django-ninja 1.5 mounts views without cloning them")

    class Named(_ninja.SeamPathView):
        cloned_attributes = ("marker",)

    view = Named()
    view.marker = "kept"
    cloned = view.clone()
    assert type(cloned) is Named and cloned.marker == "kept"


def test_operations_are_told_their_api_before_the_document_reads_openapi_extra():
    seen = []

    class Spy(_ninja.SeamOperation):
        def bound(self, api):
            seen.append(api)
            api.openapi_extra = {**api.openapi_extra, "x-bound": self.path}

    class SpyView(_ninja.SeamPathView):
        operation_class = Spy

    router = Router()
    _ninja.plant_path_view(router, "/spy/", SpyView)

    async def spy(request):
        return 1

    router.add_api_operation("/spy/", ["GET"], spy, response=int)
    assert seen == []  # not bound yet
    api = NinjaAPI(urls_namespace="seam-bound")
    api.add_router("/", router)  # Ninja 1.5 binds here, 1.6+ when the document is built
    document = api.get_openapi_schema(path_prefix="")
    assert seen and all(bound is api for bound in seen)
    assert document["x-bound"] == "/spy/"
    assert "/spy/" in document["paths"]


class WithResolver(Schema):
    name: str

    @staticmethod
    def resolve_name(obj):
        return "x"


class Plain(Schema):
    name: str


def test_schema_internals():
    assert set(_ninja.schema_resolvers(WithResolver)) == {"name"}
    assert _ninja.schema_resolvers(Plain) == {}
    assert _ninja.ninja_validators_only(Plain)
    assert "_run_root_validator" in Plain.__pydantic_decorators__.model_validators
    seen = []

    class Spy(Schema):
        name: str

        @classmethod
        def __get_pydantic_core_schema__(cls, source, handler):
            return handler(source)

    from pydantic import model_validator

    class Unwrapped(Schema):
        name: str

        @model_validator(mode="before")
        @classmethod
        def look(cls, data):
            seen.append(_ninja.unwrap_getter(data))
            return data

    source = {"name": "a"}
    Unwrapped.model_validate(source)
    assert seen == [source]
    assert not _ninja.ninja_validators_only(Unwrapped)
    assert _ninja.uncarried_decorators(Unwrapped) == ["@model_validator 'look'"]
    assert _ninja.uncarried_decorators(Plain) == []


def test_per_field_decorators_carry_over_to_a_schema_of_some_fields():
    from pydantic import computed_field, field_validator

    class Full(Schema):
        a: str
        b: str

        @field_validator("a", "b")
        @classmethod
        def upper(cls, value: str) -> str:
            return value.upper()

        @computed_field  # type: ignore[prop-decorator]
        @property
        def both(self) -> str:
            return "both"

    carried = _ninja.carried_decorators(Full, {"a", "both"})
    assert set(carried) == {"upper", "both"}
    Some = type("Some", (Schema,), {"__annotations__": {"a": str}, **carried})
    assert Some(a="x").model_dump() == {"a": "X", "both": "both"}
    assert _ninja.carried_decorators(Full, {"c"}) == {}


def test_default_json_renderer_is_recognised():
    from ninja.renderers import JSONRenderer

    assert _ninja.is_default_json(NinjaAPI(urls_namespace="seam-json").renderer)

    class Indented(JSONRenderer):
        json_dumps_params = {"indent": 2}

    assert not _ninja.is_default_json(Indented())


def test_pagination_and_throttling_defaults_are_ninjas():
    from ninja.pagination import LimitOffsetPagination, PageNumberPagination, PaginationBase

    assert _ninja.ninja_page_methods(PageNumberPagination)
    assert _ninja.ninja_page_methods(LimitOffsetPagination)

    class Own(PageNumberPagination):
        def paginate_queryset(self, queryset, pagination, **params):
            return super().paginate_queryset(queryset, pagination, **params)

    assert not _ninja.ninja_page_methods(Own)
    assert not _ninja.ninja_page_methods(PaginationBase)
    assert _ninja.default_throttle_rates() == {
        "auth": "10000/day",
        "user": "10000/day",
        "anon": "1000/day",
    }
    assert isinstance(_ninja.default_page_size(), int)


def test_test_client_internals():
    from ninja.testing import TestAsyncClient, TestClient

    for cls in (TestClient, TestAsyncClient):
        assert list(inspect.signature(cls._call).parameters) == [
            "self",
            "func",
            "request",
            "kwargs",
        ]
        assert "request" in vars(cls) or "request" in vars(cls.__mro__[1])


def test_version_gates_match_the_installed_ninja():
    import ninja

    assert tuple(int(p) for p in ninja.__version__.split(".")[:2]) == _ninja.NINJA_VERSION
    assert (importlib.util.find_spec("ninja.streaming") is not None) == _ninja.STREAMING
    assert _ninja.NINJA_VERSION < (1, 6) or _ninja.STREAMING  # SSE / JSONL since 1.6


_INTERNAL_IMPORT = re.compile(
    r"^\s*(?:from|import)\s+(ninja\.(?:constants|operation|params|signature|responses|conf|"
    r"schema|router|testing\.client|streaming|compatibility)\b|pydantic_core\.core_schema|pydantic_core"
    r"\s+import\s+[^\n]*core_schema)",
    re.MULTILINE,
)


def test_only_the_seam_imports_internals():
    offenders = [
        f"{module.name}: {match.group(1)}"
        for module in sorted(PACKAGE.rglob("*.py"))
        if "_ninja" not in module.relative_to(PACKAGE).parts
        for match in _INTERNAL_IMPORT.finditer(module.read_text())
    ]
    assert offenders == []
    seam = {
        m.group(1)
        for module in (PACKAGE / "_ninja").glob("*.py")
        for m in _INTERNAL_IMPORT.finditer(module.read_text())
    }
    assert {"ninja.operation", "ninja.constants"} <= seam  # the pattern does find them


def test_deferred_values_validate_as_ninjas_get_values():
    """A marked endpoint is called with its path values; the rest is validated on demand, with
    the same values and the same one 422 as Ninja's ``_get_values``."""
    from django.test import RequestFactory
    from ninja import Query
    from ninja.errors import ValidationError

    class Payload(Schema):
        name: str

    async def endpoint(request, pk: int, payload: Payload, flag: bool = Query(False)):
        return pk

    setattr(endpoint, _ninja.DEFERRED_VALUES, "later")
    api = NinjaAPI(urls_namespace="seam-deferred")
    router = Router()
    _ninja.plant_path_view(router, "/d/{pk}", _ninja.SeamPathView)
    router.add_api_operation("/d/{pk}", ["POST"], endpoint, response=int)
    (operation,) = [o for v in router.path_operations.values() for o in v.operations]
    operation.api = api
    assert operation.deferred_param == "later"
    assert [m.__ninja_param_source__ for m in operation.path_models] == ["path"]
    assert {m.__ninja_param_source__ for m in operation.deferred_models} == {"query", "body"}
    assert operation.path_models + operation.deferred_models == sorted(
        operation.models, key=lambda m: m not in operation.path_models
    )
    if _ninja.NINJA_VERSION >= (1, 6):  # Ninja clones operations per mounted API since 1.6
        cloned = operation.clone()
        assert cloned.deferred_models == operation.deferred_models
        assert cloned.deferred_param == "later"

    factory = RequestFactory()
    good = factory.post("/d/3?flag=1", '{"name": "x"}', content_type="application/json")
    expected = operation._get_values(good, {"pk": "3"}, api.create_temporal_response(good))
    got = operation.resolve(good, {"pk": "3"}, operation.path_models)
    got.update(operation.deferred_values(good, {"pk": "3"}))
    assert got == {k: v for k, v in expected.items() if k in got} and got["pk"] == 3
    bad = factory.post("/d/3?flag=maybe", "{}", content_type="application/json")
    with pytest.raises(ValidationError) as ninja_error:
        operation._get_values(bad, {"pk": "3"}, api.create_temporal_response(bad))
    with pytest.raises(ValidationError) as ours:
        operation.deferred_values(bad, {"pk": "3"})
    assert ours.value.errors == ninja_error.value.errors
    assert len(ours.value.errors) == 2
