"""Permissions: built-ins, a custom object permission, &, |, ~, per action, sync or async."""

from django.urls import path
from ninja import NinjaAPI, Schema

from library.models import Book, Tag
from ninja_viewsets import DefaultRouter, ModelViewSet, ReadOnlyModelViewSet, action
from ninja_viewsets.permissions import (
    SAFE_METHODS,
    BasePermission,
    IsAdminUser,
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
)

from .quickstart import BookIn  # the quickstart's schemas


class IsOwnerOrReadOnly(BasePermission):
    message = "Only the owner of this book may change it."
    code = "not_owner"

    async def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or obj.owner_id == request.user.pk


class HasReviews(BasePermission):
    message = "Write a review first."

    def has_permission(self, request, view):  # sync: runs in the ORM thread, sync ORM allowed
        return request.user.reviews.exists()


class BookOut(Schema):
    id: int
    title: str
    owner_id: int | None


class BookViewSet(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn
    permission_classes = [IsAuthenticatedOrReadOnly, IsOwnerOrReadOnly]  # all must pass

    async def perform_create(self, data: BookIn):
        return await Book.objects.acreate(owner=self.request.user, **data.model_dump())

    @action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated & (IsOwnerOrReadOnly | IsAdminUser)],
    )
    async def give_away(self, request, pk: int) -> BookOut:
        """The owner, or staff, removes the book's owner."""
        book = await self.get_object()  # the object permissions run here
        book.owner = None
        await book.asave(update_fields=["owner"])
        return book

    @action(detail=False, permission_classes=[IsAuthenticated, HasReviews])
    async def recommended(self, request) -> list[BookOut]:
        """For users who have reviewed a book: the books they have not reviewed."""
        return self.get_queryset().exclude(reviews__user=request.user)

    @action(detail=False, permission_classes=[~IsAuthenticated])
    async def teaser(self, request) -> list[BookOut]:
        """For anonymous visitors only: a logged-in user gets 403."""
        return self.get_queryset()[:1]


class TagOut(Schema):
    id: int
    name: str


class TagViewSet(ReadOnlyModelViewSet):
    queryset = Tag.objects.all()
    output_schema = TagOut  # no permission_classes: NINJA_VIEWSETS["DEFAULT_PERMISSION_CLASSES"]


router = DefaultRouter()
router.register("books", BookViewSet)
router.register("tags", TagViewSet)

api = NinjaAPI(urls_namespace="docs-permissions")
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]
