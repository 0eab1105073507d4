"""Routers: basenames, url names, reverse and reverse_action, the API root, no trailing slash."""

from django.urls import path
from ninja import NinjaAPI, Schema

from library.models import Author, Book
from ninja_viewsets import (
    DefaultRouter,
    ModelViewSet,
    ReadOnlyModelViewSet,
    SimpleRouter,
    ViewSet,
    action,
)

from .quickstart import AuthorOut, BookIn  # the quickstart's schemas


class BookOut(Schema):
    id: int
    title: str


class BookViewSet(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn

    @action(detail=False, url_path="recent", url_name="latest")
    async def recent(self, request) -> list[BookOut]:
        return self.get_queryset().order_by("-id")[:5]

    @action(detail=True)
    async def links(self, request, pk: int) -> dict[str, str]:
        """Absolute URLs of this viewset's routes, reversed in the API's namespace."""
        return {
            "self": self.reverse_action("detail", args=[pk]),
            "list": self.reverse_action("list"),
            "latest": self.reverse_action(self.recent.url_name),
            **self.get_extra_action_url_map(),  # {"Links": ...}: detail-level actions
        }


class StatsViewSet(ViewSet):
    async def list(self, request) -> dict[str, int]:
        return {"books": await Book.objects.acount(), "authors": await Author.objects.acount()}


class AuthorViewSet(ReadOnlyModelViewSet):
    queryset = Author.objects.order_by("id")
    output_schema = AuthorOut


router = DefaultRouter()
router.register("books", BookViewSet)  # basename "book", from the queryset's model
router.register("stats", StatsViewSet, basename="stats")  # no queryset: basename required

api = NinjaAPI(urls_namespace="docs-routers")
api.add_router("/", router)

flat = SimpleRouter(trailing_slash=False)  # no API root, no trailing slashes
flat.register("writers", AuthorViewSet, basename="writer")

flat_api = NinjaAPI(urls_namespace="docs-routers-flat")
flat_api.add_router("/", flat)

urlpatterns = [path("api/", api.urls), path("flat/", flat_api.urls)]
