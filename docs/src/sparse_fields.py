"""Sparse fieldsets and expansion: the client picks the fields, the query follows."""

from django.urls import path
from ninja import NinjaAPI, Schema

from library.models import Book
from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet, action
from ninja_viewsets.pagination import PageNumberPagination


class AuthorOut(Schema):
    id: int
    name: str


class TagOut(Schema):
    id: int
    name: str


class BookOut(Schema):
    id: int
    title: str
    year: int
    author: AuthorOut  # a nested schema: ?fields=author.name reaches into it


class BookViewSet(ReadOnlyModelViewSet):
    queryset = Book.objects.order_by("title")
    output_schema = BookOut
    pagination_class = PageNumberPagination
    sparse_fields = True  # ?fields=id,title  ?omit=year
    # ?expand=tags: the tags as objects; else their ids, under "tags"
    expandable_fields = {"tags": list[TagOut]}

    def get_expandable_fields(self):
        if self.action == "classics":  # decided per action, at register() (OpenAPI is static)
            return {}
        return super().get_expandable_fields()

    @action(detail=False, paginate=True)
    async def classics(self, request) -> list[BookOut]:
        """?fields= works here too: the action answers the viewset's output schema."""
        return self.get_queryset().filter(year__lt=1970)


router = DefaultRouter()
router.register("books", BookViewSet)
api = NinjaAPI(urls_namespace="docs-sparse")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
