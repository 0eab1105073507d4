"""Undo what a timed run wrote, so every round starts from the seeded data set.

Deletes the items and movies wrk created (every sku / title not from ``seed``), then, on
PostgreSQL, ``VACUUM ANALYZE`` the tables: without it the rows created and the PATCHes of a run
pile up as dead tuples (autovacuum does not keep up in a few minutes), and the list's ``COUNT``
and every later round work on a table ~20x the seeded size. The driver runs this before each
round.

``--pool N`` then adds N movies per stack for the destroy scenario, at fixed ids
(``POOL_BASE + stack_index * N + k``), far above the ids the creates get, so each stack's
``DELETE`` run walks ids that exist and no two runs share one. The driver asks for the pool
just before the destroy runs, so no other scenario sees those rows.
"""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from app.management.commands.seed import SEED_TITLE
from app.models import Item, Movie

POOL_BASE = 10_000_000
POOL_STACKS = 5


class Command(BaseCommand):
    help = "Delete the rows the benchmark created; VACUUM ANALYZE on PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--pool", type=int, default=0, help="movies per stack to delete")

    def handle(self, *args, **options):
        deleted, _ = Item.objects.exclude(sku__startswith="SEED-").delete()
        movies, _ = Movie.objects.exclude(title__startswith=SEED_TITLE).delete()
        pool = options["pool"]
        if pool:
            with transaction.atomic():
                Movie.objects.bulk_create(
                    [
                        Movie(id=POOL_BASE + k, title="pool", year=2000, rating=5.0, genre="pool")
                        for k in range(POOL_STACKS * pool)
                    ],
                    batch_size=1000,
                )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for model in (Item, Movie):
                    cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
            elif connection.vendor == "sqlite":
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.stdout.write(
            f"deleted {deleted} created items and {movies} movies; pool of {pool} per stack"
        )
