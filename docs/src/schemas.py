"""Derived schemas and uploads: a viewset with no schema at all, validating as the model does."""

from django.urls import path
from ninja import NinjaAPI

from library.models import Book
from ninja_viewsets import ModelViewSet, SimpleRouter


class BookViewSet(ModelViewSet):
    """Books, every schema derived from the model; the cover is a file upload."""

    queryset = Book.objects.order_by("id")


router = SimpleRouter()
router.register("books", BookViewSet)

api = NinjaAPI(title="Derived schemas", urls_namespace="docs-schemas")
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]
