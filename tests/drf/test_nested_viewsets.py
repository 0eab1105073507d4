"""drf-nested-routers' ``tests/test_viewsets.py``, ported: nested children, scoped to their
parent, created under it.

Each test keeps drf-nested-routers' name and says which of its tests it ports (drf-nested-routers
at commit ``2aca899cb1fb648c88fad4630102f31f51d32e50``). Its ``Root``/``Child`` models are the
suite's ``Author``/``Book`` (``name`` -> ``title``, ``parent`` -> ``author``). Differences
adapted (listed in ``docs/nested.md``): nesting is declared on the router handle
(``authors.register("books", ..., parent_query_lookup="author")``), and the scoping
``NestedViewSetMixin`` gives is built in, so a child viewset is always scoped (its
"without the mixin" case answers only the parent's children) and needs no
``parent_lookup_kwargs``. Not ported (see ``tests/drf/README.md``): the hyperlinked
serializer tests (``tests/serializers``), DRF's schema generator walk
(``test_get_queryset_for_children_resource``; here OpenAPI is built at ``register()``).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import path, reverse
from ninja import NinjaAPI, Schema

from ninja_viewsets import ModelViewSet, SimpleRouter
from tests.testapp.models import Author, Book


class RootOut(Schema):
    id: int
    name: str


class ChildOut(Schema):
    id: int
    title: str
    author_id: int


class ChildIn(Schema):
    title: str


class RootViewSet(ModelViewSet):
    queryset = Author.objects.all()
    output_schema = RootOut


class ChildViewSet(ModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = ChildOut
    input_schema = ChildIn


class ChildWithNestedMixinViewSet(ChildViewSet):
    """Identical to ``ChildViewSet`` (drf-nested-routers: with its ``NestedViewSetMixin``)."""


router = SimpleRouter()
roots = router.register("root", RootViewSet, basename="root")
roots.register("child", ChildViewSet, parent_query_lookup="author", basename="child")
roots.register(
    "child-with-nested-mixin",
    ChildWithNestedMixinViewSet,
    parent_query_lookup="author",
    basename="child-with-nested-mixin",
)
api = NinjaAPI(urls_namespace="drf-nested")
api.add_router("/", router)
urlpatterns = [path("", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def tree(db):
    """drf-nested-routers' setUp: root 1 with child a; root 2 with children b and c."""
    root_1 = Author.objects.create(name="root-1")
    root_2 = Author.objects.create(name="root-2")
    Book.objects.create(title="root-1-child-a", author=root_1)
    Book.objects.create(title="root-2-child-b", author=root_2)
    Book.objects.create(title="root-2-child-c", author=root_2)
    return root_1, root_2


def _list_url(basename, root):
    return reverse(f"drf-nested:{basename}-list", args=[root.pk])


def test_nested_child_viewset(client, tree):
    """drf-nested-routers tests/test_viewsets.py TestNestedSimpleRouter
    .test_nested_child_viewset.

    Adapted: without ``NestedViewSetMixin`` drf-nested-routers answers every child (3); here
    the scoping is built in: only root 1's child.
    """
    response = client.get(_list_url("child", tree[0]))
    assert response.status_code == 200
    assert [c["title"] for c in response.json()] == ["root-1-child-a"]


def test_nested_child_viewset_with_mixin(client, tree):
    """drf-nested-routers tests/test_viewsets.py TestNestedSimpleRouter
    .test_nested_child_viewset_with_mixin."""
    response = client.get(_list_url("child-with-nested-mixin", tree[0]))
    assert response.status_code == 200
    data = response.json()
    assert len(data) == 1
    assert data[0]["title"] == "root-1-child-a"


def test_nested_child_viewset_with_mixin_in_view(client, tree):
    """drf-nested-routers tests/test_viewsets.py TestNestedSimpleRouter
    .test_nested_child_viewset_with_mixin_in_view (no ``parent_lookup_kwargs`` needed)."""
    response = client.get(_list_url("child-with-nested-mixin", tree[1]))
    assert response.status_code == 200
    assert [c["title"] for c in response.json()] == ["root-2-child-b", "root-2-child-c"]


def test_nested_child_viewset_with_mixin_not_defined():
    """drf-nested-routers tests/test_viewsets.py TestNestedSimpleRouter
    .test_nested_child_viewset_with_mixin_not_defined.

    Adapted: a relation to the parent that the child model does not have is refused at
    ``register()`` (drf-nested-routers: ``ImproperlyConfigured`` on the first request).
    """
    parent = SimpleRouter().register("root", RootViewSet, basename="root")
    with pytest.raises(ImproperlyConfigured, match="parent_query_lookup='parent'"):
        parent.register("child", ChildViewSet, parent_query_lookup="parent", basename="child")


def test_create_child_on_viewset_with_mixin(client, tree):
    """drf-nested-routers tests/test_viewsets.py TestNestedSimpleRouter
    .test_create_child_on_viewset_with_mixin: the parent comes from the URL."""
    response = client.post(_list_url("child-with-nested-mixin", tree[0]), {"title": "New Child"})
    assert response.status_code == 201, response
    data = response.json()
    assert data["title"] == "New Child"
    assert data["author_id"] == tree[0].pk
    # a body naming another parent cannot move it: the parent is not in the body schema
    other = client.post(
        _list_url("child-with-nested-mixin", tree[0]), {"title": "X", "author_id": tree[1].pk}
    )
    assert other.status_code == 201 and other.json()["author_id"] == tree[0].pk


def test_create_invalid_data_with_mixin(client, tree):
    """drf-nested-routers tests/test_viewsets.py TestNestedSimpleRouter
    .test_create_invalid_data_with_mixin: malformed JSON is a 400 with a ``detail``."""
    response = client.post(
        _list_url("child-with-nested-mixin", tree[0]),
        data="invalid json",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "detail" in response.json()


# -- beyond drf-nested-routers' module ---------------------------------------------------------


def test_missing_parent_is_404_not_an_empty_list(client, tree):
    """drf-nested-routers answers an empty 200 for a parent that does not exist; here 404."""
    missing = Author(pk=9999)
    assert client.get(_list_url("child", missing)).status_code == 404
