"""Filter backends, DRF's way: django-filter, a backend of your own, search and ordering."""

import django_filters
from django.urls import path
from ninja import Field, NinjaAPI, Query, Schema

from library.models import Book
from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet
from ninja_viewsets.filters import (
    BaseFilterBackend,
    DjangoFilterBackend,
    OrderingFilter,
    SearchFilter,
)


class BookOut(Schema):
    id: int
    title: str
    year: int
    author_name: str = Field(alias="author.name")  # orderable as ?ordering=author__name


class BookFilterSet(django_filters.FilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains")
    year = django_filters.RangeFilter()  # ?year_min=1960&year_max=1980

    class Meta:
        model = Book
        fields = ["title", "year", "author"]


class OwnedOnly(BaseFilterBackend):
    """?mine=true: the caller's books. Async: it may await the ORM."""

    def get_query_parameters(self, view):
        return {"mine": (bool, Query(False, description="Only the books you own."))}

    async def filter_queryset(self, request, queryset, view):
        if view.params.get("mine"):  # the validated value (Ninja parsed the bool)
            user = await request.auser()
            return queryset.filter(owner=user) if user.is_authenticated else queryset.none()
        return queryset


class BookViewSet(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    filter_backends = [DjangoFilterBackend, OwnedOnly, SearchFilter, OrderingFilter]
    filterset_class = BookFilterSet
    search_fields = ["title", "=author__name", "isbn__startswith"]
    ordering = "-year"  # a string is one field
    # no ordering_fields: clients order by BookOut's fields (id, title, year, author__name)


router = DefaultRouter()
router.register("books", BookViewSet)
api = NinjaAPI(urls_namespace="docs-filtering")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
