"""DRF's ``tests/test_generics.py``, ported: the single-purpose generic views.

Each test keeps DRF's name and says which DRF test it ports. Differences adapted (listed in
``docs/coming-from-drf.md``): schemas instead of serializers, 422 instead of 400, JSON only,
async actions; views are mounted with ``as_view()`` (DRF's way) and through a router (typed
OpenAPI). Not ported (see ``tests/drf/README.md``): the browsable-API form tests, serializer
internals.
"""

from __future__ import annotations

import logging
import typing
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path
from ninja import Field, NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, generics
from ninja_viewsets.generics import GenericAPIView
from tests.testapp.models import BasicModel, Comment, Document, SlugBasedModel


class BasicOut(Schema):
    id: int
    text: str


class BasicIn(Schema):
    text: str = Field(max_length=100)


class SlugOut(Schema):
    text: str
    slug: str


class CommentIn(Schema):
    email: str
    content: str


class CommentOut(Schema):
    id: int
    email: str
    content: str


class RootView(generics.ListCreateAPIView):
    queryset = BasicModel.objects.all()
    output_schema = BasicOut
    input_schema = BasicIn


class InstanceView(generics.RetrieveUpdateDestroyAPIView):
    queryset = BasicModel.objects.exclude(text="filtered out")
    output_schema = BasicOut
    input_schema = BasicIn


class SlugBasedInstanceView(InstanceView):
    """A model with a slug-field."""

    queryset = SlugBasedModel.objects.all()
    output_schema = SlugOut
    lookup_field = "slug"


class OverriddenGetObjectView(generics.RetrieveUpdateDestroyAPIView):
    """Example detail view for override of get_object()."""

    output_schema = BasicOut
    input_schema = BasicIn

    async def get_object(self):
        return await BasicModel.objects.aget(id=int(self.kwargs["pk"]))


class CommentView(generics.ListCreateAPIView):
    queryset = Comment.objects.all()
    output_schema = CommentOut
    input_schema = CommentIn


class QuerysetAccessError(generics.ListAPIView):
    queryset = BasicModel.objects.all()
    output_schema = BasicOut

    async def list(self, request):
        return [obj async for obj in self.queryset]  # the class's queryset: guarded


def mock(base, action):
    async def handler(self, request, *args, **kwargs):
        await BasicModel.objects.acreate(text=f"called:{action}")
        return {"id": 0, "text": action}

    return type(
        f"Mock{base.__name__}",
        (base,),
        {
            "queryset": BasicModel.objects.all(),
            "output_schema": BasicOut,
            "input_schema": BasicIn,
            action: handler,
        },
    )


MOCKS = {
    "create": mock(generics.CreateAPIView, "create"),
    "destroy": mock(generics.DestroyAPIView, "destroy"),
    "update-partial": mock(generics.UpdateAPIView, "partial_update"),
    "retrieve-update-get": mock(generics.RetrieveUpdateAPIView, "retrieve"),
    "retrieve-update-put": mock(generics.RetrieveUpdateAPIView, "update"),
    "retrieve-update-patch": mock(generics.RetrieveUpdateAPIView, "partial_update"),
    "retrieve-destroy-get": mock(generics.RetrieveDestroyAPIView, "retrieve"),
    "retrieve-destroy-delete": mock(generics.RetrieveDestroyAPIView, "destroy"),
}

router = DefaultRouter()
router.register("basic", RootView, basename="basic-list")
router.register("basic", InstanceView, basename="basic-instance")
api = NinjaAPI(urls_namespace="drf-generics")
api.add_router("/", router)

urlpatterns = [
    path("api/", api.urls),
    path("root/", RootView.as_view()),
    path("instance/<int:pk>/", InstanceView.as_view()),
    path("instance-any/<str:pk>/", InstanceView.as_view()),
    path("slug/<slug:slug>/", SlugBasedInstanceView.as_view()),
    path("overridden/<int:pk>/", OverriddenGetObjectView.as_view()),
    path("comments/", CommentView.as_view()),
    path("guarded/", QuerysetAccessError.as_view()),
    *(path(f"mock/{name}/", view.as_view()) for name, view in MOCKS.items() if "get" not in name),
    *(path(f"mock/{name}/<int:pk>/", view.as_view()) for name, view in MOCKS.items()),
]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def django_assert_num_queries(db):
    """DRF's ``assertNumQueries``, counting data statements only.

    Adapted: a write runs in one transaction here (a savepoint inside the test's own), which
    DRF's counts do not include.
    """

    @contextmanager
    def assert_num_queries(expected):
        with CaptureQueriesContext(connection) as captured:
            yield captured
        statements = [
            q["sql"]
            for q in captured.captured_queries
            if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO"))
        ]
        assert len(statements) == expected, statements

    return assert_num_queries


@pytest.fixture
def objects(db):
    """DRF's setUp: three BasicModel instances (and one filtered out of InstanceView)."""
    for item in ["foo", "bar", "baz", "filtered out"]:
        BasicModel.objects.create(text=item)
    return list(BasicModel.objects.exclude(text="filtered out").order_by("id"))


def data(objs):
    return [{"id": obj.id, "text": obj.text} for obj in objs]


# -- TestRootView ------------------------------------------------------------------------------


def test_get_root_view(client, objects, django_assert_num_queries):
    """DRF test_generics.py TestRootView.test_get_root_view: GET lists the objects."""
    with django_assert_num_queries(1):
        response = client.get("/root/")
    assert response.status_code == 200
    assert response.json() == data(BasicModel.objects.all())


def test_head_root_view(client, objects, django_assert_num_queries):
    """DRF test_generics.py TestRootView.test_head_root_view: HEAD answers 200."""
    with django_assert_num_queries(1):
        response = client.head("/root/")
    assert response.status_code == 200


def test_post_root_view(client, objects, django_assert_num_queries):
    """DRF test_generics.py TestRootView.test_post_root_view: POST creates an object.

    Adapted: the new object's ``Location`` is answered only when the view has a detail route
    (here: none, mounted with ``as_view()``).
    """
    with django_assert_num_queries(1):
        response = client.post("/root/", json={"text": "foobar"})
    assert response.status_code == 201, response
    created = BasicModel.objects.get(text="foobar")
    assert response.json() == {"id": created.id, "text": "foobar"}


def test_put_root_view(client, objects, django_assert_num_queries):
    """DRF test_generics.py TestRootView.test_put_root_view: PUT is not allowed.

    Adapted: error bodies carry a ``code`` beside DRF's ``detail``.
    """
    with django_assert_num_queries(0):
        response = client.put("/root/", json={"text": "foobar"})
    assert response.status_code == 405
    assert response.json()["detail"] == 'Method "PUT" not allowed.'


def test_delete_root_view(client, objects, django_assert_num_queries):
    """DRF test_generics.py TestRootView.test_delete_root_view: DELETE is not allowed."""
    with django_assert_num_queries(0):
        response = client.delete("/root/")
    assert response.status_code == 405
    assert response.json()["detail"] == 'Method "DELETE" not allowed.'


def test_post_cannot_set_id(client, objects, django_assert_num_queries):
    """DRF test_generics.py TestRootView.test_post_cannot_set_id."""
    with django_assert_num_queries(1):
        response = client.post("/root/", json={"id": 999, "text": "foobar"})
    assert response.status_code == 201
    created = BasicModel.objects.get(text="foobar")
    assert created.id != 999
    assert response.json() == {"id": created.id, "text": "foobar"}


def test_post_error_root_view(client, objects):
    """DRF test_generics.py TestRootView.test_post_error_root_view.

    Adapted: DRF renders the error in the browsable API's HTML form; here it is the JSON 422.
    """
    response = client.post("/root/", json={"text": "foobar" * 100})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][-1] == "text" and "at most 100 characters" in error["msg"]


# -- TestInstanceView --------------------------------------------------------------------------


def test_get_instance_view(client, objects, django_assert_num_queries):
    """DRF test_generics.py TestInstanceView.test_get_instance_view."""
    with django_assert_num_queries(1):
        response = client.get(f"/instance/{objects[0].id}/")
    assert response.status_code == 200
    assert response.json() == data(objects)[0]


def test_post_instance_view(client, objects, django_assert_num_queries):
    """DRF test_generics.py TestInstanceView.test_post_instance_view: POST is not allowed."""
    with django_assert_num_queries(0):
        response = client.post(f"/instance/{objects[0].id}/", json={"text": "foobar"})
    assert response.status_code == 405
    assert response.json()["detail"] == 'Method "POST" not allowed.'


def test_put_instance_view(client, objects, django_assert_num_queries):
    """DRF test_generics.py TestInstanceView.test_put_instance_view."""
    pk = objects[0].id
    with django_assert_num_queries(2):
        response = client.put(f"/instance/{pk}/", json={"text": "foobar"})
    assert response.status_code == 200
    assert response.json() == {"id": pk, "text": "foobar"}
    assert BasicModel.objects.get(id=pk).text == "foobar"


def test_patch_instance_view(client, objects, django_assert_num_queries):
    """DRF test_generics.py TestInstanceView.test_patch_instance_view."""
    pk = objects[0].id
    with django_assert_num_queries(2):
        response = client.patch(f"/instance/{pk}/", json={"text": "foobar"})
    assert response.status_code == 200
    assert response.json() == {"id": pk, "text": "foobar"}
    assert BasicModel.objects.get(id=pk).text == "foobar"


def test_delete_instance_view(client, objects, django_assert_num_queries):
    """DRF test_generics.py TestInstanceView.test_delete_instance_view."""
    with django_assert_num_queries(2):
        response = client.delete(f"/instance/{objects[0].id}/")
    assert response.status_code == 204
    assert response.content == b""
    ids = list(BasicModel.objects.exclude(text="filtered out").values_list("id", flat=True))
    assert sorted(ids) == [objects[1].id, objects[2].id]


def test_get_instance_view_incorrect_arg(client, objects, django_assert_num_queries):
    """DRF test_generics.py TestInstanceView.test_get_instance_view_incorrect_arg (#890).

    A pk of the wrong type is refused without a query, not a 500. Adapted: DRF answers 404;
    here the lookup is typed from the model (an integer), so ``a`` is Ninja's 422 on ``pk``,
    through ``as_view()`` and through a router alike.
    """
    with django_assert_num_queries(0):
        response = client.get("/instance-any/a/")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "pk"]
    assert client.get("/api/basic/a/").status_code == 422


def test_put_cannot_set_id(client, objects, django_assert_num_queries):
    """DRF test_generics.py TestInstanceView.test_put_cannot_set_id."""
    pk = objects[0].id
    with django_assert_num_queries(2):
        response = client.put(f"/instance/{pk}/", json={"id": 999, "text": "foobar"})
    assert response.status_code == 200
    assert response.json() == {"id": pk, "text": "foobar"}
    assert BasicModel.objects.get(id=pk).text == "foobar"


def test_put_to_deleted_instance(client, objects, django_assert_num_queries):
    """DRF test_generics.py TestInstanceView.test_put_to_deleted_instance: 404."""
    pk = objects[0].id
    BasicModel.objects.filter(id=pk).delete()
    with django_assert_num_queries(1):
        response = client.put(f"/instance/{pk}/", json={"text": "foobar"})
    assert response.status_code == 404


def test_put_to_filtered_out_instance(client, objects):
    """DRF test_generics.py TestInstanceView.test_put_to_filtered_out_instance: no create."""
    filtered_out_pk = BasicModel.objects.get(text="filtered out").pk
    response = client.put(f"/instance/{filtered_out_pk}/", json={"text": "foo"})
    assert response.status_code == 404
    assert BasicModel.objects.get(pk=filtered_out_pk).text == "filtered out"


def test_patch_cannot_create_an_object(client, objects, django_assert_num_queries):
    """DRF test_generics.py TestInstanceView.test_patch_cannot_create_an_object."""
    with django_assert_num_queries(1):
        response = client.patch("/instance/999/", json={"text": "foobar"})
    assert response.status_code == 404
    assert not BasicModel.objects.filter(id=999).exists()


def test_put_error_instance_view(client, objects):
    """DRF test_generics.py TestInstanceView.test_put_error_instance_view.

    Adapted: the browsable API's form error is the JSON 422 here.
    """
    response = client.put(f"/instance/{objects[0].id}/", json={"text": "foobar" * 100})
    assert response.status_code == 422
    assert "at most 100 characters" in response.json()["detail"][0]["msg"]


def test_slug_based_instance_view(client, db):
    """DRF test_generics.py SlugBasedInstanceView (used by TestInstanceView): lookup_field."""
    SlugBasedModel.objects.create(text="foo", slug="foo-slug")
    response = client.get("/slug/foo-slug/")
    assert response.status_code == 200
    assert response.json() == {"text": "foo", "slug": "foo-slug"}
    assert client.get("/slug/nope/").status_code == 404


# -- TestOverriddenGetObject -------------------------------------------------------------------


def test_overridden_get_object_view(client, objects, django_assert_num_queries):
    """DRF test_generics.py TestOverriddenGetObject.test_overridden_get_object_view.

    No ``queryset``: the lookup keeps the URL converter's type (``<int:pk>`` is an int).
    """
    with django_assert_num_queries(1):
        response = client.get(f"/overridden/{objects[0].id}/")
    assert response.status_code == 200
    assert response.json() == data(objects)[0]


# -- TestCreateModelWithAutoNowAddField (regression #285) ---------------------------------------


def test_create_model_with_auto_now_add_field(client, db):
    """DRF test_generics.py TestCreateModelWithAutoNowAddField (regression #285)."""
    response = client.post("/comments/", json={"email": "foobar@example.com", "content": "foobar"})
    assert response.status_code == 201, response
    created = Comment.objects.get()
    assert created.content == "foobar" and created.created is not None


# -- TestFilterBackendAppliedToViews ---------------------------------------------------------


class InclusiveFilterBackend:
    def filter_queryset(self, request, queryset, view):
        return queryset.filter(text="foo")


class ExclusiveFilterBackend:
    def filter_queryset(self, request, queryset, view):
        return queryset.filter(text="other")


def _filtered(view, backend):
    """The URL of ``View.as_view(filter_backends=(backend,))`` (mounted below)."""
    return f"/filtered/{view.__name__}-{backend.__name__}/"


for _view in (RootView, InstanceView):
    for _backend in (InclusiveFilterBackend, ExclusiveFilterBackend):
        _url = _filtered(_view, _backend).lstrip("/")
        if _view is InstanceView:
            _url += "<int:pk>/"
        urlpatterns.append(path(_url, _view.as_view(filter_backends=(_backend,))))


def test_get_root_view_filters_by_name_with_filter_backend(client, objects):
    """DRF test_generics.py TestFilterBackendAppliedToViews
    .test_get_root_view_filters_by_name_with_filter_backend."""
    response = client.get(_filtered(RootView, InclusiveFilterBackend))
    assert response.status_code == 200
    assert response.json() == [{"id": objects[0].id, "text": "foo"}]


def test_get_root_view_filters_out_all_models_with_exclusive_filter_backend(client, objects):
    """DRF test_generics.py TestFilterBackendAppliedToViews
    .test_get_root_view_filters_out_all_models_with_exclusive_filter_backend."""
    response = client.get(_filtered(RootView, ExclusiveFilterBackend))
    assert response.status_code == 200
    assert response.json() == []


def test_get_instance_view_filters_out_name_with_filter_backend(client, objects):
    """DRF test_generics.py TestFilterBackendAppliedToViews
    .test_get_instance_view_filters_out_name_with_filter_backend."""
    response = client.get(_filtered(InstanceView, ExclusiveFilterBackend) + f"{objects[0].id}/")
    assert response.status_code == 404
    assert response.json()["detail"] == "No BasicModel matches the given query."


def test_get_instance_view_will_return_single_object_when_filter_does_not_exclude_it(
    client, objects
):
    """DRF test_generics.py TestFilterBackendAppliedToViews
    .test_get_instance_view_will_return_single_object_when_filter_does_not_exclude_it."""
    response = client.get(_filtered(InstanceView, InclusiveFilterBackend) + f"{objects[0].id}/")
    assert response.status_code == 200
    assert response.json() == {"id": objects[0].id, "text": "foo"}


# -- TestGuardedQueryset -----------------------------------------------------------------------


def test_guarded_queryset(client, db, caplog):
    """DRF test_generics.py TestGuardedQueryset.test_guarded_queryset.

    Evaluating the class-level ``queryset`` raises (its rows would be cached across requests).
    """
    with caplog.at_level(logging.ERROR):
        response = client.get("/guarded/")
    assert response.status_code == 500  # DRF: the RuntimeError propagates
    assert "Do not evaluate QuerysetAccessError.queryset directly" in caplog.text
    assert "self.get_queryset()" in caplog.text
    assert [o.text for o in QuerysetAccessError.queryset.all()] == []  # clones are fine


# -- ApiViewsTests: each HTTP method reaches its action ----------------------------------------


@pytest.mark.parametrize(
    ("test", "name", "method", "detail", "action"),
    [
        ("test_create_api_view_post", "create", "post", False, "create"),
        ("test_destroy_api_view_delete", "destroy", "delete", True, "destroy"),
        ("test_update_api_view_partial_update", "update-partial", "patch", True, "partial_update"),
        ("test_retrieve_update_api_view_get", "retrieve-update-get", "get", True, "retrieve"),
        ("test_retrieve_update_api_view_put", "retrieve-update-put", "put", True, "update"),
        (
            "test_retrieve_update_api_view_patch",
            "retrieve-update-patch",
            "patch",
            True,
            "partial_update",
        ),
        ("test_retrieve_destroy_api_view_get", "retrieve-destroy-get", "get", True, "retrieve"),
        (
            "test_retrieve_destroy_api_view_delete",
            "retrieve-destroy-delete",
            "delete",
            True,
            "destroy",
        ),
    ],
)
def test_api_views(client, objects, test, name, method, detail, action):
    """DRF test_generics.py ApiViewsTests.<test>: the view's HTTP method calls its action.

    Adapted: DRF calls ``view.post(...)`` directly; here the request goes through HTTP.
    """
    url = f"/mock/{name}/{objects[0].id}/" if detail else f"/mock/{name}/"
    body = {"text": "x"} if method in ("post", "put", "patch") else None
    response = client.request(method, url, json=body)
    assert response.status_code in (200, 201, 204), response
    assert list(
        BasicModel.objects.filter(text__startswith="called:").values_list("text", flat=True)
    ) == [f"called:{action}"]


# -- TestTyping --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("test", "view"),
    [
        ("test_genericview_is_subscriptable", GenericAPIView),
        ("test_listview_is_subscriptable", generics.ListAPIView),
        ("test_instanceview_is_subscriptable", generics.RetrieveAPIView),
    ],
)
def test_typing(test, view):
    """DRF test_generics.py TestTyping.<test>: the generic views are subscriptable.

    Adapted: DRF's ``View["foo"]`` is the class itself; here it is a ``typing`` alias of the
    class (mypy sees the model type: ``get_queryset()`` is a ``QuerySet[BasicModel]``).
    """
    alias = view[BasicModel]
    assert typing.get_origin(alias) is view
    assert typing.get_args(alias) == (BasicModel,)

    class Subclassed(alias):  # type: ignore[misc, valid-type]
        queryset = BasicModel.objects.all()

    assert issubclass(Subclassed, view)


# -- beyond DRF's module: the same views on a router, in the API's OpenAPI ---------------------


def test_generic_views_on_a_router_have_typed_openapi(client, objects):
    """A generic view registered on a router: same operations, typed in OpenAPI."""
    schema = api.get_openapi_schema(path_prefix="/api")
    assert set(schema["paths"]["/api/basic/"]) == {"get", "post"}
    assert set(schema["paths"]["/api/basic/{pk}/"]) == {"get", "put", "patch", "delete"}
    (pk,) = schema["paths"]["/api/basic/{pk}/"]["get"]["parameters"]
    assert pk["schema"]["type"] == "integer"
    assert client.get(f"/api/basic/{objects[0].id}/").json() == data(objects)[0]
    created = client.post("/api/basic/", json={"text": "new"})
    assert created.status_code == 201
    assert "Location" not in created.headers  # RootView's own routes have no detail route


def test_generic_views_importable_from_generics():
    """DRF's import path: ``from rest_framework.generics import ListCreateAPIView``."""
    from ninja_viewsets import viewsets

    for name in generics._GENERIC_VIEWS:
        assert getattr(generics, name) is getattr(viewsets, name)
    with pytest.raises(AttributeError):
        generics.NoSuchView  # noqa: B018


# -- GetObjectOr404Tests: DRF's generics.get_object_or_404 (the testapp's UUID is a unique column,
# DRF's model has it as its primary key)


def test_get_object_or_404_with_valid_uuid(db):
    """DRF: GetObjectOr404Tests.test_get_object_or_404_with_valid_uuid."""
    uuid_object = Document.objects.create(slug="bar")
    assert generics.get_object_or_404(Document, uid=uuid_object.uid) == uuid_object


def test_get_object_or_404_with_invalid_string_for_uuid(db):
    """DRF: GetObjectOr404Tests.test_get_object_or_404_with_invalid_string_for_uuid."""
    from django.http import Http404

    Document.objects.create(slug="bar")
    with pytest.raises(Http404):
        generics.get_object_or_404(Document, uid="not-a-uuid")
