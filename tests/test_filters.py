"""filter_schema, ordering and search on list and list-level actions."""

from __future__ import annotations

import itertools
import logging
import sys
import types

import django_filters
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count
from django.urls import path
from ninja import Field, FilterSchema, NinjaAPI, Query, Schema

from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet, action
from ninja_viewsets.filters import (
    BaseFilterBackend,
    DjangoFilterBackend,
    OrderingFilter,
    SearchFilter,
    UnaccentedSearchFilter,
    normalize_ordering,
    search_smart_split,
)
from ninja_viewsets.pagination import PageNumberPagination
from tests.conftest import Client
from tests.testapp.models import Author, Book, Tag


class BookRow(Schema):
    id: int
    title: str
    year: int


class BookFilter(FilterSchema):
    year_min: int | None = None
    author: int | None = None

    def filter_year_min(self, value: int):
        from django.db.models import Q

        return Q(year__gte=value)

    def filter_author(self, value: int):
        from django.db.models import Q

        return Q(author_id=value)


class BookViewSet(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookRow
    filter_schema = BookFilter
    ordering_fields = ["year", "title"]
    ordering = ["title"]
    search_fields = ["title", "=author__name", "tags__name"]
    pagination_class = PageNumberPagination

    @action(detail=False, paginate=True)
    async def modern(self, request) -> list[BookRow]:
        return self.get_queryset().filter(year__gte=1950)


class AllFields(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookRow
    ordering_fields = "__all__"


router = DefaultRouter()
router.register("books", BookViewSet)
router.register("all", AllFields, basename="all")
api = NinjaAPI(urls_namespace="filters")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def data(db):
    herbert = Author.objects.create(name="Frank Herbert")
    asimov = Author.objects.create(name="Isaac Asimov")
    scifi = Tag.objects.create(name="scifi")
    dune = Book.objects.create(title="Dune", year=1965, author=herbert)
    dune.tags.add(scifi)
    Book.objects.create(title="Children of Dune", year=1976, author=herbert)
    found = Book.objects.create(title="Foundation", year=1951, author=asimov)
    found.tags.add(scifi)
    Book.objects.create(title="I, Robot", year=1950, author=asimov)
    Book.objects.create(title="Pebble in the Sky", year=1940, author=asimov)
    return herbert, asimov


def titles(r):
    assert r.status_code == 200, r
    return [b["title"] for b in r.json()["items"]]


def test_filter_schema_becomes_query_params(client, data):
    herbert, _ = data
    assert titles(client.get(f"/api/books/?author={herbert.id}")) == ["Children of Dune", "Dune"]
    assert titles(client.get("/api/books/?year_min=1960")) == ["Children of Dune", "Dune"]
    assert client.get("/api/books/?year_min=soon").status_code == 422


def test_ordering(client, data):
    r = client.get("/api/books/?ordering=-year,title")
    assert titles(r)[:2] == ["Children of Dune", "Dune"]
    assert titles(client.get("/api/books/"))[0] == "Children of Dune"  # default: title


@pytest.mark.parametrize("value", ["secret", "-password", "year,author__name", "year__gt"])
def test_unknown_ordering_field_is_422_and_never_reaches_the_orm(
    client, data, value, django_assert_num_queries
):
    with django_assert_num_queries(0):
        r = client.get(f"/api/books/?ordering={value}")
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["query", "ordering"]


def test_ordering_all_fields(client, data):
    r = client.get("/api/all/?ordering=-year")
    assert [b["year"] for b in r.json()][:2] == [1976, 1965]
    assert client.get("/api/all/?ordering=nope").status_code == 422


def test_search_terms_and_fields(client, data):
    assert titles(client.get("/api/books/?search=dune")) == ["Children of Dune", "Dune"]
    assert titles(client.get("/api/books/?search=dune children")) == ["Children of Dune"]
    assert titles(client.get("/api/books/?search=Isaac Asimov")) == []  # '=' is exact per term
    assert titles(client.get('/api/books/?search="Isaac Asimov"')) == [
        "Foundation",
        "I, Robot",
        "Pebble in the Sky",
    ]
    # across an M2M relation, without duplicates
    r = client.get("/api/books/?search=scifi")
    assert titles(r) == ["Dune", "Foundation"] and r.json()["count"] == 2


def test_search_terms_split_like_drf():
    assert search_smart_split('a b,c  "d e" ') == ["a", "b", "c", "d e"]


def test_filtering_before_pagination_and_two_queries(client, data, django_assert_num_queries):
    with django_assert_num_queries(2):
        r = client.get("/api/books/?year_min=1950&ordering=-year&page_size=2")
    assert r.json()["count"] == 4
    assert titles(r) == ["Children of Dune", "Dune"]


def test_list_level_action_is_filtered_searched_ordered(client, data):
    r = client.get("/api/books/modern/?search=dune&ordering=year")
    assert titles(r) == ["Dune", "Children of Dune"]


def test_detail_routes_are_not_filtered(client, data):
    pebble = Book.objects.get(title="Pebble in the Sky")
    assert client.get(f"/api/books/{pebble.id}/?year_min=1999").status_code == 200


def test_openapi_documents_the_query_parameters():
    schema = api.get_openapi_schema(path_prefix="/api")
    params = {p["name"]: p for p in schema["paths"]["/api/books/"]["get"]["parameters"]}
    assert {"year_min", "author", "search", "ordering", "page", "page_size"} <= set(params)
    assert params["year_min"]["schema"]["anyOf"][0]["type"] == "integer"
    assert "year, title" in params["ordering"]["description"]
    detail = schema["paths"]["/api/books/{pk}/"]["get"].get("parameters", [])
    assert {p["name"] for p in detail} == {"pk"}


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the non-PostgreSQL error")
def test_full_text_search_needs_postgresql():
    class FullText(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        search_fields = ["@title"]

    with pytest.raises(ImproperlyConfigured, match="PostgreSQL"):
        DefaultRouter().register("ft", FullText)


# -- DRF's configuration (issue 13) and bounded input (issue 14) -----------------------------

_serial = itertools.count()


@pytest.fixture
def serve(settings, db):
    """Register viewsets on a fresh API (after any settings the test changed) and route it."""

    def make(*viewsets: tuple[str, type]) -> tuple[Client, NinjaAPI]:
        router = DefaultRouter()
        for prefix, viewset in viewsets:
            router.register(prefix, viewset, basename=prefix)
        n = next(_serial)
        api = NinjaAPI(urls_namespace=f"filters-{n}")
        api.add_router("/", router)
        name = f"tests._filters_urls_{n}"
        module = types.ModuleType(name)
        module.urlpatterns = [path("api/", api.urls)]  # type: ignore[attr-defined]
        sys.modules[name] = module
        settings.ROOT_URLCONF = name
        return Client(), api

    return make


def plain_titles(r):
    assert r.status_code == 200, r
    return [b["title"] for b in r.json()]


def test_ordering_string_is_one_field(serve, data):
    class ByTitle(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        ordering = "title"  # DRF: a string is one field, not a sequence of letters

    client, _ = serve(("books", ByTitle))
    assert plain_titles(client.get("/api/books/")) == sorted(
        ["Dune", "Children of Dune", "Foundation", "I, Robot", "Pebble in the Sky"]
    )
    assert normalize_ordering("title") == ("title",)
    assert normalize_ordering(["-year", "title"]) == ("-year", "title")
    assert normalize_ordering(None) is None


@pytest.mark.parametrize("value", ["--year", "-", "year,--title", "ye ar"])
def test_malformed_ordering_term_is_422_not_500(client, data, value):
    r = client.get("/api/books/", data={"ordering": value})
    assert r.status_code == 422, r
    [error] = r.json()["detail"]
    assert error["loc"] == ["query", "ordering"]
    assert "choose from: title, year" in error["msg"]


@pytest.mark.parametrize("value", [",,", "", " , "])
def test_empty_ordering_falls_back_to_the_default(client, data, value):
    r = client.get("/api/books/", data={"ordering": value, "page_size": 10})
    assert titles(r) == sorted(titles(client.get("/api/books/?page_size=10")))
    assert titles(r)[0] == "Children of Dune"  # the viewset's default: title


def test_lenient_ordering_filter_ignores_invalid_terms_like_drf(serve, data):
    class Lenient(OrderingFilter):
        strict = False

    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        filter_backends = [Lenient]
        ordering_fields = ["year"]
        ordering = ["title"]

    client, _ = serve(("books", Books))
    default = plain_titles(client.get("/api/books/"))
    assert default[0] == "Children of Dune"
    for value in ["--year", "nope", ",,", "title"]:  # title: not in ordering_fields
        assert plain_titles(client.get("/api/books/", data={"ordering": value})) == default
    assert plain_titles(client.get("/api/books/?ordering=nope,-year"))[0] == "Children of Dune"
    assert plain_titles(client.get("/api/books/?ordering=year"))[0] == "Pebble in the Sky"


class BookWithAuthor(Schema):
    id: int
    title: str
    author_name: str = Field(alias="author.name")


def test_without_ordering_fields_clients_order_by_the_output_schema(serve, data):
    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.select_related("author")
        output_schema = BookWithAuthor
        filter_backends = [OrderingFilter]  # listed by the viewset: DRF's default fields

    client, api = serve(("books", Books))
    r = client.get("/api/books/?ordering=-author__name,title")
    assert plain_titles(r) == [
        "Foundation", "I, Robot", "Pebble in the Sky", "Children of Dune", "Dune",
    ]  # fmt: skip
    assert r.json()[0]["author_name"] == "Isaac Asimov"
    assert plain_titles(client.get("/api/books/?ordering=-id"))[0] == "Pebble in the Sky"
    # `year` and `created` are columns the schema does not show: not orderable
    for hidden in ("year", "created", "author_name", "author__id"):
        r = client.get(f"/api/books/?ordering={hidden}")
        assert r.status_code == 422, (hidden, r)
    op = api.get_openapi_schema(path_prefix="/api")["paths"]["/api/books/"]["get"]
    [param] = [p for p in op["parameters"] if p["name"] == "ordering"]
    assert "id, title, author__name" in param["description"]


def test_default_backends_keep_ordering_closed_without_ordering_fields(serve, data):
    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        ordering = ["-year"]  # applied; ?ordering is not a parameter of this list

    client, api = serve(("books", Books))
    assert plain_titles(client.get("/api/books/?ordering=title"))[0] == "Children of Dune"
    op = api.get_openapi_schema(path_prefix="/api")["paths"]["/api/books/"]["get"]
    assert "ordering" not in {p["name"] for p in op.get("parameters", [])}


def test_default_filter_backends_setting_opens_schema_ordering(serve, data, settings):
    settings.NINJA_VIEWSETS = {"DEFAULT_FILTER_BACKENDS": ["ninja_viewsets.filters.OrderingFilter"]}

    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow

    client, _ = serve(("books", Books))
    assert plain_titles(client.get("/api/books/?ordering=-year"))[0] == "Children of Dune"


def test_ordering_all_fields_includes_annotations(serve, data):
    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.annotate(Count("tags"))
        output_schema = BookRow
        ordering_fields = "__all__"
        ordering = "title"

    client, _ = serve(("books", Books))
    r = client.get("/api/books/?ordering=-tags__count,title")
    assert plain_titles(r)[:2] == ["Dune", "Foundation"]
    assert plain_titles(client.get("/api/books/?ordering=-year"))[0] == "Children of Dune"
    assert client.get("/api/books/?ordering=tags").status_code == 422


def test_search_fields_keep_their_explicit_lookups(serve, data):
    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        search_fields = ["title__iendswith", "author__name__istartswith"]
        ordering = "title"

    client, _ = serve(("books", Books))
    assert plain_titles(client.get("/api/books/?search=dune")) == ["Children of Dune", "Dune"]
    assert plain_titles(client.get("/api/books/?search=isaac")) == [
        "Foundation", "I, Robot", "Pebble in the Sky",
    ]  # fmt: skip
    assert plain_titles(client.get("/api/books/?search=asimov")) == []  # not a prefix


@pytest.mark.parametrize(
    ("fields", "term", "expected"),
    [
        (["^title"], "dune", ["Dune"]),
        (["=title"], "dune", ["Dune"]),
        (["$title"], "^[CD]", ["Children of Dune", "Dune"]),
        (["title"], "UNDAT", ["Foundation"]),
        (["=author__name"], "frank herbert", []),  # one term per word: "frank", "herbert"
    ],
)
def test_search_prefixes_keep_drf_meaning(serve, data, fields, term, expected):
    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        search_fields = fields
        ordering = "title"

    client, _ = serve(("books", Books))
    assert plain_titles(client.get("/api/books/", data={"search": term})) == expected


def test_search_splits_like_drf():
    assert search_smart_split('"hello, world"') == ["hello, world"]
    assert search_smart_split(',,"hello, world",,') == ["hello, world"]
    assert search_smart_split(",,hello, world,,") == ["hello", "world"]
    assert search_smart_split('"hello, world",found') == ['"hello', 'world"', "found"]
    assert search_smart_split('"\\"text"') == ['"text']


def test_quoted_and_escaped_search_terms_over_http(client, data):
    Book.objects.create(title='The "Dune" Encyclopedia', year=1984, author_id=data[0].id)
    assert titles(client.get("/api/books/", data={"search": '"children of"'})) == [
        "Children of Dune"
    ]
    r = client.get("/api/books/", data={"search": '"\\"Dune\\""'})
    assert titles(r) == ['The "Dune" Encyclopedia']


def test_nul_in_search_is_422(client, data):
    r = client.get("/api/books/?search=du%00ne")
    assert r.status_code == 422, r
    [error] = r.json()["detail"]
    assert error["loc"] == ["query", "search"]
    assert "Null characters" in error["msg"]


def test_search_and_ordering_param_settings(serve, data, settings):
    settings.NINJA_VIEWSETS = {"SEARCH_PARAM": "q", "ORDERING_PARAM": "sort-by"}

    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        search_fields = ["title"]
        ordering_fields = ["year"]

    client, api = serve(("books", Books))
    assert plain_titles(client.get("/api/books/?q=dune&sort-by=-year")) == [
        "Children of Dune", "Dune",
    ]  # fmt: skip
    assert len(plain_titles(client.get("/api/books/?search=dune"))) == 5  # not the name now
    r = client.get("/api/books/?sort-by=title")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "sort-by"]
    op = api.get_openapi_schema(path_prefix="/api")["paths"]["/api/books/"]["get"]
    names = {p["name"] for p in op["parameters"]}
    assert {"q", "sort-by"} <= names and not {"search", "ordering"} & names


def test_get_search_fields_hook(serve, data):
    class TitleOnly(SearchFilter):
        def get_search_fields(self, view, request):
            if request is not None and request.GET.get("title_only"):
                return ["title"]
            return super().get_search_fields(view, request)

    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        filter_backends = [TitleOnly]
        search_fields = ["title", "author__name"]

    client, _ = serve(("books", Books))
    assert len(plain_titles(client.get("/api/books/?search=isaac"))) == 3
    assert plain_titles(client.get("/api/books/?search=isaac&title_only=1")) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="unaccent is PostgreSQL's")
def test_unaccented_search_on_postgresql(serve, data, unaccent):
    Book.objects.create(title="Jérémie", year=1999, author_id=data[0].id)

    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        filter_backends = [UnaccentedSearchFilter]
        search_fields = ["title"]

    class ByLookup(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        search_fields = ["title__unaccent"]  # the lookup spelled in the field

    client, _ = serve(("books", Books), ("lookup", ByLookup))
    assert plain_titles(client.get("/api/books/?search=jeremie")) == ["Jérémie"]
    assert plain_titles(client.get("/api/lookup/?search=JEREMIE")) == ["Jérémie"]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the non-PostgreSQL error")
def test_unaccent_needs_postgresql(db):
    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        filter_backends = [UnaccentedSearchFilter]
        search_fields = ["title"]

    with pytest.raises(ImproperlyConfigured, match=r"Books.search_fields.*PostgreSQL"):
        DefaultRouter().register("books", Books)


@pytest.fixture
def unaccent(db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


# -- filter_backends ----------------------------------------------------------------------------


class YearAtLeast(BaseFilterBackend):
    """A sync backend with a typed query parameter of its own."""

    def get_query_parameters(self, view):
        return {"min_year": (int | None, Query(None, ge=0, description="Books from this year."))}

    def filter_queryset(self, request, queryset, view):
        value = request.GET.get("min_year")
        return queryset.filter(year__gte=int(value)) if value else queryset


class OwnAuthorOnly(BaseFilterBackend):
    """An async backend that awaits the ORM; applies to detail lookups too (DRF)."""

    async def filter_queryset(self, request, queryset, view):
        name = request.headers.get("X-Author")
        if not name:
            return queryset
        author = await Author.objects.filter(name=name).afirst()
        return queryset.filter(author=author)


class DrfStyle(BaseFilterBackend):
    """A backend ported from DRF: its OpenAPI parameters as dicts."""

    def get_schema_operation_parameters(self, view):
        return [{"name": "title-prefix", "required": False, "in": "query", "description": "P."}]

    def filter_queryset(self, request, queryset, view):
        prefix = request.GET.get("title-prefix")
        return queryset.filter(title__startswith=prefix) if prefix else queryset


class BackendBooks(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookRow
    filter_backends = [YearAtLeast, OwnAuthorOnly, DrfStyle, SearchFilter, OrderingFilter]
    search_fields = ["title"]
    ordering_fields = ["year", "title"]
    ordering = "title"

    @action(detail=False, paginate=True)
    async def recent(self, request) -> list[BookRow]:
        return self.get_queryset().filter(year__gte=1951)

    @action(detail=False)
    async def current_ordering(self, request) -> list[str]:
        queryset = self.get_queryset()
        return list(OrderingFilter().get_ordering(request, queryset, self) or [])


def test_backends_apply_in_order_to_list_and_list_level_actions(serve, data):
    client, _ = serve(("books", BackendBooks))
    assert plain_titles(client.get("/api/books/?min_year=1960")) == ["Children of Dune", "Dune"]
    r = client.get("/api/books/?min_year=1950&ordering=-year", headers={"X-Author": "Isaac Asimov"})
    assert plain_titles(r) == ["Foundation", "I, Robot"]
    assert plain_titles(client.get("/api/books/recent/?min_year=1960&search=children")) == [
        "Children of Dune"
    ]
    assert plain_titles(client.get("/api/books/?title-prefix=Dun")) == ["Dune"]


def test_backend_parameters_are_typed_and_validated(serve, data):
    client, api = serve(("books", BackendBooks))
    r = client.get("/api/books/?min_year=soon")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "min_year"]
    assert client.get("/api/books/?min_year=-1").status_code == 422
    schema = api.get_openapi_schema(path_prefix="/api")
    params = {p["name"]: p for p in schema["paths"]["/api/books/"]["get"]["parameters"]}
    assert params["min_year"]["schema"]["anyOf"][0] == {"minimum": 0, "type": "integer"}
    assert params["title-prefix"]["schema"]["anyOf"][0]["type"] == "string"
    assert {"search", "ordering", "min_year"} <= {
        p["name"] for p in schema["paths"]["/api/books/recent/"]["get"]["parameters"]
    }
    detail = schema["paths"]["/api/books/{pk}/"]["get"]["parameters"]
    assert [p["name"] for p in detail] == ["pk"]


def test_a_backend_of_yours_filters_detail_lookups_too(serve, data):
    client, _ = serve(("books", BackendBooks))
    dune = Book.objects.get(title="Dune")
    assert (
        client.get(f"/api/books/{dune.id}/", headers={"X-Author": "Frank Herbert"}).status_code
        == 200
    )
    r = client.get(f"/api/books/{dune.id}/", headers={"X-Author": "Isaac Asimov"})
    assert r.status_code == 404, r
    # the built-in backends read list parameters only
    assert client.get(f"/api/books/{dune.id}/?search=nothing-matches").status_code == 200


def test_ordering_filter_get_ordering_contract(serve, data):
    client, _ = serve(("books", BackendBooks))
    assert client.get("/api/books/current_ordering/?ordering=-year,nope").status_code == 422
    assert client.get("/api/books/current_ordering/?ordering=-year").json() == ["-year"]
    assert client.get("/api/books/current_ordering/").json() == ["title"]


def test_overridden_filter_queryset_sync_or_async(serve, data):
    class SyncOverride(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        ordering_fields = ["year"]

        def filter_queryset(self, queryset):
            return super().filter_queryset(queryset).filter(year__lt=1960)

    class AsyncOverride(SyncOverride):
        filter_backends = [OwnAuthorOnly, OrderingFilter]

        async def filter_queryset(self, queryset):
            queryset = await super().afilter_queryset(queryset)
            return queryset.exclude(title="Foundation")

    client, _ = serve(("sync", SyncOverride), ("async", AsyncOverride))
    assert plain_titles(client.get("/api/sync/?ordering=-year")) == [
        "Foundation", "I, Robot", "Pebble in the Sky",
    ]  # fmt: skip
    r = client.get("/api/async/?ordering=-year", headers={"X-Author": "Isaac Asimov"})
    assert plain_titles(r) == ["I, Robot", "Pebble in the Sky"]


def test_sync_filter_queryset_with_an_async_backend_names_the_fix(serve, data, caplog):
    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        filter_backends = [OwnAuthorOnly]

        @action(detail=False)
        async def count(self, request) -> int:
            return await self.filter_queryset(self.get_queryset()).acount()

    client, _ = serve(("books", Books))
    with caplog.at_level(logging.ERROR, logger="ninja_viewsets"):
        r = client.get("/api/books/count/")
    assert r.status_code == 500, r  # a programming error: logged with the fix
    assert any(
        isinstance(rec.exc_info and rec.exc_info[1], ImproperlyConfigured)
        and "OwnAuthorOnly.filter_queryset is async" in str(rec.exc_info[1])
        and "afilter_queryset" in str(rec.exc_info[1])
        for rec in caplog.records
    ), caplog.records


def test_base_filter_backend_must_be_overridden():
    with pytest.raises(NotImplementedError):
        BaseFilterBackend().filter_queryset(None, None, None)


def test_backend_configuration_errors_raise_at_register(db):
    class Clash(BaseFilterBackend):
        def get_query_parameters(self, view):
            return {"search": (str | None, Query(None))}

        def filter_queryset(self, request, queryset, view):
            return queryset

    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        filter_backends = [SearchFilter, Clash]
        search_fields = ["title"]

    with pytest.raises(ImproperlyConfigured, match="Clash and SearchFilter both read"):
        DefaultRouter().register("books", Books)

    class NotABackend:
        pass

    class Other(Books):
        filter_backends = [NotABackend]

    with pytest.raises(ImproperlyConfigured, match=r"NotABackend.*BaseFilterBackend"):
        DefaultRouter().register("other", Other)


# -- bounded input (issue 14) ---------------------------------------------------------------------


class TitleFilter(FilterSchema):
    title: str | None = None

    def filter_title(self, value: str):
        from django.db.models import Q

        return Q(title__icontains=value) if value else Q()


class Bounded(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookRow
    filter_schema = TitleFilter
    search_fields = ["title", "author__name"]
    ordering_fields = ["year", "title"]


def test_search_with_too_many_terms_is_422_without_a_query(serve, data, django_assert_num_queries):
    client, _ = serve(("books", Bounded))
    assert client.get("/api/books/", data={"search": " ".join(["e"] * 10)}).status_code == 200
    for value in [" ".join(["e"] * 11), ",".join(["x"] * 1000)]:
        with django_assert_num_queries(0):
            r = client.get("/api/books/", data={"search": value})
        assert r.status_code == 422, r
        [error] = r.json()["detail"]
        assert error["loc"] == ["query", "search"]
        assert "at most 10 search terms" in error["msg"]


def test_over_long_search_term_is_422(serve, data):
    client, _ = serve(("books", Bounded))
    assert client.get("/api/books/", data={"search": "d" * 100}).status_code == 200
    r = client.get("/api/books/", data={"search": "dune " + "d" * 100_000})
    assert r.status_code == 422, r
    [error] = r.json()["detail"]
    assert error["loc"] == ["query", "search"] and "at most 100 characters" in error["msg"]
    assert len(r.content) < 1000  # the input is not echoed whole


def test_over_long_filter_and_ordering_values_are_422(serve, data):
    client, _ = serve(("books", Bounded))
    assert client.get("/api/books/", data={"title": "d" * 500}).status_code == 200
    r = client.get("/api/books/", data={"title": "d" * 501})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "title"]
    assert "at most 500 characters" in r.json()["detail"][0]["msg"]
    r = client.get("/api/books/", data={"ordering": ",".join(["title"] * 200)})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "ordering"]
    r = client.get("/api/books/?title=du%00ne")
    assert r.status_code == 422 and "Null characters" in r.json()["detail"][0]["msg"]


def test_input_limits_are_settings(serve, data, settings):
    settings.NINJA_VIEWSETS = {
        "SEARCH_MAX_TERMS": 2,
        "SEARCH_MAX_TERM_LENGTH": 5,
        "FILTER_MAX_VALUE_LENGTH": 3,
    }
    client, _ = serve(("books", Bounded))
    assert client.get("/api/books/?search=a b c").status_code == 422
    assert client.get("/api/books/?search=abcdef").status_code == 422
    assert client.get("/api/books/?search=dune").status_code == 200
    assert client.get("/api/books/?title=dune").status_code == 422
    assert client.get("/api/books/?title=dun").status_code == 200


# -- django-filter ---------------------------------------------------------------------------


class BookFilterSet(django_filters.FilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains")
    year = django_filters.RangeFilter()
    tags = django_filters.ModelMultipleChoiceFilter(
        field_name="tags__name", to_field_name="name", queryset=Tag.objects.all()
    )

    class Meta:
        model = Book
        fields = ["title", "year", "author", "tags"]


class FilterSetBooks(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookRow
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = BookFilterSet
    ordering = "title"


class FieldsBooks(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookRow
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["year", "author"]
    ordering = "title"  # no OrderingFilter: not applied, as in DRF


def test_django_filter_filterset_class(serve, data):
    client, _ = serve(("books", FilterSetBooks))
    assert plain_titles(client.get("/api/books/?title=dune")) == ["Children of Dune", "Dune"]
    assert plain_titles(client.get("/api/books/?year_min=1950&year_max=1951")) == [
        "Foundation", "I, Robot",
    ]  # fmt: skip
    assert plain_titles(client.get("/api/books/?tags=scifi")) == ["Dune", "Foundation"]
    herbert = data[0]
    assert plain_titles(client.get(f"/api/books/?author={herbert.id}&title=children")) == [
        "Children of Dune"
    ]


def test_django_filter_filterset_fields(serve, data):
    client, _ = serve(("books", FieldsBooks))
    assert plain_titles(client.get("/api/books/?year=1965")) == ["Dune"]
    assert len(plain_titles(client.get("/api/books/"))) == 5


@pytest.mark.parametrize(
    ("query", "param", "message"),
    [
        ("year=soon", "year", "Enter a number."),
        ("author=999999", "author", "Select a valid choice"),
        ("author=x", "author", "Select a valid choice"),
    ],
)
def test_django_filter_invalid_values_are_422_naming_the_param(serve, data, query, param, message):
    client, _ = serve(("books", FieldsBooks))
    r = client.get(f"/api/books/?{query}")
    assert r.status_code == 422, r
    [error] = r.json()["detail"]
    assert error["loc"] == ["query", param]
    assert message in error["msg"]


def test_django_filter_values_are_bounded(serve, data):
    client, _ = serve(("books", FilterSetBooks))
    r = client.get("/api/books/", data={"title": "x" * 501})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "title"]


def test_django_filter_fields_are_typed_query_parameters(serve, data):
    _, api = serve(("books", FilterSetBooks), ("fields", FieldsBooks))
    schema = api.get_openapi_schema(path_prefix="/api")
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/books/"]["get"]["parameters"]}
    assert params["title"]["type"] == "string"
    assert params["year_min"]["type"] == "number" and params["year_max"]["type"] == "number"
    assert params["author"]["type"] == "integer"
    assert params["tags"]["anyOf"][0] == {"items": {"type": "string"}, "type": "array"}
    assert "ordering" in params
    fields = {p["name"]: p["schema"] for p in schema["paths"]["/api/fields/"]["get"]["parameters"]}
    assert set(fields) == {"year", "author"}
    assert fields["year"]["type"] == "number"
    detail = schema["paths"]["/api/books/{pk}/"]["get"]["parameters"]
    assert [p["name"] for p in detail] == ["pk"]


def test_django_filter_does_not_filter_detail_lookups(serve, data):
    client, _ = serve(("books", FieldsBooks))
    dune = Book.objects.get(title="Dune")
    assert client.get(f"/api/books/{dune.id}/?year=1").status_code == 200


def test_filterset_for_another_model_is_refused_at_register(db):
    class Wrong(FieldsBooks):
        queryset = Author.objects.all()
        filterset_class = BookFilterSet

    with pytest.raises(ImproperlyConfigured, match="BookFilterSet is for Book"):
        DefaultRouter().register("wrong", Wrong)


# -- docs/src/filtering.py ---------------------------------------------------------------------


@pytest.mark.urls("docs.src.filtering")
def test_docs_filtering_example(client, user):
    from library.models import Author as LibraryAuthor
    from library.models import Book as LibraryBook

    herbert = LibraryAuthor.objects.create(name="Frank Herbert")
    asimov = LibraryAuthor.objects.create(name="Isaac Asimov")
    for title, year, author, isbn in [
        ("Dune", 1965, herbert, "0000000001"),
        ("Children of Dune", 1976, herbert, "0000000002"),
        ("Foundation", 1951, asimov, "0000000003"),
    ]:
        LibraryBook.objects.create(title=title, year=year, author=author, isbn=isbn, owner=None)
    LibraryBook.objects.filter(title="Foundation").update(owner=user)

    def listed(query):
        r = client.get(f"/api/books/?{query}")
        assert r.status_code == 200, r
        return [b["title"] for b in r.json()]

    assert listed("") == ["Children of Dune", "Dune", "Foundation"]  # ordering = "-year"
    assert listed("year_min=1960&year_max=1970") == ["Dune"]
    assert listed(f"author={asimov.id}") == ["Foundation"]
    assert listed("search=dune&ordering=year") == ["Dune", "Children of Dune"]
    assert len(listed("search=000000000")) == 3  # isbn__startswith
    assert listed("search=0000000003") == ["Foundation"]
    assert listed("search=0000000") == ["Children of Dune", "Dune", "Foundation"]
    assert listed("search=00000003") == []  # not a prefix
    assert listed("ordering=author__name,-year") == ["Children of Dune", "Dune", "Foundation"]
    assert listed("mine=true") == []
    client.force_login(user)
    assert listed("mine=true") == ["Foundation"]
    r = client.get("/api/books/?year_min=soon")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "year_min"]
    assert client.get("/api/books/?ordering=isbn").status_code == 422  # not in BookOut


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"ordering": "titel"}, r"Books.ordering = 'titel'.*Cannot resolve keyword 'titel'"),
        ({"ordering_fields": ["year", "nope"]}, r"Books.ordering_fields.*'nope'"),
        ({"search_fields": ["title", "author__nam"]}, r"Books.search_fields: 'author__nam'"),
        ({"search_fields": ["^titel"]}, r"Books.search_fields: '\^titel'"),
    ],
)
def test_misnamed_fields_raise_at_register(db, attributes, message):
    viewset = type(
        "Books",
        (ReadOnlyModelViewSet,),
        {"queryset": Book.objects.all(), "output_schema": BookRow, **attributes},
    )
    with pytest.raises(ImproperlyConfigured, match=message):
        DefaultRouter().register("books", viewset)


def test_fields_of_annotations_and_lookups_pass_the_register_check(db):
    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.annotate(Count("tags"))
        output_schema = BookRow
        ordering = ["-tags__count", "author__name", "?"]
        ordering_fields = ["tags__count", ("year", "Year")]
        search_fields = ["title__iendswith", "=author__name", "tags__name", "year"]

    DefaultRouter().register("books", Books)


def test_filter_backends_per_action(serve, data):
    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        search_fields = ["title"]
        ordering_fields = ["year"]
        ordering = "title"

        @action(detail=False, paginate=True, filter_backends=[SearchFilter])
        async def unordered(self, request) -> list[BookRow]:
            return self.get_queryset().order_by("-id")

    client, api = serve(("books", Books))
    assert plain_titles(client.get("/api/books/unordered/?search=dune")) == [
        "Children of Dune", "Dune",
    ]  # fmt: skip
    assert plain_titles(client.get("/api/books/?search=dune&ordering=-year"))[0] == (
        "Children of Dune"
    )
    op = api.get_openapi_schema(path_prefix="/api")["paths"]["/api/books/unordered/"]["get"]
    assert {p["name"] for p in op["parameters"]} == {"search"}


def test_drf_backends_are_refused_at_register_with_ours_named(db):
    from django_filters.rest_framework import DjangoFilterBackend as DrfDjangoFilterBackend

    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        filter_backends = [DrfDjangoFilterBackend]
        filterset_fields = ["year"]

    with pytest.raises(ImproperlyConfigured, match=r"ninja_viewsets.filters.DjangoFilterBackend"):
        DefaultRouter().register("books", Books)


def test_search_fields_string_is_one_field(serve, data):
    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        search_fields = "title"  # type: ignore[assignment]
        ordering = "title"

    client, _ = serve(("books", Books))
    assert plain_titles(client.get("/api/books/?search=dune")) == ["Children of Dune", "Dune"]


def test_one_query_parameter_one_owner_checked_at_register(db, settings):
    class SearchField(FilterSchema):
        search: str | None = None

    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        filter_schema = SearchField
        search_fields = ["title"]

    with pytest.raises(ImproperlyConfigured, match="SearchFilter and FilterSchemaBackend"):
        DefaultRouter().register("books", Books)

    settings.NINJA_VIEWSETS = {"ORDERING_PARAM": "page"}

    class Paged(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        ordering_fields = ["year"]
        pagination_class = PageNumberPagination

    with pytest.raises(ImproperlyConfigured, match="'page'"):
        DefaultRouter().register("paged", Paged)


def test_backend_subclass_param_names(serve, data):
    class Q(SearchFilter):
        search_param = "q"

    class Sort(OrderingFilter):
        ordering_param = "sort"

    class Books(ReadOnlyModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookRow
        filter_backends = [Q, Sort]
        search_fields = ["title"]
        ordering_fields = ["year"]

    client, _ = serve(("books", Books))
    assert plain_titles(client.get("/api/books/?q=dune&sort=-year")) == [
        "Children of Dune", "Dune",
    ]  # fmt: skip
    assert client.get("/api/books/?sort=nope").json()["detail"][0]["loc"] == ["query", "sort"]


@pytest.mark.urls("docs.src.filtering")
def test_docs_filtering_backend_reads_the_validated_bool(client, user):
    from library.models import Author as LibraryAuthor
    from library.models import Book as LibraryBook

    author = LibraryAuthor.objects.create(name="A")
    LibraryBook.objects.create(title="Mine", year=2000, author=author, isbn="1", owner=user)
    LibraryBook.objects.create(title="Theirs", year=2001, author=author, isbn="2")
    client.force_login(user)
    for value, expected in [("yes", ["Mine"]), ("on", ["Mine"]), ("false", ["Theirs", "Mine"])]:
        r = client.get(f"/api/books/?mine={value}")
        assert [b["title"] for b in r.json()] == expected, (value, r)
    assert client.get("/api/books/?mine=maybe").status_code == 422
