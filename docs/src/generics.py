"""DRF's generic views: one URL each, mounted with as_view() or on a router (typed OpenAPI)."""

from django.urls import path
from ninja import NinjaAPI, Schema

from library.models import Author
from ninja_viewsets import DefaultRouter
from ninja_viewsets.generics import ListCreateAPIView, RetrieveUpdateDestroyAPIView


class AuthorOut(Schema):
    id: int
    name: str


class AuthorIn(Schema):
    name: str


class AuthorList(ListCreateAPIView[Author]):  # GET lists, POST creates
    queryset = Author.objects.order_by("name")
    output_schema = AuthorOut
    input_schema = AuthorIn


class AuthorDetail(RetrieveUpdateDestroyAPIView[Author]):  # GET, PUT, PATCH, DELETE
    queryset = Author.objects.all()
    output_schema = AuthorOut
    input_schema = AuthorIn


# On a router: the operations are in the API's OpenAPI, typed like a viewset's.
router = DefaultRouter()
router.register("authors", AuthorList, basename="author-list")
router.register("authors", AuthorDetail, basename="author-detail")
api = NinjaAPI(urls_namespace="docs-generics")
api.add_router("/", router)

urlpatterns = [
    path("api/", api.urls),
    # DRF's way: one Django view per generic view (no OpenAPI of its own)
    path("authors/", AuthorList.as_view()),
    path("authors/<int:pk>/", AuthorDetail.as_view()),
]
