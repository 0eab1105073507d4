"""Small models the test suite builds its APIs on."""

import uuid

from django.conf import settings
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.SlugField(max_length=50, unique=True)


class Book(models.Model):
    title = models.CharField(max_length=200)
    year = models.IntegerField(default=2000)
    author = models.ForeignKey(Author, related_name="books", on_delete=models.CASCADE)
    tags = models.ManyToManyField(Tag, related_name="books", blank=True)
    created = models.DateTimeField(auto_now_add=True)


class Review(models.Model):
    book = models.ForeignKey(Book, related_name="reviews", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    stars = models.PositiveSmallIntegerField()


class Account(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="accounts", on_delete=models.CASCADE
    )
    name = models.CharField(max_length=100)
    balance = models.IntegerField(default=0)


class Document(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    slug = models.SlugField(unique=True)
    body = models.TextField(blank=True, default="")


class Stamp(models.Model):
    """A column the database fills (``db_default``): its INSERT is Django's to compile."""

    text = models.CharField(max_length=100)
    number = models.IntegerField(db_default=7)


class Shout(models.Model):
    """A ``save()`` of the user's: called on every create."""

    text = models.CharField(max_length=100)

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.text = self.text.upper()
        super().save(*args, **kwargs)


# -- DRF conformance (tests/drf/): the models of DRF's own tests, same names and fields -------


class BasicModel(models.Model):
    """DRF ``tests/models.py``: ``BasicModel``."""

    text = models.CharField(max_length=100)


class ForeignKeyTarget(models.Model):
    """DRF ``tests/models.py``: ``ForeignKeyTarget``."""

    name = models.CharField(max_length=100)


class ForeignKeySource(models.Model):
    """DRF ``tests/models.py``: ``ForeignKeySource``."""

    name = models.CharField(max_length=100)
    target = models.ForeignKey(ForeignKeyTarget, related_name="sources", on_delete=models.CASCADE)


class SlugBasedModel(models.Model):
    """DRF ``tests/test_generics.py``: ``SlugBasedModel``."""

    text = models.CharField(max_length=100)
    slug = models.SlugField(max_length=32)


class Comment(models.Model):
    """DRF ``tests/test_generics.py``: ``Comment`` (regression #285, ``auto_now_add``)."""

    email = models.EmailField()
    content = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)


class RouterTestModel(models.Model):
    """DRF ``tests/test_routers.py``: ``RouterTestModel``."""

    uuid = models.CharField(max_length=20)
    text = models.CharField(max_length=200)


class Action(models.Model):
    """DRF ``tests/test_viewsets.py``: ``Action``."""


class CursorPaginationModel(models.Model):
    """DRF ``tests/test_pagination.py``: ``CursorPaginationModel``."""

    created = models.IntegerField()


class BasicPermModel(models.Model):
    """DRF ``tests/test_permissions.py``: ``BasicPermModel``."""

    text = models.CharField(max_length=100)
