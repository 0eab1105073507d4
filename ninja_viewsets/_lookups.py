"""Private: the type of a lookup path parameter.

    lookup_type(Book, "pk")        # int: the URL's {pk} is typed (a 404 for "abc", no query)
    lookup_type(Article, "uuid")   # uuid.UUID

Public through ``ninja_viewsets.generics`` (``lookup_type``).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Model

__all__ = ["lookup_type"]


def lookup_type(model: type[Model] | None, lookup_field: str) -> type:
    """The Python type of a lookup path parameter (int, UUID or str), from the model field."""
    if model is None:
        return str
    if "__" in lookup_field:  # a lookup expression such as `text__contains`
        return str
    try:
        fld = model._meta.pk if lookup_field == "pk" else model._meta.get_field(lookup_field)
    except Exception:
        return str
    while fld is not None and fld.is_relation and fld.target_field is not fld:  # type: ignore[union-attr]
        fld = fld.target_field  # type: ignore[union-attr]
    if isinstance(fld, models.UUIDField):
        return uuid.UUID
    if isinstance(fld, models.AutoField | models.IntegerField | models.BigAutoField):
        return int
    return str
