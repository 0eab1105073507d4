"""URLconf for the database outage test: a small viewset on the test models."""

from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet
from tests.testapp.models import Tag


class TagIO(Schema):
    name: str


class TagOut(Schema):
    id: int
    name: str


class TagViewSet(ModelViewSet):
    queryset = Tag.objects.order_by("id")
    output_schema = TagOut
    input_schema = TagIO


router = DefaultRouter()
router.register("tags", TagViewSet)
api = NinjaAPI(urls_namespace="outage")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
