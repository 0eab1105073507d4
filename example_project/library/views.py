"""The library API's viewsets: each feature of ninja-viewsets, shown once."""

from __future__ import annotations

from django.contrib.auth import aauthenticate
from django.db.models import QuerySet
from ninja.errors import HttpError

from library import schemas
from library.auth import TOKEN_MAX_AGE, TokenAuth, make_token, session_or_token
from library.models import Author, Book, Review, Tag
from ninja_viewsets import (
    BulkCreateModelMixin,
    GenericViewSet,
    ModelViewSet,
    ReadOnlyModelViewSet,
    ViewSet,
    action,
    mixins,
)
from ninja_viewsets.pagination import CursorPagination, PageNumberPagination
from ninja_viewsets.permissions import (
    AllowAny,
    BasePermission,
    IsAdminUser,
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
)
from ninja_viewsets.renderers import CSVRenderer, JSONLinesRenderer, JSONRenderer
from ninja_viewsets.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle


class IsOwnerOrReadOnly(BasePermission):
    """Anyone reads; only the user who added a book may change it."""

    message = "Only the user who added this book may change it."
    code = "not_owner"

    async def has_object_permission(self, request, view, obj) -> bool:
        return request.method in ("GET", "HEAD", "OPTIONS") or obj.owner_id == request.user.pk


class BookViewSet(ModelViewSet):
    """Books: browse, search and review; signed-in users add and edit their own."""

    queryset = Book.objects.all()
    output_schema = schemas.BookOut
    input_schema = schemas.BookIn
    auth = session_or_token
    authentication_required = False  # anonymous requests reach the permissions (reads open)
    filter_schema = schemas.BookFilter
    search_fields = ["title", "^isbn", "author__name"]
    ordering_fields = ["title", "year", "created"]
    ordering = ["title"]
    pagination_class = PageNumberPagination
    throttle_classes = [AnonRateThrottle, UserRateThrottle]
    optimistic_concurrency = True
    # ?format=csv / Accept: text/csv (a page), ?format=csv&export=all (every book, streamed)
    renderer_classes = [JSONRenderer, CSVRenderer, JSONLinesRenderer]
    export_unpaginated = True
    # ?fields=id,title (no JOIN, two columns), ?omit=tags, ?fields=title,author.name;
    # ?expand=owner: the user who added the book as an object (else its id, under "owner")
    sparse_fields = True
    expandable_fields = {"owner": schemas.UserOut}

    def get_permissions(self):
        # reads are open, writes need a user, changes need the owner; an action that sets
        # its own permission_classes (review: any signed-in user) keeps them
        if self.action in ("list", "retrieve", "recent", "cover"):
            return [AllowAny()]
        if self.action == "review":
            return super().get_permissions()
        return [IsAuthenticated(), IsOwnerOrReadOnly()]

    async def perform_create(self, data):  # DRF's serializer.save(owner=request.user)
        await super().perform_create(data, owner=self.request.user)

    @action(detail=False, paginate=True)
    async def recent(self, request) -> list[schemas.BookOut]:
        """The latest books first (filtered, searched and paginated like the list)."""
        return self.get_queryset().order_by("-created")

    @action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated],
        throttle_classes=[ScopedRateThrottle],
        throttle_scope="reviews",
    )
    async def review(self, request, pk: int, payload: schemas.ReviewIn) -> schemas.ReviewOut:
        """Review a book (one request counts against the `reviews` rate)."""
        book = await self.get_object()
        review = await Review.objects.acreate(
            book=book, user=request.user, stars=payload.stars, text=payload.text
        )
        return review

    @action(detail=True)
    async def cover(self, request, pk: int) -> schemas.CoverOut:
        """The cover's URL (upload it with the book, as multipart/form-data), or null."""
        book = await self.get_object()
        url = request.build_absolute_uri(book.cover.url) if book.cover else None
        return schemas.CoverOut(book_id=book.pk, url=url)

    @cover.mapping.delete
    async def delete_cover(self, request, pk: int) -> None:
        """Remove the cover (answers 204)."""
        book = await self.get_object()
        if book.cover:
            book.cover.delete(save=False)
            await book.asave(update_fields=["cover"])


class AuthorViewSet(ReadOnlyModelViewSet):
    """Authors, read only; the list uses cursor pagination."""

    queryset = Author.objects.all()
    output_schema = schemas.AuthorOut
    pagination_class = CursorPagination
    search_fields = ["name"]

    @action(detail=True)
    async def books(self, request, pk: int) -> list[schemas.BookOut]:
        """This author's books."""
        author = await self.get_object()
        return Book.objects.filter(author=author).order_by("year")


class TagViewSet(
    BulkCreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet
):
    """Tags: list, read and create, one or many in one POST (staff only); never changed or
    deleted."""

    queryset = Tag.objects.order_by("name")
    output_schema = schemas.TagOut
    input_schema = schemas.TagIn
    pagination_class = None
    auth = session_or_token
    authentication_required = False

    def get_permissions(self):
        return [IsAdminUser()] if self.action == "create" else [AllowAny()]


class ReviewViewSet(ModelViewSet):
    """The signed-in user's own reviews; others' are invisible (404)."""

    queryset = Review.objects.all()  # the model, for query planning; get_queryset() scopes
    output_schema = schemas.ReviewOut
    input_schema = schemas.ReviewEdit
    permission_classes = [IsAuthenticated]
    auth = session_or_token

    def get_queryset(self) -> QuerySet[Review]:
        return self.request.user.reviews.all()  # DRF style: sync, lazy, request-scoped

    async def perform_create(self, data):
        return await Review.objects.acreate(user=self.request.user, **data.model_dump())


class BookReviewViewSet(ReadOnlyModelViewSet):
    """Every review of one book: /books/{book_pk}/reviews/ (a nested resource)."""

    queryset = Review.objects.order_by("-created")
    output_schema = schemas.ReviewOut
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = PageNumberPagination


class StatsViewSet(ViewSet):
    """Counts, from a plain ViewSet (no queryset, no model)."""

    async def list(self, request) -> schemas.StatsOut:
        return schemas.StatsOut(
            authors=await Author.objects.acount(),
            books=await Book.objects.acount(),
            reviews=await Review.objects.acount(),
        )


class TokenViewSet(ViewSet):
    """Trade a username and password for a bearer token."""

    auth = None
    throttle_classes = [AnonRateThrottle]

    async def create(self, request, payload: schemas.TokenIn) -> schemas.TokenOut:
        user = await aauthenticate(request, username=payload.username, password=payload.password)
        if user is None:
            raise HttpError(400, "Unknown username or wrong password.")
        return schemas.TokenOut(token=make_token(user), expires_in=TOKEN_MAX_AGE)


__all__ = [
    "AuthorViewSet",
    "BookReviewViewSet",
    "BookViewSet",
    "ReviewViewSet",
    "StatsViewSet",
    "TagViewSet",
    "TokenAuth",
    "TokenViewSet",
]
