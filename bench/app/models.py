from django.db import models


class Category(models.Model):
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """The benchmarked resource: 8 fields, one of them a foreign key."""

    name = models.CharField(max_length=200)
    sku = models.CharField(max_length=64, unique=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.IntegerField(default=0)
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    description = models.TextField(blank=True, default="")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="items")

    def __str__(self) -> str:
        return self.sku


class Movie(models.Model):
    """The flat resource: six columns, no relation (what the abstraction itself costs)."""

    title = models.CharField(max_length=200)
    year = models.IntegerField()
    rating = models.FloatField()
    genre = models.CharField(max_length=50)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title
