"""4. adrf: async ModelViewSet + async ModelSerializer, adrf's router (binds the a* methods)."""

from adrf import serializers, viewsets
from adrf.routers import DefaultRouter
from rest_framework import pagination
from rest_framework import serializers as drf_serializers

from app.models import Category, Item, Movie


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name"]


class ItemSerializer(serializers.ModelSerializer):
    category = CategorySerializer(read_only=True)
    category_id = drf_serializers.IntegerField(write_only=True)

    class Meta:
        model = Item
        fields = [
            "id",
            "name",
            "sku",
            "price",
            "quantity",
            "active",
            "created",
            "description",
            "category",
            "category_id",
        ]


class Page20(pagination.PageNumberPagination):
    page_size = 20


class ItemViewSet(viewsets.ModelViewSet):
    queryset = Item.objects.select_related("category").order_by("id")
    serializer_class = ItemSerializer
    pagination_class = Page20

    async def perform_acreate(self, serializer):
        instance = await serializer.asave()
        serializer.instance = await Item.objects.select_related("category").aget(pk=instance.pk)


class MovieSerializer(serializers.ModelSerializer):
    class Meta:
        model = Movie
        fields = ["id", "title", "year", "rating", "genre", "created"]


class MovieViewSet(viewsets.ModelViewSet):
    queryset = Movie.objects.order_by("id")
    serializer_class = MovieSerializer
    pagination_class = Page20


router = DefaultRouter()
router.register("items", ItemViewSet)
router.register("movies", MovieViewSet)
