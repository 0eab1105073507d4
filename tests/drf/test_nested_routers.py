"""drf-nested-routers' ``tests/test_routers.py``, ported: the URL shapes of nested resources.

Each test keeps drf-nested-routers' name and says which of its tests it ports (commit
``2aca899cb1fb648c88fad4630102f31f51d32e50``). Its ``A``/``B``/``C`` models are the suite's
``Author``/``Book``/``Review``. Differences adapted (listed in ``docs/nested.md``): nesting is
declared on the handle ``register()`` returns, on the one router (no ``NestedSimpleRouter``,
so no per-router ``trailing_slash`` or ``lookup`` prefix: the parent's URL kwarg is
``{parent basename}_{lookup}``, ``author_pk``); URL patterns are Django ``path()`` routes,
and a parent's ``lookup_value_regex`` is its segment's URL converter. Not ported (see
``tests/drf/README.md``): ``TestBadLookupValue`` (no ``lookup=`` argument to get wrong) and
the explicit / non-standard ``trailing_slash`` of a nested router.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path
from ninja import NinjaAPI

from ninja_viewsets import ModelViewSet, SimpleRouter
from tests.testapp.models import Author, Book, Review


class AViewSet(ModelViewSet):
    queryset = Author.objects.all()
    lookup_value_regex = "[0-9a-f]{32}"


class ANonRegexViewSet(ModelViewSet):
    queryset = Author.objects.all()


class BViewSet(ModelViewSet):
    queryset = Book.objects.all()


class CViewSet(ModelViewSet):
    queryset = Review.objects.all()


_apis = iter(range(1000))


def nested(a_viewset, *, prefix="a", trailing_slash=True, depth=3):
    router = SimpleRouter(trailing_slash=trailing_slash)
    a = router.register(prefix, a_viewset, basename="author")
    if depth > 1:
        b = a.register("b", BViewSet, parent_query_lookup="author", basename="book")
        if depth > 2:
            b.register("c", CViewSet, parent_query_lookup="book", basename="review")
    api = NinjaAPI(urls_namespace=f"drf-nested-routers-{next(_apis)}")
    api.add_router("/", router)
    return api


def routes(api):
    """The router's routes, in order, once each (Ninja's docs and own root left out)."""
    own = {"openapi-json", "openapi-view", "api-root", "ninja-viewsets-fallback"}
    return list(dict.fromkeys(str(p.pattern) for p in api.urls[0] if p.name not in own))


def test_recursive_nested_simple_routers():
    """drf-nested-routers tests/test_routers.py TestNestedSimpleRouter
    .test_recursive_nested_simple_routers: the parent's lookup_value_regex constrains its
    segment in every nested route."""
    found = routes(nested(AViewSet))
    converter = found[1].removeprefix("a/<").split(":")[0]
    assert converter.startswith("nvlookup")
    assert found == [
        "a/",
        f"a/<{converter}:pk>/",
        f"a/<{converter}:author_pk>/b/",
        f"a/<{converter}:author_pk>/b/<pk>/",
        f"a/<{converter}:author_pk>/b/<book_pk>/c/",
        f"a/<{converter}:author_pk>/b/<book_pk>/c/<pk>/",
    ]


def test_non_regex_recursive_nested_simple_routers():
    """drf-nested-routers tests/test_routers.py TestNonRegexNestedSimpleRouter
    .test_non_regex_recursive_nested_simple_routers (``str`` is Django's default converter)."""
    assert routes(nested(ANonRegexViewSet)) == [
        "a/",
        "a/<pk>/",
        "a/<author_pk>/b/",
        "a/<author_pk>/b/<pk>/",
        "a/<author_pk>/b/<book_pk>/c/",
        "a/<author_pk>/b/<book_pk>/c/<pk>/",
    ]


def test_empty_prefix():
    """drf-nested-routers tests/test_routers.py TestEmptyPrefix.test_empty_prefix."""
    found = routes(nested(AViewSet, prefix="", depth=2))
    converter = found[1].removeprefix("<").split(":")[0]
    assert found == [
        "",
        f"<{converter}:pk>/",
        f"<{converter}:author_pk>/b/",
        f"<{converter}:author_pk>/b/<pk>/",
    ]


@pytest.mark.parametrize(
    ("test", "trailing_slash"),
    [("test_inherits_no_trailing_slash", False), ("test_inherits_trailing_slash", True)],
)
def test_router_setting_inheritance(test, trailing_slash):
    """drf-nested-routers tests/test_routers.py TestRouterSettingInheritance.<test>: nested
    routes follow the router's trailing_slash."""
    nested_routes = [r for r in routes(nested(AViewSet, depth=2)) if "/b" in r]
    if not trailing_slash:
        nested_routes = [
            r for r in routes(nested(AViewSet, depth=2, trailing_slash=False)) if "/b" in r
        ]
    assert nested_routes and all(r.endswith("/") is trailing_slash for r in nested_routes)


# -- beyond drf-nested-routers' module ---------------------------------------------------------

api = nested(AViewSet, prefix="authors", depth=2)
urlpatterns = [path("api/", api.urls)]


@pytest.mark.urls(__name__)
def test_parent_value_not_matching_its_regex_is_404_without_a_query(client, db):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/authors/not-hex/b/").status_code == 404
    assert len(queries) == 0
