"""@action options: url_path with parameters, per-action overrides, response=, 204, querysets."""

from django.urls import path
from ninja import NinjaAPI, Schema

from library.models import Book, Review
from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet, action
from ninja_viewsets.permissions import AllowAny, IsAuthenticated

from .quickstart import BookOut  # the quickstart's schemas


class TitleOut(Schema):
    title: str


class ReviewIn(Schema):
    stars: int
    text: str = ""


class ReviewOut(Schema):
    id: int
    stars: int
    text: str
    book: BookOut  # two levels deep: still loaded up front


class BookViewSet(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    permission_classes = [IsAuthenticated]

    @action(
        detail=False, url_path="by-year/{year}", url_name="by-year", permission_classes=[AllowAny]
    )
    async def by_year(self, request, year: int) -> list[BookOut]:
        """Books of one year: `{year}` in url_path is an int path parameter."""
        return self.get_queryset().filter(year=year)

    @action(detail=False, response=list[TitleOut], summary="Titles only", tags=["titles"])
    async def titles(self, request, search: str = ""):
        """No return annotation: the response schema comes from `response=`."""
        return self.get_queryset().filter(title__icontains=search).order_by("title")

    @action(detail=True, methods=["post"])
    async def review(self, request, pk: int, payload: ReviewIn) -> ReviewOut:
        """A body parameter in, a model instance out (its relations are loaded for you)."""
        book = await self.get_object()
        return await Review.objects.acreate(book=book, user=request.user, **payload.model_dump())

    @action(detail=True, methods=["delete"], url_path="reviews/mine")
    async def forget_my_reviews(self, request, pk: int) -> None:
        """`-> None`: an empty 204."""
        book = await self.get_object()
        await Review.objects.filter(book=book, user=request.user).adelete()


router = DefaultRouter()
router.register("books", BookViewSet)

api = NinjaAPI(urls_namespace="docs-action-options")
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]
