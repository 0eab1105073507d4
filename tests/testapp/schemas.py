"""The output schemas most test modules write for the test app's models, written once."""

from ninja import Schema


class AuthorOut(Schema):
    id: int
    name: str


class TagOut(Schema):
    id: int
    name: str


class BookOut(Schema):
    """A book with its author (a join) and its tags (a prefetch)."""

    id: int
    title: str
    author: AuthorOut
    tags: list[TagOut]
