"""Private: a related object written as its key, the item of an unexpanded many relation.

    class BookOut(Schema):
        tags: list[related_keys(int)]   # [3, 7]: each Tag instance validated as its pk

``ninja_viewsets._sparse`` writes an unexpanded many relation this way; the query planner
(``_planning``) prefetches such a relation with its key column only, and the one-pass JSON
writer (``_direct_json``) recognises the item type.
"""

from __future__ import annotations

import typing
from functools import cache
from typing import Any

from django.db.models import Model
from pydantic import GetCoreSchemaHandler

from ninja_viewsets._ninja import before_schema

__all__ = ["RelatedKey", "related_key_type", "related_keys"]


class RelatedKey:
    """An item of ``list[related_keys(int)]``: a related object, written as its key (the
    unexpanded many relation of ``ninja_viewsets._sparse``; prefetched with its key only)."""

    key_type: typing.ClassVar[Any] = int

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return before_schema(_key_of, handler.generate_schema(cls.key_type))


def _key_of(value: Any) -> Any:
    return value.pk if isinstance(value, Model) else value


@cache
def related_keys(key_type: Any) -> type[RelatedKey]:
    """The item type of a list of related keys of type ``key_type``."""
    name = f"{getattr(key_type, '__name__', 'Related')}Key"
    return type(name, (RelatedKey,), {"key_type": key_type})


def related_key_type(annotation: Any) -> Any:
    """The key type of a ``related_keys()`` item type, else ``None``."""
    if isinstance(annotation, type) and issubclass(annotation, RelatedKey):
        return annotation.key_type
    return None
