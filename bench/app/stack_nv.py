"""1. ninja-viewsets: a ModelViewSet on a DefaultRouter (the library under test)."""

from ninja import NinjaAPI

from app.models import Item, Movie
from app.schemas import ItemIn, ItemOut, MovieIn, MovieOut
from ninja_viewsets import BulkCreateModelMixin, DefaultRouter, GenericViewSet, ModelViewSet
from ninja_viewsets.pagination import PageNumberPagination


class ItemViewSet(ModelViewSet):
    queryset = Item.objects.order_by("id")
    output_schema = ItemOut  # nests the category: the library plans select_related itself
    input_schema = ItemIn  # PATCH body: derived, every field optional
    pagination_class = PageNumberPagination  # page size 20 (NINJA_PAGINATION_PER_PAGE)


class ItemSparseViewSet(ItemViewSet):
    """The sparse-fields phase: ItemViewSet with ?fields= / ?omit= on (same schema, same page);
    ?fields=id,name neither joins the category nor reads the other columns."""

    sparse_fields = True


class MovieViewSet(ModelViewSet):
    """The flat resource: nothing to plan, so this measures the abstraction itself."""

    queryset = Movie.objects.order_by("id")
    output_schema = MovieOut
    input_schema = MovieIn
    pagination_class = PageNumberPagination


class MovieBulkViewSet(BulkCreateModelMixin, GenericViewSet):
    """The bulk phase: one POST of many movies (an array) against many single POSTs."""

    queryset = Movie.objects.order_by("id")
    output_schema = MovieOut
    input_schema = MovieIn


router = DefaultRouter()
# the twins of the reference's routes first, in its order (Django tries URL patterns in order:
# routes only this stack has must not sit in front of the compared ones)
router.register("items", ItemViewSet)
router.register("movies", MovieViewSet)
router.register("items-sparse", ItemSparseViewSet, basename="item-sparse")
router.register("movies-bulk", MovieBulkViewSet, basename="movie-bulk")
api = NinjaAPI(urls_namespace="nv", docs_url=None)
api.add_router("/", router)
