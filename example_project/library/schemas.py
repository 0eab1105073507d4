"""Typed request and response schemas of the library API."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, FilterSchema, Schema, UploadedFile

from ninja_viewsets import FileURL


class AuthorOut(Schema):
    id: int
    name: str
    birth_year: int | None = None


class UserOut(Schema):
    id: int
    username: str


class TagOut(Schema):
    id: int
    name: str


class TagIn(Schema):
    name: str = Field(..., min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")


class BookOut(Schema):
    id: int
    title: str
    year: int
    isbn: str
    author: AuthorOut
    tags: list[TagOut]
    created: datetime
    cover: FileURL | None = None  # the file's URL


class BookIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    year: int = Field(..., ge=-3000, le=2100)
    isbn: str = Field(..., min_length=10, max_length=13, pattern=r"^[0-9X]+$")
    author_id: int
    tags: list[int] = []
    cover: UploadedFile | None = None  # a file field: the body may be multipart/form-data


class BookFilter(FilterSchema):
    year_min: int | None = Field(None, description="Published in or after this year.")
    year_max: int | None = Field(None, description="Published in or before this year.")
    tag: str | None = Field(None, description="Has this tag (slug).")

    def filter_year_min(self, value: int):  # type: ignore[no-untyped-def]
        from django.db.models import Q

        return Q(year__gte=value)

    def filter_year_max(self, value: int):  # type: ignore[no-untyped-def]
        from django.db.models import Q

        return Q(year__lte=value)

    def filter_tag(self, value: str):  # type: ignore[no-untyped-def]
        from django.db.models import Q

        return Q(tags__name=value)


class ReviewOut(Schema):
    id: int
    stars: int
    text: str
    username: str = Field(..., alias="user.username")
    book_id: int
    created: datetime


class ReviewIn(Schema):
    stars: int = Field(..., ge=1, le=5)
    text: str = Field("", max_length=2000)


class ReviewEdit(ReviewIn):
    book_id: int


class CoverOut(Schema):
    book_id: int
    url: str | None


class StatsOut(Schema):
    authors: int
    books: int
    reviews: int


class TokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=128)


class TokenOut(Schema):
    token: str
    expires_in: int
