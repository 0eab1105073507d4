"""DRF's ``tests/test_filters.py``, ported test by test (DRF 3.16+, encode/django-rest-framework).

Each test keeps DRF's class and method name; its docstring names the DRF test. The models are
DRF's (``tests/drf/filtersapp``). DRF's ``generics.ListAPIView`` with ``serializer_class`` is a
``ReadOnlyModelViewSet`` here, routed by a ``DefaultRouter`` and called over HTTP (Django's
``AsyncClient`` through the ASGI handler); a ``ModelSerializer`` with ``fields = '__all__'`` is
the derived output schema, a serializer field with ``source=`` is a schema field with ``alias=``.

Documented differences (docs/coming-from-drf.md), adapted in the tests that meet them:

- An unknown or malformed ``?ordering=`` term is a 422 naming the parameter (DRF ignores it and
  falls back to the default ordering); ``OrderingFilter.strict = False`` gives DRF's behaviour,
  and each such test checks both.
- A NUL in ``?search=`` is a 422 (DRF: 400 ``ValidationError``).
- A backend reads ``request.GET`` (DRF: ``request.query_params``).
- ``SEARCH_PARAM`` / ``ORDERING_PARAM`` are read when the viewset is registered (DRF: at import
  of ``rest_framework.filters``, hence DRF's ``reload_module``).
- Configuration is checked at ``register()`` (DRF: on the request): the missing-serializer
  error, and search fields (a custom lookup must be registered before the viewset is).
- Ids are read from the created rows, not assumed to be 1, 2, 3 (PostgreSQL keeps sequences
  across tests; DRF resets them).

Counts: 50 DRF tests; 48 ported, 48 passing (the 8 that need PostgreSQL are skipped on
SQLite); 2 not ported:

- ``SearchFilterTests.test_search_field_with_multiple_words``: ``SearchFilter.to_html``, the
  browsable API's search form (no browsable API; JSON only).
- ``OrderingFilterTests.test_get_template_context``: the browsable API's HTML ordering control.
"""

from __future__ import annotations

import itertools
import sys
import types
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.db.models import CharField, Transform
from django.db.models.functions import Concat, Upper
from django.test.utils import register_lookup
from django.urls import path
from ninja import Field, NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet, filters
from tests.conftest import Client
from tests.drf.filtersapp.models import (
    AttributeModel,
    Blog,
    Entry,
    OrderingFilterModel,
    OrderingFilterRelatedModel,
    SearchFilterModel,
    SearchFilterModelFk,
    SearchFilterModelM2M,
    SensitiveOrderingFilterModel,
)

requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="DRF marks it requires_postgres"
)
_serial = itertools.count()


@pytest.fixture
def view(settings, db):
    """DRF's ``View.as_view()`` + ``factory.get``: register the viewset, GET its list."""

    def make(viewset: type) -> Any:
        router = DefaultRouter()
        router.register("items", viewset, basename="items")
        n = next(_serial)
        api = NinjaAPI(urls_namespace=f"drf-filters-{n}")
        api.add_router("/", router)
        name = f"tests.drf._filters_urls_{n}"
        module = types.ModuleType(name)
        module.urlpatterns = [path("api/", api.urls)]  # type: ignore[attr-defined]
        sys.modules[name] = module
        settings.ROOT_URLCONF = name
        client = Client()

        def get(query: dict[str, str] | None = None, status: int = 200) -> Any:
            r = client.get("/api/items/", data=query or {})
            assert r.status_code == status, r
            return r.json()

        return get

    return make


def lenient(viewset: type) -> type:
    """The same viewset with DRF's ignoring OrderingFilter (``strict = False``)."""

    class LenientOrderingFilter(filters.OrderingFilter):
        strict = False

    return type(viewset.__name__, (viewset,), {"filter_backends": (LenientOrderingFilter,)})


def assert_ordering_422(body: Any, param: str = "ordering") -> None:
    [error] = body["detail"]
    assert error["loc"] == ["query", param]
    assert "Unknown ordering field" in error["msg"]


class TestSearchSplitTests:
    def test_keep_quoted_together_regardless_of_commas(self):
        """DRF: SearchSplitTests.test_keep_quoted_together_regardless_of_commas."""
        assert list(filters.search_smart_split('"hello, world"')) == ["hello, world"]

    def test_strips_commas_around_quoted(self):
        """DRF: SearchSplitTests.test_strips_commas_around_quoted."""
        assert list(filters.search_smart_split(',,"hello, world"')) == ["hello, world"]
        assert list(filters.search_smart_split(',,"hello, world",,')) == ["hello, world"]
        assert list(filters.search_smart_split('"hello, world",,')) == ["hello, world"]

    def test_splits_by_comma(self):
        """DRF: SearchSplitTests.test_splits_by_comma."""
        assert list(filters.search_smart_split(",,hello, world")) == ["hello", "world"]
        assert list(filters.search_smart_split(",,hello, world,,")) == ["hello", "world"]
        assert list(filters.search_smart_split("hello, world,,")) == ["hello", "world"]

    def test_splits_quotes_followed_by_comma_and_sentence(self):
        """DRF: SearchSplitTests.test_splits_quotes_followed_by_comma_and_sentence."""
        assert list(filters.search_smart_split('"hello, world",found')) == [
            '"hello',
            'world"',
            "found",
        ]


class TestBaseFilterTests:
    def test_filter_queryset_raises_error(self):
        """DRF: BaseFilterTests.test_filter_queryset_raises_error."""
        with pytest.raises(NotImplementedError):
            filters.BaseFilterBackend().filter_queryset(None, None, None)  # type: ignore[arg-type]


def search_rows(*titles: str) -> list[dict[str, Any]]:
    """DRF's expected ``{'id', 'title', 'text'}`` rows, ids read from the database."""
    rows = {o.title: o for o in SearchFilterModel.objects.filter(title__in=titles)}
    return [{"id": rows[t].id, "title": t, "text": rows[t].text} for t in titles]


@pytest.fixture
def search_data(db):
    # Sequence of title/text is:
    #
    # z   abc
    # zz  bcd
    # zzz cde
    # ...
    for idx in range(10):
        title = "z" * (idx + 1)
        text = chr(idx + ord("a")) + chr(idx + ord("b")) + chr(idx + ord("c"))
        SearchFilterModel(title=title, text=text).save()
    SearchFilterModel(title="A title", text="The long text").save()
    SearchFilterModel(title="The title", text='The "text').save()


@pytest.fixture
def unaccent_extension(db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


@pytest.mark.usefixtures("search_data")
class TestSearchFilterTests:
    def test_search(self, view):
        """DRF: SearchFilterTests.test_search."""

        class SearchListView(ReadOnlyModelViewSet):
            queryset = SearchFilterModel.objects.all()
            filter_backends = (filters.SearchFilter,)
            search_fields = ("title", "text")

        assert view(SearchListView)({"search": "b"}) == search_rows("z", "zz")

    def test_search_returns_same_queryset_if_no_search_fields_or_terms_provided(self, view):
        """DRF: SearchFilterTests.test_search_returns_same_queryset_if_no_search_fields_or_
        terms_provided."""

        class SearchListView(ReadOnlyModelViewSet):
            queryset = SearchFilterModel.objects.all()
            filter_backends = (filters.SearchFilter,)

        expected = [
            {"id": o.id, "title": o.title, "text": o.text} for o in SearchFilterModel.objects.all()
        ]
        assert view(SearchListView)() == expected

    def test_exact_search(self, view):
        """DRF: SearchFilterTests.test_exact_search."""

        class SearchListView(ReadOnlyModelViewSet):
            queryset = SearchFilterModel.objects.all()
            filter_backends = (filters.SearchFilter,)
            search_fields = ("=title", "text")

        assert view(SearchListView)({"search": "zzz"}) == search_rows("zzz")

    def test_startswith_search(self, view):
        """DRF: SearchFilterTests.test_startswith_search."""

        class SearchListView(ReadOnlyModelViewSet):
            queryset = SearchFilterModel.objects.all()
            filter_backends = (filters.SearchFilter,)
            search_fields = ("title", "^text")

        assert view(SearchListView)({"search": "b"}) == search_rows("zz")

    def test_regexp_search(self, view):
        """DRF: SearchFilterTests.test_regexp_search."""

        class SearchListView(ReadOnlyModelViewSet):
            queryset = SearchFilterModel.objects.all()
            filter_backends = (filters.SearchFilter,)
            search_fields = ("$title", "$text")

        assert view(SearchListView)({"search": "z{2} ^b"}) == search_rows("zz")

    def test_search_with_nonstandard_search_param(self, view, settings):
        """DRF: SearchFilterTests.test_search_with_nonstandard_search_param (the setting is
        read at register(), so no module reload)."""
        settings.NINJA_VIEWSETS = {"SEARCH_PARAM": "query"}

        class SearchListView(ReadOnlyModelViewSet):
            queryset = SearchFilterModel.objects.all()
            filter_backends = (filters.SearchFilter,)
            search_fields = ("title", "text")

        assert view(SearchListView)({"query": "b"}) == search_rows("z", "zz")

    def test_search_with_filter_subclass(self, view):
        """DRF: SearchFilterTests.test_search_with_filter_subclass (``request.GET`` for DRF's
        ``request.query_params``)."""

        class CustomSearchFilter(filters.SearchFilter):
            # Filter that dynamically changes search fields
            def get_search_fields(self, view, request):
                if request is not None and request.GET.get("title_only"):
                    return ("$title",)
                return super().get_search_fields(view, request)

        class SearchListView(ReadOnlyModelViewSet):
            queryset = SearchFilterModel.objects.all()
            filter_backends = (CustomSearchFilter,)
            search_fields = ("$title", "$text")

        get = view(SearchListView)
        assert len(get({"search": r"^\w{3}$"})) == 10
        assert get({"search": r"^\w{3}$", "title_only": "true"}) == search_rows("zzz")

    def test_search_field_with_null_characters(self, view):
        """DRF: SearchFilterTests.test_search_field_with_null_characters (422 for DRF's
        ValidationError, over HTTP)."""

        class SearchListView(ReadOnlyModelViewSet):
            queryset = SearchFilterModel.objects.all()
            filter_backends = (filters.SearchFilter,)
            search_fields = ("title", "text")

        body = view(SearchListView)({"search": "\0as\x00d\x00f"}, status=422)
        assert body["detail"][0]["loc"] == ["query", "search"]

    def test_search_field_with_custom_lookup(self, view):
        """DRF: SearchFilterTests.test_search_field_with_custom_lookup."""

        class SearchListView(ReadOnlyModelViewSet):
            queryset = SearchFilterModel.objects.all()
            filter_backends = (filters.SearchFilter,)
            search_fields = ("text__iendswith",)

        assert view(SearchListView)({"search": "c"}) == search_rows("z")

    def test_search_field_with_additional_transforms(self, view):
        """DRF: SearchFilterTests.test_search_field_with_additional_transforms (the viewset
        is registered inside ``register_lookup``: search fields are checked at register())."""

        class SearchListView(ReadOnlyModelViewSet):
            queryset = SearchFilterModel.objects.all()
            filter_backends = (filters.SearchFilter,)
            search_fields = ("text__trim",)

        # an example custom transform, that trims `a` from the string.
        class TrimA(Transform):
            function = "TRIM"
            lookup_name = "trim"

            def as_sql(self, compiler, connection):
                sql, params = compiler.compile(self.lhs)
                return f"trim({sql}, 'a')", params

        with register_lookup(CharField, TrimA):
            get = view(SearchListView)
            # Search including `a`
            assert get({"search": "abc"}) == []
            # Search excluding `a`
            assert get({"search": "bc"}) == search_rows("z", "zz")

    @requires_postgres
    @pytest.mark.usefixtures("unaccent_extension")
    def test_unaccented_search_lookups(self, view):
        """DRF: SearchFilterTests.test_unaccented_search_lookups."""
        for title in ("Jérémy", "Jeremy", "Jérémie", "Amélie"):
            SearchFilterModel.objects.create(title=title, text=title.lower())

        # (search field, term, expected titles) for each prefix. All but '@'
        # are accent-insensitive, so an unaccented term matches accented titles.
        cases = [
            ("title", "rem", {"Jérémy", "Jeremy", "Jérémie"}),  # unaccent__icontains
            ("^title", "jer", {"Jérémy", "Jeremy", "Jérémie"}),  # unaccent__istartswith
            ("=title", "jeremy", {"Jérémy", "Jeremy"}),  # unaccent__iexact
            ("$title", "jerem.+", {"Jérémy", "Jeremy", "Jérémie"}),  # unaccent__iregex
            ("@title", "Jeremy", {"Jeremy"}),  # search (accent-sensitive)
        ]
        for search_field, term, expected in cases:

            class SearchListView(ReadOnlyModelViewSet):
                queryset = SearchFilterModel.objects.all()
                filter_backends = (filters.UnaccentedSearchFilter,)
                search_fields = (search_field,)

            response = view(SearchListView)({"search": term})
            assert {item["title"] for item in response} == expected, search_field

    def test_search_field_with_escapes(self, view):
        """DRF: SearchFilterTests.test_search_field_with_escapes."""

        class SearchListView(ReadOnlyModelViewSet):
            queryset = SearchFilterModel.objects.all()
            filter_backends = (filters.SearchFilter,)
            search_fields = ("title", "text")

        assert view(SearchListView)({"search": '"\\"text"'}) == search_rows("The title")

    def test_search_field_with_quotes(self, view):
        """DRF: SearchFilterTests.test_search_field_with_quotes."""

        class SearchListView(ReadOnlyModelViewSet):
            queryset = SearchFilterModel.objects.all()
            filter_backends = (filters.SearchFilter,)
            search_fields = ("title", "text")

        assert view(SearchListView)({"search": '"long text"'}) == search_rows("A title")


@pytest.fixture
def full_text_data(db):
    SearchFilterModel.objects.create(title="The quick brown fox", text="jumps over the lazy dog")
    SearchFilterModel.objects.create(title="The slow brown turtle", text="crawls under the fence")
    SearchFilterModel.objects.create(title="A bright sunny day", text="in the park with friends")


def full_text_view(*fields: str) -> type:
    class SearchListView(ReadOnlyModelViewSet):
        queryset = SearchFilterModel.objects.all()
        filter_backends = (filters.SearchFilter,)
        search_fields = fields

    return SearchListView


@requires_postgres
@pytest.mark.usefixtures("full_text_data")
class TestSearchFilterFullTextTests:
    def test_full_text_search_single_term(self, view):
        """DRF: SearchFilterFullTextTests.test_full_text_search_single_term."""
        data = view(full_text_view("@title"))({"search": "fox"})
        assert len(data) == 1
        assert data[0]["title"] == "The quick brown fox"

    def test_full_text_search_multiple_results(self, view):
        """DRF: SearchFilterFullTextTests.test_full_text_search_multiple_results."""
        data = view(full_text_view("@title"))({"search": "brown"})
        assert len(data) == 2
        assert {item["title"] for item in data} == {"The quick brown fox", "The slow brown turtle"}

    def test_full_text_search_no_results(self, view):
        """DRF: SearchFilterFullTextTests.test_full_text_search_no_results."""
        assert len(view(full_text_view("@title"))({"search": "elephant"})) == 0

    def test_full_text_search_multiple_fields(self, view):
        """DRF: SearchFilterFullTextTests.test_full_text_search_multiple_fields."""
        data = view(full_text_view("@title", "@text"))({"search": "lazy"})
        assert len(data) == 1
        assert data[0]["title"] == "The quick brown fox"

    def test_full_text_search_stemming(self, view):
        """DRF: SearchFilterFullTextTests.test_full_text_search_stemming."""
        data = view(full_text_view("@text"))({"search": "jumping"})
        assert len(data) == 1
        assert data[0]["text"] == "jumps over the lazy dog"

    def test_full_text_search_multiple_terms(self, view):
        """DRF: SearchFilterFullTextTests.test_full_text_search_multiple_terms."""
        data = view(full_text_view("@title", "@text"))({"search": "brown lazy"})
        assert len(data) == 1
        assert data[0]["title"] == "The quick brown fox"

    def test_full_text_search_mixed_with_icontains(self, view):
        """DRF: SearchFilterFullTextTests.test_full_text_search_mixed_with_icontains."""
        data = view(full_text_view("@title", "text"))({"search": "park"})
        assert len(data) == 1
        assert data[0]["title"] == "A bright sunny day"


class TestSearchFilterFkTests:
    def test_must_call_distinct(self):
        """DRF: SearchFilterFkTests.test_must_call_distinct."""
        filter_ = filters.SearchFilter()
        prefixes = ["", *filter_.lookup_prefixes]
        for prefix in prefixes:
            assert not filter_.must_call_distinct(SearchFilterModelFk._meta, [f"{prefix}title"])
            assert not filter_.must_call_distinct(
                SearchFilterModelFk._meta, [f"{prefix}title", f"{prefix}attribute__label"]
            )

    def test_must_call_distinct_restores_meta_for_each_field(self):
        """DRF: SearchFilterFkTests.test_must_call_distinct_restores_meta_for_each_field."""
        filter_ = filters.SearchFilter()
        prefixes = ["", *filter_.lookup_prefixes]
        for prefix in prefixes:
            assert not filter_.must_call_distinct(
                SearchFilterModelFk._meta, [f"{prefix}attribute__label", f"{prefix}title"]
            )

    def test_custom_lookup_to_related_model(self):
        """DRF: SearchFilterFkTests.test_custom_lookup_to_related_model."""
        filter_ = filters.SearchFilter()
        assert filter_.construct_search("attribute__label", SearchFilterModelFk._meta) == (
            "attribute__label__icontains"
        )
        assert filter_.construct_search(
            "attribute__label__iendswith", SearchFilterModelFk._meta
        ) == ("attribute__label__iendswith")

    def test_construct_search_with_at_prefix(self):
        """DRF: SearchFilterFkTests.test_construct_search_with_at_prefix."""
        filter_ = filters.SearchFilter()
        assert filter_.construct_search("@title", SearchFilterModelFk._meta) == "title__search"


@pytest.fixture
def m2m_data(db):
    # Sequence of title/text/attributes is:
    #
    # z   abc [1, 2, 3]
    # zz  bcd [1, 2, 3]
    # zzz cde [1, 2, 3]
    # ...
    attributes = [AttributeModel.objects.create(label="w" * (idx + 1)) for idx in range(3)]
    for idx in range(10):
        title = "z" * (idx + 1)
        text = chr(idx + ord("a")) + chr(idx + ord("b")) + chr(idx + ord("c"))
        SearchFilterModelM2M(title=title, text=text).save()
    SearchFilterModelM2M.objects.get(title="zz").attributes.add(*attributes)


@pytest.mark.usefixtures("m2m_data")
class TestSearchFilterM2MTests:
    def test_m2m_search(self, view):
        """DRF: SearchFilterM2MTests.test_m2m_search."""

        class SearchListView(ReadOnlyModelViewSet):
            queryset = SearchFilterModelM2M.objects.all()
            filter_backends = (filters.SearchFilter,)
            search_fields = ("=title", "text", "attributes__label")

        assert len(view(SearchListView)({"search": "zz"})) == 1

    def test_must_call_distinct(self):
        """DRF: SearchFilterM2MTests.test_must_call_distinct."""
        filter_ = filters.SearchFilter()
        prefixes = ["", *filter_.lookup_prefixes]
        for prefix in prefixes:
            assert not filter_.must_call_distinct(SearchFilterModelM2M._meta, [f"{prefix}title"])
            assert filter_.must_call_distinct(
                SearchFilterModelM2M._meta, [f"{prefix}title", f"{prefix}attributes__label"]
            )


class BlogOut(Schema):
    id: int
    name: str


class TestSearchFilterToManyTests:
    @pytest.fixture(autouse=True)
    def _data(self, db):
        import datetime

        b1 = Blog.objects.create(name="Blog 1")
        b2 = Blog.objects.create(name="Blog 2")
        # Multiple entries on Lennon published in 1979 - distinct should deduplicate
        Entry.objects.create(
            blog=b1, headline="Something about Lennon", pub_date=datetime.date(1979, 1, 1)
        )
        Entry.objects.create(
            blog=b1, headline="Another thing about Lennon", pub_date=datetime.date(1979, 6, 1)
        )
        # Entry on Lennon *and* a separate entry in 1979 - should not match
        Entry.objects.create(
            blog=b2, headline="Something unrelated", pub_date=datetime.date(1979, 1, 1)
        )
        Entry.objects.create(
            blog=b2, headline="Retrospective on Lennon", pub_date=datetime.date(1990, 6, 1)
        )

    def test_multiple_filter_conditions(self, view):
        """DRF: SearchFilterToManyTests.test_multiple_filter_conditions."""

        class SearchListView(ReadOnlyModelViewSet):
            queryset = Blog.objects.all()
            output_schema = BlogOut
            filter_backends = (filters.SearchFilter,)
            search_fields = ("=name", "entry__headline", "=entry__pub_date__year")

        assert len(view(SearchListView)({"search": "Lennon,1979"})) == 1


class SearchFilterAnnotatedOut(Schema):
    title: str
    text: str
    title_text: str


class TestSearchFilterAnnotatedFieldTests:
    @pytest.fixture(autouse=True)
    def _data(self, db):
        SearchFilterModel.objects.create(title="abc", text="def")
        SearchFilterModel.objects.create(title="ghi", text="jkl")

    def test_search_in_annotated_field(self, view):
        """DRF: SearchFilterAnnotatedFieldTests.test_search_in_annotated_field."""

        class SearchListView(ReadOnlyModelViewSet):
            queryset = SearchFilterModel.objects.annotate(
                title_text=Upper(Concat(models.F("title"), models.F("text")))
            ).all()
            output_schema = SearchFilterAnnotatedOut
            filter_backends = (filters.SearchFilter,)
            search_fields = ("title_text",)

        data = view(SearchListView)({"search": "ABCDEF"})
        assert len(data) == 1
        assert data[0]["title_text"] == "ABCDEF"

    def test_must_call_distinct_subsequent_m2m_fields(self):
        """DRF: SearchFilterAnnotatedFieldTests.test_must_call_distinct_subsequent_m2m_fields."""
        f = filters.SearchFilter()
        queryset = SearchFilterModelM2M.objects.annotate(
            title_text=Upper(Concat(models.F("title"), models.F("text")))
        ).all()
        # Sanity check that m2m must call distinct
        assert f.must_call_distinct(queryset, ["attributes"])
        # Annotated field should not prevent m2m must call distinct
        assert f.must_call_distinct(queryset, ["title_text", "attributes"])


class OrderingFilterOut(Schema):  # DRF: OrderingFilterSerializer (fields '__all__')
    id: int
    title: str
    text: str


class OrderingFilterOutWithModelProperty(Schema):  # DRF: ...SerializerWithModelProperty
    id: int
    title: str
    text: str
    description: str


class OrderingDottedRelatedOut(Schema):  # DRF: OrderingDottedRelatedSerializer
    related_text: str = Field(alias="related_object.text")
    related_title: str = Field(alias="related_object.title")
    index: int


def ordering_rows(*titles: str, description: bool = False) -> list[dict[str, Any]]:
    rows = {o.title: o for o in OrderingFilterModel.objects.all()}
    out = []
    for t in titles:
        row: dict[str, Any] = {"id": rows[t].id, "title": t, "text": rows[t].text}
        if description:
            row["description"] = rows[t].description
        out.append(row)
    return out


ASC_TEXT = ("zyx", "yxw", "xwv")  # text abc, bcd, cde
DESC_TEXT = ("xwv", "yxw", "zyx")


class OrderingListView(ReadOnlyModelViewSet):
    queryset = OrderingFilterModel.objects.all()
    output_schema = OrderingFilterOut
    filter_backends = (filters.OrderingFilter,)
    ordering = ("title",)
    ordering_fields = ("text",)


@pytest.fixture
def ordering_data(db):
    # Sequence of title/text is:
    #
    # zyx abc
    # yxw bcd
    # xwv cde
    for idx in range(3):
        title = chr(ord("z") - idx) + chr(ord("y") - idx) + chr(ord("x") - idx)
        text = chr(idx + ord("a")) + chr(idx + ord("b")) + chr(idx + ord("c"))
        OrderingFilterModel(title=title, text=text).save()


@pytest.mark.usefixtures("ordering_data")
class TestOrderingFilterTests:
    def test_ordering(self, view):
        """DRF: OrderingFilterTests.test_ordering."""
        assert view(OrderingListView)({"ordering": "text"}) == ordering_rows(*ASC_TEXT)

    def test_reverse_ordering(self, view):
        """DRF: OrderingFilterTests.test_reverse_ordering."""
        assert view(OrderingListView)({"ordering": "-text"}) == ordering_rows(*DESC_TEXT)

    def test_incorrecturl_extrahyphens_ordering(self, view):
        """DRF: OrderingFilterTests.test_incorrecturl_extrahyphens_ordering (422; DRF's
        fallback to the default ordering with ``strict = False``)."""
        assert_ordering_422(view(OrderingListView)({"ordering": "--text"}, status=422))
        get = view(lenient(OrderingListView))
        assert get({"ordering": "--text"}) == ordering_rows(*DESC_TEXT)

    def test_incorrectfield_ordering(self, view):
        """DRF: OrderingFilterTests.test_incorrectfield_ordering (422; DRF's fallback with
        ``strict = False``)."""
        assert_ordering_422(view(OrderingListView)({"ordering": "foobar"}, status=422))
        assert view(lenient(OrderingListView))({"ordering": "foobar"}) == ordering_rows(*DESC_TEXT)

    def test_ordering_without_ordering_fields(self, view):
        """DRF: OrderingFilterTests.test_ordering_without_ordering_fields (unknown fields and
        model properties: 422; DRF's fallback with ``strict = False``)."""

        class OrderingListView(ReadOnlyModelViewSet):
            queryset = OrderingFilterModel.objects.all()
            output_schema = OrderingFilterOutWithModelProperty
            filter_backends = (filters.OrderingFilter,)
            ordering = ("title",)

        get = view(OrderingListView)
        # Model field ordering works fine.
        assert get({"ordering": "text"}) == ordering_rows(*ASC_TEXT, description=True)
        # `incorrectfield` ordering: 422 here.
        assert_ordering_422(get({"ordering": "foobar"}, status=422))
        # `description` is a Model property, which should be ignored: 422 here.
        assert_ordering_422(get({"ordering": "description"}, status=422))
        get = view(lenient(OrderingListView))
        for value in ("foobar", "description"):
            assert get({"ordering": value}) == ordering_rows(*DESC_TEXT, description=True)

    def test_default_ordering(self, view):
        """DRF: OrderingFilterTests.test_default_ordering."""
        assert view(OrderingListView)() == ordering_rows(*DESC_TEXT)

    def test_default_ordering_using_string(self, view):
        """DRF: OrderingFilterTests.test_default_ordering_using_string."""

        class StringOrdering(OrderingListView):
            ordering = "title"  # type: ignore[assignment]

        assert view(StringOrdering)() == ordering_rows(*DESC_TEXT)

    def test_ordering_by_aggregate_field(self, view):
        """DRF: OrderingFilterTests.test_ordering_by_aggregate_field."""
        # create some related models to aggregate order by
        num_objs = [2, 5, 3]
        for obj, num_related in zip(OrderingFilterModel.objects.all(), num_objs, strict=True):
            for _ in range(num_related):
                OrderingFilterRelatedModel(related_object=obj).save()

        class OrderingListView(ReadOnlyModelViewSet):
            output_schema = OrderingFilterOut
            filter_backends = (filters.OrderingFilter,)
            ordering = "title"
            ordering_fields = "__all__"
            queryset = OrderingFilterModel.objects.all().annotate(models.Count("related"))

        assert view(OrderingListView)({"ordering": "related__count"}) == ordering_rows(
            "zyx", "xwv", "yxw"
        )

    def test_ordering_by_dotted_source(self, view):
        """DRF: OrderingFilterTests.test_ordering_by_dotted_source."""
        for index, obj in enumerate(OrderingFilterModel.objects.all()):
            OrderingFilterRelatedModel.objects.create(related_object=obj, index=index)

        class OrderingListView(ReadOnlyModelViewSet):
            output_schema = OrderingDottedRelatedOut
            filter_backends = (filters.OrderingFilter,)
            queryset = OrderingFilterRelatedModel.objects.all()

        get = view(OrderingListView)
        assert get({"ordering": "related_object__text"}) == [
            {"related_title": "zyx", "related_text": "abc", "index": 0},
            {"related_title": "yxw", "related_text": "bcd", "index": 1},
            {"related_title": "xwv", "related_text": "cde", "index": 2},
        ]
        assert get({"ordering": "-index"}) == [
            {"related_title": "xwv", "related_text": "cde", "index": 2},
            {"related_title": "yxw", "related_text": "bcd", "index": 1},
            {"related_title": "zyx", "related_text": "abc", "index": 0},
        ]

    def test_ordering_with_nonstandard_ordering_param(self, view, settings):
        """DRF: OrderingFilterTests.test_ordering_with_nonstandard_ordering_param (read at
        register(), so no module reload)."""
        settings.NINJA_VIEWSETS = {"ORDERING_PARAM": "order"}
        assert view(OrderingListView)({"order": "text"}) == ordering_rows(*ASC_TEXT)

    def test_ordering_with_overridden_get_serializer_class(self, view):
        """DRF: OrderingFilterTests.test_ordering_with_overridden_get_serializer_class
        (``get_output_schema()`` for ``get_serializer_class()``)."""

        class OrderingListView(ReadOnlyModelViewSet):
            queryset = OrderingFilterModel.objects.all()
            filter_backends = (filters.OrderingFilter,)
            ordering = ("title",)

            # note: no ordering_fields and output_schema specified

            def get_output_schema(self):
                return OrderingFilterOut

        assert view(OrderingListView)({"ordering": "text"}) == ordering_rows(*ASC_TEXT)

    def test_ordering_with_improper_configuration(self, db):
        """DRF: OrderingFilterTests.test_ordering_with_improper_configuration (raised at
        register(); DRF raises on the request)."""

        class OrderingListView(ReadOnlyModelViewSet):
            filter_backends = (filters.OrderingFilter,)
            ordering = ("title",)
            # note: no ordering_fields, output_schema or model to derive it from

            def get_queryset(self):
                return OrderingFilterModel.objects.filter(title=self.request.GET["title"])

        with pytest.raises(ImproperlyConfigured):
            DefaultRouter().register("items", OrderingListView)


class SensitiveData1(Schema):  # DRF: SensitiveDataSerializer1
    id: int
    username: str


class SensitiveData2(Schema):  # DRF: SensitiveDataSerializer2 (password is write-only)
    id: int
    username: str


class SensitiveData3(Schema):  # DRF: SensitiveDataSerializer3 (user <- source='username')
    id: int
    user: str = Field(alias="username")


@pytest.fixture
def sensitive_data(db):
    for idx in range(3):
        username = {0: "userA", 1: "userB", 2: "userC"}[idx]
        password = {0: "passA", 1: "passC", 2: "passB"}[idx]
        SensitiveOrderingFilterModel(username=username, password=password).save()


def sensitive_rows(field: str, *usernames: str) -> list[dict[str, Any]]:
    ids = {o.username: o.id for o in SensitiveOrderingFilterModel.objects.all()}
    return [{"id": ids[u], field: u} for u in usernames]


@pytest.mark.usefixtures("sensitive_data")
class TestSensitiveOrderingFilterTests:
    def test_order_by_serializer_fields(self, view):
        """DRF: SensitiveOrderingFilterTests.test_order_by_serializer_fields."""
        for schema in [SensitiveData1, SensitiveData2, SensitiveData3]:

            class OrderingListView(ReadOnlyModelViewSet):
                queryset = SensitiveOrderingFilterModel.objects.all().order_by("username")
                filter_backends = (filters.OrderingFilter,)
                output_schema = schema

            username_field = "user" if schema is SensitiveData3 else "username"
            # Note: Inverse username ordering correctly applied.
            assert view(OrderingListView)({"ordering": "-username"}) == sensitive_rows(
                username_field, "userC", "userB", "userA"
            )

    def test_cannot_order_by_non_serializer_fields(self, view):
        """DRF: SensitiveOrderingFilterTests.test_cannot_order_by_non_serializer_fields (422;
        DRF's fallback to the queryset's order with ``strict = False``)."""
        for schema in [SensitiveData1, SensitiveData2, SensitiveData3]:

            class OrderingListView(ReadOnlyModelViewSet):
                queryset = SensitiveOrderingFilterModel.objects.all().order_by("username")
                filter_backends = (filters.OrderingFilter,)
                output_schema = schema

            username_field = "user" if schema is SensitiveData3 else "username"
            assert_ordering_422(view(OrderingListView)({"ordering": "password"}, status=422))
            # Note: The passwords are not in order.  Default ordering is used.
            assert view(lenient(OrderingListView))({"ordering": "password"}) == sensitive_rows(
                username_field, "userA", "userB", "userC"
            )
