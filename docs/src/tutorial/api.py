"""library/api.py: the router and the API."""

from ninja import NinjaAPI

from ninja_viewsets import DefaultRouter

from .views import AuthorViewSet, BookViewSet

router = DefaultRouter()
router.register("authors", AuthorViewSet)  # basename "author": author-list, author-detail
router.register("books", BookViewSet)

api = NinjaAPI(title="Library", urls_namespace="tutorial")
api.add_router("/", router)
