"""Mixins: compose exactly the actions a resource needs; change side effects in the hooks."""

from django.urls import path
from ninja import NinjaAPI, Schema

from library.models import Book, Review
from ninja_viewsets import DefaultRouter, GenericViewSet, mixins
from ninja_viewsets.exceptions import Conflict
from ninja_viewsets.permissions import IsAuthenticated

from .quickstart import BookIn  # the quickstart's schemas


class CreateListViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, GenericViewSet):
    """POST and GET on the collection, no detail route: a reusable base, like DRF's."""


class ReviewOut(Schema):
    id: int
    book_id: int
    stars: int
    text: str


class ReviewIn(Schema):
    book_id: int
    stars: int
    text: str = ""


class ReviewViewSet(CreateListViewSet):
    """Post reviews and list your own; a review is never changed or deleted."""

    queryset = Review.objects.order_by("id")
    output_schema = ReviewOut
    input_schema = ReviewIn
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return super().get_queryset().filter(user=self.request.user)

    async def perform_create(self, data: ReviewIn):
        """The author of the review comes from the request, never from the body."""
        return await Review.objects.acreate(user=self.request.user, **data.model_dump())


class BookOut(Schema):
    id: int
    title: str
    year: int
    owner_id: int | None


class BookViewSet(
    mixins.RetrieveModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, GenericViewSet
):
    """Retrieve, update (PUT and PATCH) and delete; books are created elsewhere."""

    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn
    permission_classes = [IsAuthenticated]

    async def perform_update(self, instance, data: BookIn):
        """Whoever edits a book takes it over: the default write, then one more, atomically."""
        instance = await super().perform_update(instance, data)  # PATCH: only the sent fields
        instance.owner = self.request.user
        await instance.asave(update_fields=["owner"])
        return instance

    async def perform_destroy(self, instance):
        if await instance.reviews.aexists():
            raise Conflict("This book has reviews.", code="has_reviews")
        await super().perform_destroy(instance)


router = DefaultRouter()
router.register("reviews", ReviewViewSet)
router.register("books", BookViewSet)

api = NinjaAPI(urls_namespace="docs-mixins")
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]
