"""Idempotency-Key: a client may retry a POST or PATCH, the write happens once."""

from django.urls import path
from ninja import NinjaAPI, Schema

from library.models import Author
from ninja_viewsets import DefaultRouter, ModelViewSet
from ninja_viewsets.idempotency import IdempotencyMixin


class AuthorIn(Schema):
    name: str


class AuthorOut(Schema):
    id: int
    name: str


class AuthorViewSet(IdempotencyMixin, ModelViewSet):  # the mixin first: it wraps run()
    queryset = Author.objects.order_by("id")
    output_schema = AuthorOut
    input_schema = AuthorIn


router = DefaultRouter()
router.register("authors", AuthorViewSet)

api = NinjaAPI(urls_namespace="docs-idempotency")
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]
