"""Pydantic schemas shared by the three Django Ninja stacks (nv, ref, extra)."""

from datetime import datetime
from decimal import Decimal

from ninja import Schema


class CategoryOut(Schema):
    id: int
    name: str


class ItemOut(Schema):
    id: int
    name: str
    sku: str
    price: Decimal
    quantity: int
    active: bool
    created: datetime
    description: str
    category: CategoryOut


class ItemIn(Schema):
    name: str
    sku: str
    price: Decimal
    quantity: int = 0
    active: bool = True
    description: str = ""
    category_id: int


class ItemPatch(Schema):
    """Every field of ItemIn, optional (for ninja-extra's patch_schema)."""

    name: str | None = None
    sku: str | None = None
    price: Decimal | None = None
    quantity: int | None = None
    active: bool | None = None
    description: str | None = None
    category_id: int | None = None


class ItemPage(Schema):
    items: list[ItemOut]
    count: int


class MovieOut(Schema):
    """The flat resource: no relation for the library to plan."""

    id: int
    title: str
    year: int
    rating: float
    genre: str
    created: datetime


class MovieIn(Schema):
    title: str
    year: int
    rating: float
    genre: str


class MoviePatch(Schema):
    """Every field of MovieIn, optional (for ninja-extra's patch_schema)."""

    title: str | None = None
    year: int | None = None
    rating: float | None = None
    genre: str | None = None


class MoviePage(Schema):
    items: list[MovieOut]
    count: int
