"""DRF's ``tests/test_filters.py`` models, field for field."""

from __future__ import annotations

from django.db import models


class SearchFilterModel(models.Model):
    title = models.CharField(max_length=25)
    text = models.CharField(max_length=100)


class AttributeModel(models.Model):
    label = models.CharField(max_length=32)


class SearchFilterModelFk(models.Model):
    title = models.CharField(max_length=20)
    attribute = models.ForeignKey(AttributeModel, on_delete=models.CASCADE)


class SearchFilterModelM2M(models.Model):
    title = models.CharField(max_length=20)
    text = models.CharField(max_length=100)
    attributes = models.ManyToManyField(AttributeModel)


class Blog(models.Model):
    name = models.CharField(max_length=20)


class Entry(models.Model):
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE)
    headline = models.CharField(max_length=120)
    pub_date = models.DateField(null=True)


class OrderingFilterModel(models.Model):
    title = models.CharField(max_length=20, verbose_name="verbose title")
    text = models.CharField(max_length=100)

    @property
    def description(self) -> str:
        return self.title + ": " + self.text


class OrderingFilterRelatedModel(models.Model):
    related_object = models.ForeignKey(
        OrderingFilterModel, related_name="related", on_delete=models.CASCADE
    )
    index = models.SmallIntegerField(help_text="A non-related field to test with", default=0)


class SensitiveOrderingFilterModel(models.Model):
    username = models.CharField(max_length=20)
    password = models.CharField(max_length=100)
