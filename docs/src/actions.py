"""The DRF guide's UserViewSet: extra actions, a mapped method, per-action permissions."""

from django.contrib.auth.models import User
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, action
from ninja_viewsets.permissions import IsAdminUser, IsAuthenticated


class UserOut(Schema):
    id: int
    username: str


class UserIn(Schema):
    username: str


class PasswordIn(Schema):
    password: str


class StatusOut(Schema):
    status: str


class UserViewSet(ModelViewSet):
    queryset = User.objects.order_by("id")
    output_schema = UserOut
    input_schema = UserIn

    def get_permissions(self):
        if self.action == "list":
            return [IsAuthenticated()]
        return [IsAdminUser()]

    @action(detail=True, methods=["post"])
    async def set_password(self, request, pk: int, payload: PasswordIn) -> StatusOut:
        user = await self.get_object()
        user.set_password(payload.password)
        await user.asave(update_fields=["password"])
        return StatusOut(status="password set")

    @action(detail=False)
    async def recent_users(self, request) -> list[UserOut]:
        return self.get_queryset().order_by("-last_login")[:10]

    @action(detail=True, methods=["put"], name="Change Password")
    async def password(self, request, pk: int, payload: PasswordIn) -> StatusOut:
        """Set a new password."""
        return await self.set_password(request, pk, payload)

    @password.mapping.delete
    async def delete_password(self, request, pk: int) -> None:
        """Make the password unusable (answers 204)."""
        user = await self.get_object()
        user.set_unusable_password()
        await user.asave(update_fields=["password"])


router = DefaultRouter()
router.register("users", UserViewSet)
api = NinjaAPI(urls_namespace="docs-actions")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
