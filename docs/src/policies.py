"""Policies on one viewset: auth, permissions, throttles, filters, search, ordering, pages."""

from django.urls import path
from ninja import FilterSchema, NinjaAPI, Schema
from ninja.security import HttpBearer

from library.models import Book
from ninja_viewsets import DefaultRouter, ModelViewSet, action
from ninja_viewsets.pagination import PageNumberPagination
from ninja_viewsets.permissions import IsAuthenticatedOrReadOnly
from ninja_viewsets.throttling import AnonRateThrottle, UserRateThrottle


class BookOut(Schema):
    id: int
    title: str
    year: int


class BookIn(Schema):
    title: str
    year: int
    isbn: str
    author_id: int


class BookFilter(FilterSchema):
    year: int | None = None
    author_id: int | None = None


class ApiKey(HttpBearer):
    async def authenticate(self, request, token):
        return token if token == "let-me-in" else None


class BookViewSet(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn
    auth = ApiKey()
    authentication_required = False  # anonymous requests reach the permissions
    permission_classes = [IsAuthenticatedOrReadOnly]
    throttle_classes = [AnonRateThrottle, UserRateThrottle]
    pagination_class = PageNumberPagination  # ?page=2&page_size=10 -> {items, count}
    filter_schema = BookFilter  # ?year=1965&author_id=1
    search_fields = ["title", "^isbn", "=author__name"]  # ?search=dune
    ordering_fields = ["year", "title"]  # ?ordering=-year,title
    ordering = ["title"]

    @action(detail=False, paginate=True, pagination_class=None)
    async def modern(self, request) -> list[BookOut]:
        """Filtered, searched and ordered like the list, but not paginated."""
        return self.get_queryset().filter(year__gte=2000)


router = DefaultRouter()
router.register("books", BookViewSet)
api = NinjaAPI(urls_namespace="docs-policies")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
