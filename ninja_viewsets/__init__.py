"""ninja-viewsets: Django REST framework's ViewSets, routers and @action for Django Ninja.

from ninja import NinjaAPI
from ninja_viewsets import DefaultRouter, ModelViewSet, action

class MovieViewSet(ModelViewSet):
    queryset = Movie.objects.all()
    output_schema = MovieOut
    input_schema = MovieIn

router = DefaultRouter()
router.register("movies", MovieViewSet)
api = NinjaAPI()
api.add_router("/", router)
"""

from ninja_viewsets import _as_view  # noqa: F401  # registers ViewSet.as_view()'s builder
from ninja_viewsets._schemas import FileURL
from ninja_viewsets.bulk import (
    BulkCreateModelMixin,
    BulkDestroyModelMixin,
    BulkModelViewSet,
    BulkUpdateModelMixin,
)
from ninja_viewsets.decorators import action
from ninja_viewsets.routers import DefaultRouter, SimpleRouter
from ninja_viewsets.viewsets import (
    GenericViewSet,
    ModelViewSet,
    ReadOnlyModelViewSet,
    ViewSet,
)

__version__ = "0.1.0"

__all__ = [
    "BulkCreateModelMixin",
    "BulkDestroyModelMixin",
    "BulkModelViewSet",
    "BulkUpdateModelMixin",
    "DefaultRouter",
    "FileURL",
    "GenericViewSet",
    "ModelViewSet",
    "ReadOnlyModelViewSet",
    "SimpleRouter",
    "ViewSet",
    "action",
]
