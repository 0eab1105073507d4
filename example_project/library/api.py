"""The library API: one DefaultRouter mounted on a NinjaAPI (Swagger UI at /api/docs)."""

from ninja import NinjaAPI

from library import views
from ninja_viewsets import DefaultRouter

router = DefaultRouter()
books = router.register("books", views.BookViewSet)
books.register("reviews", views.BookReviewViewSet, parent_query_lookup="book")
router.register("authors", views.AuthorViewSet)
router.register("tags", views.TagViewSet)
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("stats", views.StatsViewSet, basename="stats")
router.register("token", views.TokenViewSet, basename="token")

api = NinjaAPI(
    title="ninja-viewsets library example",
    version="1.0.0",
    description="Books, authors, tags and reviews, served by ninja-viewsets.",
    urls_namespace="api",
)
api.add_router("/", router)
