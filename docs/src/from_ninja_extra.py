"""A django-ninja-extra controller, ported: routes by convention, policies as attributes."""

from django.urls import path
from ninja import NinjaAPI

from library.models import Book
from ninja_viewsets import DefaultRouter, ModelViewSet, action
from ninja_viewsets.pagination import PageNumberPagination
from ninja_viewsets.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from ninja_viewsets.throttling import UserRateThrottle

from .quickstart import BookIn, BookOut  # the quickstart's schemas


class BookViewSet(ModelViewSet):  # ModelControllerBase + ModelConfig(model=Book, ...)
    queryset = Book.objects.all()
    output_schema = BookOut  # ModelConfig.retrieve_schema
    input_schema = BookIn  # create_schema / update_schema; patch_schema is derived
    permission_classes = [IsAuthenticatedOrReadOnly]  # @api_controller(permissions=[...])
    throttle_classes = [UserRateThrottle]  # @api_controller(throttle=[...])
    pagination_class = PageNumberPagination  # @paginate(PageNumberPaginationExtra)
    search_fields = ["title"]  # @searching(Searching, search_fields=[...])
    ordering_fields = ["year", "title"]  # @ordering(Ordering, ordering_fields=[...])

    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    async def reprint(self, request, pk: int) -> BookOut:  # @route.post("/{int:id}/reprint")
        book = await self.get_object()  # self.get_object_or_exception(Book, id=id)
        book.year = 2026
        await book.asave(update_fields=["year"])
        return book


router = DefaultRouter()
router.register("books", BookViewSet)  # api.register_controllers(BookController)

api = NinjaAPI(urls_namespace="docs-from-ninja-extra")  # a plain NinjaAPI, no NinjaExtraAPI
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]
