"""The four viewset classes, the mixins, the hooks, introspection, sync code and as_view."""

from django.contrib.auth.models import User
from django.urls import path
from ninja import NinjaAPI, Schema

from library.models import Author, Book, Tag
from ninja_viewsets import (
    DefaultRouter,
    GenericViewSet,
    ModelViewSet,
    ReadOnlyModelViewSet,
    ViewSet,
    action,
    mixins,
)
from ninja_viewsets.permissions import IsAuthenticated

from .quickstart import BookIn  # the quickstart's schemas


class UserOut(Schema):
    id: int
    username: str


class UserViewSet(ViewSet):
    """A plain ViewSet: no queryset, no schemas, every action written by hand."""

    async def list(self, request) -> list[UserOut]:
        return [user async for user in User.objects.order_by("id")]

    async def retrieve(self, request, pk: int) -> UserOut:
        return await User.objects.aget(pk=pk)  # DoesNotExist answers 404


class CreateListRetrieveViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet
):
    """Create, list and retrieve; never update or delete (those methods answer 405)."""


class TagViewSet(CreateListRetrieveViewSet):
    queryset = Tag.objects.order_by("name")  # no schemas: derived from the model
    lookup_field = "name"  # /tags/{name}/: a unique field, typed str from the model


class AuthorViewSet(ReadOnlyModelViewSet):
    queryset = Author.objects.order_by("id")  # output schema derived: every field


class BookOut(Schema):
    id: int
    title: str
    year: int
    owner_id: int | None


class BookViewSet(ModelViewSet):
    """The books of the logged-in user."""

    queryset = Book.objects.all()  # the model, for lookups, derived schemas and query plans
    output_schema = BookOut
    input_schema = BookIn  # patch_schema: derived, every field optional
    permission_classes = [IsAuthenticated]

    def get_queryset(self):  # sync and lazy, DRF style: request.user is already loaded
        return super().get_queryset().filter(owner=self.request.user)

    async def perform_create(self, data: BookIn):
        return await Book.objects.acreate(owner=self.request.user, **data.model_dump())

    async def perform_destroy(self, instance):
        instance.owner = None  # give the book up instead of deleting it
        await instance.asave(update_fields=["owner"])

    @action(detail=True)
    async def route(self, request, pk: int) -> dict:
        """What this instance knows about the request it serves."""
        return {
            "action": self.action,
            "detail": self.detail,
            "basename": self.basename,
            "kwargs": self.kwargs,
            "name": self.get_view_name(),
        }

    @action(detail=False)
    def count(self, request) -> dict[str, int]:
        """A sync action: it runs in Django's ORM thread, so the sync ORM works."""
        return {"count": self.get_queryset().count()}


router = DefaultRouter()
router.register("users", UserViewSet, basename="user")  # no queryset: basename required
router.register("tags", TagViewSet)
router.register("authors", AuthorViewSet)
router.register("books", BookViewSet)

api = NinjaAPI(urls_namespace="docs-viewsets")
api.add_router("/", router)

urlpatterns = [
    path("api/", api.urls),
    # one viewset bound by hand, without a router (DRF's as_view)
    path("tag-list/", TagViewSet.as_view({"get": "list"}), name="tag-list"),
    path("tag-detail/<str:name>/", TagViewSet.as_view({"get": "retrieve"}), name="tag-detail"),
]
