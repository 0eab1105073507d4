"""URLconf of the idempotency tests (in-process and under uvicorn): books with tags (M2M)."""

import asyncio
import os

from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, action
from ninja_viewsets.idempotency import IdempotencyMixin
from tests.testapp.models import Book, Tag


class BookIn(Schema):
    title: str
    author_id: int
    tags: list[int] = []


class TagOut(Schema):
    id: int


class BookOut(Schema):
    id: int
    title: str
    tags: list[TagOut]


class BookViewSet(IdempotencyMixin, ModelViewSet):
    queryset = Book.objects.prefetch_related("tags").order_by("id")
    output_schema = BookOut
    input_schema = BookIn

    @action(detail=False, methods=["post"])
    async def tag(self, request, payload: BookIn) -> dict[str, int]:
        """An extra POST action: a tag named after the title."""
        tag = await Tag.objects.acreate(name=payload.title)
        return {"id": tag.pk}


class SlowBookViewSet(BookViewSet):
    """Creates that take a while between the write and the commit (the worker-kill test)."""

    async def perform_create(self, data: BookIn) -> Book:
        book = await super().perform_create(data)
        await asyncio.sleep(float(os.environ.get("SLOW_CREATE_SECONDS", "0.05")))
        return book


class PlainViewSet(ModelViewSet):  # no mixin: the header means nothing
    queryset = Book.objects.prefetch_related("tags").order_by("id")
    output_schema = BookOut
    input_schema = BookIn


router = DefaultRouter()
router.register("books", BookViewSet)
router.register("plain", PlainViewSet, basename="plain")
router.register("slowbooks", SlowBookViewSet, basename="slowbooks")
api = NinjaAPI(urls_namespace="idempotency")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
