"""A typical DRF ModelViewSet, ported: serializer -> schemas, filter backends -> attributes."""

from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

from library.models import Book
from ninja_viewsets import DefaultRouter, ModelViewSet, action
from ninja_viewsets.pagination import PageNumberPagination
from ninja_viewsets.permissions import IsAuthenticatedOrReadOnly

from .quickstart import AuthorOut, BookIn  # the quickstart's schemas


class BookOut(Schema):  # the serializer's read side
    id: int
    title: str
    year: int
    isbn: str
    author: AuthorOut


class BookViewSet(ModelViewSet):
    queryset = Book.objects.all()  # no select_related: BookOut.author makes the JOIN
    output_schema = BookOut
    input_schema = BookIn  # PATCH: derived, every field optional
    auth = django_auth  # DRF's SessionAuthentication (CSRF included)
    authentication_required = False  # anonymous requests reach the permissions, as in DRF
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = PageNumberPagination
    search_fields = ["title"]  # DRF's SearchFilter
    ordering_fields = ["year"]  # DRF's OrderingFilter

    async def perform_create(self, data: BookIn):
        """DRF: serializer.save(owner=self.request.user)."""
        return await Book.objects.acreate(owner=self.request.user, **data.model_dump())

    @action(detail=True, methods=["post"])
    async def reprint(self, request, pk: int) -> BookOut:
        book = await self.get_object()
        book.year = 2026
        await book.asave(update_fields=["year"])
        return book  # DRF: Response(self.get_serializer(book).data)


router = DefaultRouter()
router.register("books", BookViewSet)

api = NinjaAPI(urls_namespace="docs-from-drf")
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]  # DRF: path("api/", include(router.urls))
