"""Authentication: Ninja's auth classes on a viewset and per action, sync or async."""

from django.contrib.auth.models import User
from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from library.models import Book
from ninja_viewsets import DefaultRouter, ReadOnlyModelViewSet, ViewSet, action
from ninja_viewsets.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly

TOKENS = {"alice-token": "alice"}  # in a real project: a table, or signed tokens


class TokenAuth(HttpBearer):
    async def authenticate(self, request, token):
        """Return a User (it becomes `request.user`), anything else truthy, or None (refused)."""
        username = TOKENS.get(token)
        return await User.objects.filter(username=username).afirst() if username else None


class ServiceKey(APIKeyHeader):
    param_name = "X-Service-Key"

    def authenticate(self, request, key):  # sync works too
        return key if key == "monitoring" else None


class MeViewSet(ViewSet):
    """A token or the Django session; neither: 401 with `WWW-Authenticate: Bearer`."""

    auth = [TokenAuth(), django_auth]
    permission_classes = [IsAuthenticated]

    async def list(self, request) -> dict[str, str]:
        return {"username": request.user.username}

    @action(detail=False, auth=ServiceKey(), permission_classes=[])
    async def health(self, request) -> dict[str, str]:
        """Another auth for one action: `request.auth` is what `authenticate` returned."""
        return {"caller": request.auth}

    @action(detail=False, auth=None, permission_classes=[])
    async def ping(self, request) -> dict[str, str]:
        """No auth at all."""
        return {"status": "ok"}


class BookOut(Schema):
    id: int
    title: str
    owner_id: int | None


class BookViewSet(ReadOnlyModelViewSet):
    """DRF's behaviour: anyone reads, a token is needed to claim a book."""

    queryset = Book.objects.order_by("id")
    output_schema = BookOut
    auth = TokenAuth()
    authentication_required = False  # no token: continue anonymous, the permissions decide
    permission_classes = [IsAuthenticatedOrReadOnly]

    @action(detail=True, methods=["post"])
    async def claim(self, request, pk: int) -> BookOut:
        book = await self.get_object()
        book.owner = request.user
        await book.asave(update_fields=["owner"])
        return book


router = DefaultRouter()
router.register("me", MeViewSet, basename="me")
router.register("books", BookViewSet)

api = NinjaAPI(urls_namespace="docs-auth")
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]
