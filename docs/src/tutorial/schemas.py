"""library/schemas.py: what goes in and out of the API (DRF's serializers, as pydantic)."""

from ninja import Schema


class AuthorOut(Schema):
    id: int
    name: str


class AuthorIn(Schema):
    name: str
    birth_year: int | None = None


class BookOut(Schema):
    id: int
    title: str
    year: int
    isbn: str
    author: AuthorOut  # nested: read in the same query as the book


class BookIn(Schema):
    title: str
    year: int
    isbn: str
    author_id: int
