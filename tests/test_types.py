"""ninja_viewsets._types: the shared types (``list_of``, the mixins' ``ViewSetHost``)."""

from __future__ import annotations

import typing

from ninja import Schema

from ninja_viewsets import BulkModelViewSet, ModelViewSet, mixins
from ninja_viewsets._types import ViewSetHost, list_of


class Item(Schema):
    id: int


def test_list_of_is_the_alias_list_builds():
    assert list_of(Item) == list[Item]
    assert typing.get_origin(list_of(Item)) is list
    assert typing.get_args(list_of(Item)) == (Item,)
    assert list_of(Item) | None == list[Item] | None


def test_the_host_protocol_types_the_mixins_for_the_checker_only():
    """At run time a mixin's base is ``object``: no Protocol in a viewset's MRO."""
    for cls in (mixins.ListModelMixin, mixins.CreateModelMixin, ModelViewSet, BulkModelViewSet):
        assert ViewSetHost not in cls.__mro__
        assert typing.Protocol not in cls.__mro__
