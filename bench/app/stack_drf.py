"""3. Django REST framework: ModelViewSet + ModelSerializer (sync views)."""

from rest_framework import pagination, routers, serializers, viewsets

from app.models import Category, Item, Movie


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name"]


class ItemSerializer(serializers.ModelSerializer):
    category = CategorySerializer(read_only=True)
    # the FK is written as a plain integer, as the Ninja stacks do (no existence query)
    category_id = serializers.IntegerField(write_only=True)

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

    def perform_create(self, serializer):
        instance = serializer.save()
        # the nested category is read by the response: load it with the row (same as others)
        serializer.instance = Item.objects.select_related("category").get(pk=instance.pk)


class MovieSerializer(serializers.ModelSerializer):
    class Meta:
        model = Movie
        fields = ["id", "title", "year", "rating", "genre", "created"]


class MovieViewSet(viewsets.ModelViewSet):
    queryset = Movie.objects.order_by("id")
    serializer_class = MovieSerializer
    pagination_class = Page20


router = routers.DefaultRouter()
router.register("items", ItemViewSet)
router.register("movies", MovieViewSet)
