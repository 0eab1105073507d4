"""Undo what a timed run wrote, so every round starts from the seeded data set.

Deletes the items wrk created (every sku not from ``seed``), then, on PostgreSQL, ``VACUUM
ANALYZE`` the table: without it the rows created and the PATCHes of a run pile up as dead
tuples (autovacuum does not keep up in a few minutes), and the list's ``COUNT`` and every
later round work on a table ~20x the seeded size. The driver runs this before each round."""

from django.core.management.base import BaseCommand
from django.db import connection

from app.models import Item


class Command(BaseCommand):
    help = "Delete the rows the benchmark created; VACUUM ANALYZE on PostgreSQL."

    def handle(self, *args, **options):
        deleted, _ = Item.objects.exclude(sku__startswith="SEED-").delete()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"VACUUM ANALYZE {Item._meta.db_table}")
            elif connection.vendor == "sqlite":
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.stdout.write(f"deleted {deleted} created rows")
