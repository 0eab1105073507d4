"""Responses and errors: statuses and headers, field errors, hooks written DRF's way, handlers."""

from django.http import JsonResponse
from django.urls import path
from ninja import NinjaAPI

try:
    from ninja import Status  # django-ninja 1.6+
except ImportError:  # django-ninja 1.5 returns (status, body) tuples; this reads the same
    from ninja_viewsets._compat import Status  # type: ignore[assignment]

from library.models import Book
from ninja_viewsets import DefaultRouter, ModelViewSet, action
from ninja_viewsets.exceptions import ValidationError, exception_handler

from .quickstart import BookIn, BookOut  # the quickstart's schemas


class BookViewSet(ModelViewSet):
    queryset = Book.objects.select_related("author").order_by("id")
    output_schema = BookOut
    input_schema = BookIn

    async def perform_create(self, data: BookIn) -> None:
        """DRF's way: check, then save through super() (no return needed)."""
        if data.year > 2100:  # a 422 at ["body", "payload", "year"]
            raise ValidationError({"year": "Books from the future are not accepted."})
        # serializer.save(title=...): the object it saves is the response
        await super().perform_create(data, title=data.title.strip())

    async def retrieve(self, request, **kwargs):
        self.response["Cache-Control"] = "max-age=60"  # headers from any action or hook
        return await super().retrieve(request, **kwargs)

    @action(detail=True, methods=["post"])
    async def reprint(self, request, pk: int) -> BookOut:
        """Another status than the action's schema lists, with a Location header."""
        book = await self.get_object()
        copy = await Book.objects.acreate(
            title=book.title, year=2026, isbn=f"R{book.isbn[:12]}", author_id=book.author_id
        )
        self.response["Location"] = self.reverse_action("detail", args=[copy.pk])
        return Status(201, await self.refetch(copy))


class ShelfIn(BookIn):
    tags: list[int] = []  # many-to-many ids: each must name a tag


class ShelfViewSet(ModelViewSet):
    """Related ids are checked before the write: a missing one is a 422 at its field."""

    queryset = Book.objects.select_related("author").order_by("id")
    output_schema = BookOut
    input_schema = ShelfIn

    def get_related_queryset(self, field):
        """The rows an id in the body may name (DRF: the related field's queryset)."""
        queryset = super().get_related_queryset(field)
        return queryset.exclude(name="archived") if field.name == "tags" else queryset


class OutOfStock(Exception):
    """A domain error of the project, answered by its exception handler."""


def handle_errors(exc, context):
    """NINJA_VIEWSETS = {"EXCEPTION_HANDLER": "docs.src.errors.handle_errors"}"""
    if isinstance(exc, OutOfStock):
        return JsonResponse({"detail": str(exc), "code": "out_of_stock"}, status=409)
    return exception_handler(exc, context)  # the library's answer for everything else


router = DefaultRouter()
router.register("books", BookViewSet)
router.register("shelves", ShelfViewSet, basename="shelf")

api = NinjaAPI(urls_namespace="docs-errors")
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]
