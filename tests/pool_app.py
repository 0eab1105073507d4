"""URLconf for the production tests: tags, and an action that holds its connection a while."""

import asyncio

from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, action
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

    @action(detail=False)
    async def slow(self, request, seconds: float = 1.0) -> dict[str, int]:
        """One query, then a wait: the request keeps its pooled connection until it ends."""
        count = await Tag.objects.acount()
        await asyncio.sleep(seconds)
        return {"count": count}


router = DefaultRouter()
router.register("tags", TagViewSet)
api = NinjaAPI(urls_namespace="pool")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
