"""Reset the benchmark data: 10 categories, ``--items`` (default 1,000) items and as many
movies (the flat resource)."""

from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from app.models import Category, Item, Movie

SEED_TITLE = "SEED movie "


class Command(BaseCommand):
    help = "Delete every Item/Category and seed a fresh, deterministic data set."

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=1000)

    def handle(self, *args, **options):
        n = options["items"]
        with transaction.atomic():
            Item.objects.all().delete()
            Category.objects.all().delete()
            Movie.objects.all().delete()
        # restart the ids at 1 so URLs like /items/123/ always exist
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for model in (Item, Category, Movie):
                    cursor.execute(f"ALTER SEQUENCE {model._meta.db_table}_id_seq RESTART WITH 1")
            elif connection.vendor == "sqlite":
                cursor.execute(
                    "DELETE FROM sqlite_sequence WHERE name IN (%s, %s, %s)",
                    [Item._meta.db_table, Category._meta.db_table, Movie._meta.db_table],
                )
        with transaction.atomic():
            categories = Category.objects.bulk_create(
                [Category(name=f"Category {i}") for i in range(1, 11)]
            )
            Item.objects.bulk_create(
                [
                    Item(
                        name=f"Item {i}",
                        sku=f"SEED-{i:06d}",
                        price=Decimal(i % 500) + Decimal("0.99"),
                        quantity=i % 100,
                        active=i % 7 != 0,
                        description=f"Description of item {i}. " * 3,
                        category=categories[i % len(categories)],
                    )
                    for i in range(1, n + 1)
                ],
                batch_size=500,
            )
            Movie.objects.bulk_create(
                [
                    Movie(
                        title=f"{SEED_TITLE}{i}",
                        year=1900 + i % 120,
                        rating=(i % 100) / 10,
                        genre=("drama", "comedy", "western", "noir")[i % 4],
                    )
                    for i in range(1, n + 1)
                ],
                batch_size=500,
            )
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.stdout.write(
            f"seeded {Category.objects.count()} categories, {Item.objects.count()} items, "
            f"{Movie.objects.count()} movies"
        )
