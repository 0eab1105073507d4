"""Throttling: rates per viewset, per action and per scope; 429 with Retry-After."""

from django.urls import path
from ninja import NinjaAPI, Schema

from library.models import Book, Review
from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet, action
from ninja_viewsets.permissions import IsAuthenticatedOrReadOnly
from ninja_viewsets.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle


class Burst(AnonRateThrottle):
    rate = "3/m"  # a fixed rate; without it, the "anon" rate of NINJA_DEFAULT_THROTTLE_RATES


class BookOut(Schema):
    id: int
    title: str


class ReviewIn(Schema):
    stars: int


class ReviewOut(Schema):
    id: int
    stars: int


class BookViewSet(ReadOnlyModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookOut
    permission_classes = [IsAuthenticatedOrReadOnly]
    throttle_classes = [Burst, UserRateThrottle]  # anonymous: 3 a minute; users: the "user" rate

    @action(
        detail=True,
        methods=["post"],
        throttle_classes=[ScopedRateThrottle],
        throttle_scope="reviews",
    )
    async def review(self, request, pk: int, payload: ReviewIn) -> ReviewOut:
        """Its own limit: the "reviews" rate of NINJA_DEFAULT_THROTTLE_RATES."""
        book = await self.get_object()
        return await Review.objects.acreate(book=book, user=request.user, stars=payload.stars)


router = DefaultRouter()
router.register("books", BookViewSet)

api = NinjaAPI(urls_namespace="docs-throttling")
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]
