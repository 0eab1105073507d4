"""``manage.py seed [--books N]``: demo users and a library to browse (idempotent)."""

from __future__ import annotations

import random
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from library.models import Author, Book, Review, Tag

AUTHORS = [
    ("Frank Herbert", 1920),
    ("Ursula K. Le Guin", 1929),
    ("Isaac Asimov", 1920),
    ("Octavia E. Butler", 1947),
    ("Iain M. Banks", 1954),
    ("N. K. Jemisin", 1972),
    ("Ted Chiang", 1967),
    ("Ann Leckie", 1966),
]
TAGS = ["scifi", "fantasy", "classic", "space-opera", "short-stories", "award-winner"]
WORDS = [
    "dune",
    "left",
    "hand",
    "darkness",
    "foundation",
    "kindred",
    "player",
    "games",
    "exhalation",
    "ancillary",
]


class Command(BaseCommand):
    help = "Create the demo users (demo/demo, admin/admin) and a library of books."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--books", type=int, default=50, help="How many books (default 50).")

    def handle(self, *args: Any, books: int, **options: Any) -> None:
        users = get_user_model()
        demo = users.objects.filter(username="demo").first() or users.objects.create_user(
            "demo", password="demo"
        )
        if not users.objects.filter(username="admin").exists():
            users.objects.create_superuser("admin", password="admin")
        authors = [
            Author.objects.get_or_create(name=name, defaults={"birth_year": year})[0]
            for name, year in AUTHORS
        ]
        tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]
        have = Book.objects.count()
        missing = max(0, books - have)
        rng = random.Random(42 + have)
        batch = 1000
        created = 0
        while created < missing:
            size = min(batch, missing - created)
            with transaction.atomic():
                new = Book.objects.bulk_create(
                    Book(
                        title=" ".join(rng.sample(WORDS, 2)).title() + f" {have + created + i}",
                        year=rng.randint(1950, 2024),
                        isbn=f"{9780000000000 + have + created + i:013d}",
                        author=rng.choice(authors),
                        owner=demo,
                    )
                    for i in range(size)
                )
                through = Book.tags.through
                through.objects.bulk_create(
                    through(book_id=b.pk, tag_id=t.pk)
                    for b in new
                    for t in rng.sample(tags, rng.randint(0, 2))
                )
                if created == 0:
                    Review.objects.bulk_create(
                        Review(book=b, user=demo, stars=rng.randint(1, 5), text="A fine read.")
                        for b in new[:10]
                    )
            created += size
            self._progress(created, missing)
        self.stdout.write(
            self.style.SUCCESS(
                f"Library ready: {Book.objects.count()} books, {Author.objects.count()} authors; "
                f"users demo/demo and admin/admin."
            )
        )

    def _progress(self, done: int, total: int) -> None:
        if total < 2000:
            return
        width = 30
        filled = int(width * done / total)
        sys.stdout.write(f"\r  seeding [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stdout.write("\n")
        sys.stdout.flush()
