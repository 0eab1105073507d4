"""The example project's API, as a user calls it (example_project/library)."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from library.models import Author, Book, Review, Tag

pytestmark = pytest.mark.urls("config.urls")


@pytest.fixture(autouse=True)
def library(db):
    cache.clear()
    call_command("seed", books=30, stdout=io.StringIO())
    yield
    cache.clear()


@pytest.fixture
def token(client):
    r = client.post("/api/token/", {"username": "demo", "password": "demo"})
    assert r.status_code == 200, r
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_root_lists_the_resources(client):
    assert set(client.get("/api/").json()) == {
        "books",
        "authors",
        "tags",
        "reviews",
        "stats",
        "token",
    }


def test_books_are_open_to_read_with_filters_search_ordering_pages(client):
    r = client.get("/api/books/?page_size=5&ordering=-year&year_min=1990")
    assert r.status_code == 200, r
    body = r.json()
    years = [b["year"] for b in body["items"]]
    assert years == sorted(years, reverse=True) and all(y >= 1990 for y in years)
    assert body["count"] == Book.objects.filter(year__gte=1990).count()
    book = body["items"][0]
    assert set(book["author"]) == {"id", "name", "birth_year"}
    assert client.get("/api/books/?ordering=owner").status_code == 422
    r = client.get("/api/books/recent/?page_size=3")
    assert len(r.json()["items"]) == 3


def test_writes_need_a_user_and_the_owner(client, token, django_user_model):
    author = Author.objects.first()
    body = {"title": "New", "year": 2001, "isbn": "1111111111", "author_id": author.id}
    r = client.post("/api/books/", body)
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
    r = client.post("/api/books/", body, headers=token)
    assert r.status_code == 201, r
    new = Book.objects.get(pk=r.json()["id"])
    assert new.owner.username == "demo"
    assert client.post("/api/books/", body, headers=token).status_code == 409  # same isbn
    other = django_user_model.objects.create_user("other", password="other")
    client.force_login(other)
    r = client.patch(f"/api/books/{new.id}/", {"title": "Mine now"})
    assert r.status_code == 403 and r.json()["code"] == "not_owner"


def test_optimistic_concurrency_on_books(client, token):
    book = Book.objects.first()
    etag = client.get(f"/api/books/{book.id}/").headers["ETag"]
    r = client.patch(f"/api/books/{book.id}/", {"year": 1999}, headers={**token, "If-Match": etag})
    assert r.status_code == 200
    r = client.patch(f"/api/books/{book.id}/", {"year": 1998}, headers={**token, "If-Match": etag})
    assert r.status_code == 412


def test_review_action_and_nested_reviews(client, token):
    book = Book.objects.first()
    assert client.post(f"/api/books/{book.id}/review/", {"stars": 5}).status_code == 401
    r = client.post(f"/api/books/{book.id}/review/", {"stars": 5, "text": "Great"}, headers=token)
    assert r.status_code == 200, r
    assert r.json()["username"] == "demo"
    r = client.post(f"/api/books/{book.id}/review/", {"stars": 9}, headers=token)
    assert r.status_code == 422
    r = client.get(f"/api/books/{book.id}/reviews/")
    assert r.status_code == 200
    assert {rv["book_id"] for rv in r.json()["items"]} == {book.id}
    assert client.get("/api/books/999999/reviews/").status_code == 404


def test_cover_get_and_mapped_delete(client, token):
    book = Book.objects.first()
    assert client.get(f"/api/books/{book.id}/cover/").json() == {"book_id": book.id, "url": None}
    assert client.delete(f"/api/books/{book.id}/cover/").status_code == 401
    r = client.delete(f"/api/books/{book.id}/cover/", headers=token)
    assert r.status_code == 204 and r.content == b""


def test_authors_read_only_with_cursor_pages_and_books_action(client):
    r = client.get("/api/authors/")
    assert r.status_code == 200 and set(r.json()) == {"results", "next", "previous"}
    assert client.post("/api/authors/", {"name": "x"}).status_code == 405
    author = Author.objects.get(name="Frank Herbert")
    r = client.get(f"/api/authors/{author.id}/books/")
    assert r.status_code == 200
    assert all(b["author"]["id"] == author.id for b in r.json())


def test_tags_mixin_composition(client, token, admin):
    assert client.get("/api/tags/").status_code == 200
    assert client.post("/api/tags/", {"name": "new"}, headers=token).status_code == 403
    client.force_login(admin)
    assert client.post("/api/tags/", {"name": "new"}).status_code == 201  # staff may
    tag = Tag.objects.first()
    assert client.put(f"/api/tags/{tag.id}/", {"name": "x"}).status_code == 405
    assert client.delete(f"/api/tags/{tag.id}/").status_code == 405


def test_tags_bulk_create(client, token, admin):
    body = [{"name": "bulk-one"}, {"name": "bulk-two"}]
    assert client.post("/api/tags/", body, headers=token).status_code == 403
    client.force_login(admin)
    r = client.post("/api/tags/", [{"name": "ok"}, {"name": "not a slug"}])
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["body", "payload", 1, "name"]
    assert not Tag.objects.filter(name="ok").exists()
    r = client.post("/api/tags/", body)
    assert r.status_code == 201, r
    assert [t["name"] for t in r.json()] == ["bulk-one", "bulk-two"]
    assert Tag.objects.filter(name__in=["bulk-one", "bulk-two"]).count() == 2
    assert client.delete("/api/tags/?id=1").status_code == 405  # not a bulk delete viewset
    operation = client.get("/api/openapi.json").json()["paths"]["/api/tags/"]["post"]
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body_schema["anyOf"][1] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/TagIn"},
    }


def test_reviews_are_scoped_to_their_author(client, token, django_user_model):
    mine = Review.objects.filter(user__username="demo").first()
    other = django_user_model.objects.create_user("other", password="other")
    theirs = Review.objects.create(book=mine.book, user=other, stars=1)
    r = client.get("/api/reviews/", headers=token)
    ids = {rv["id"] for rv in r.json()}
    assert mine.id in ids and theirs.id not in ids
    assert client.get(f"/api/reviews/{theirs.id}/", headers=token).status_code == 404
    assert client.delete(f"/api/reviews/{theirs.id}/", headers=token).status_code == 404
    assert Review.objects.filter(pk=theirs.pk).exists()
    assert client.get("/api/reviews/").status_code == 401


def test_stats_plain_viewset_and_as_view_route(client):
    stats = client.get("/api/stats/").json()
    assert stats == {
        "authors": Author.objects.count(),
        "books": Book.objects.count(),
        "reviews": Review.objects.count(),
    }
    r = client.get("/plain/authors/")
    assert r.status_code == 200 and "results" in r.json()


def test_token_errors(client):
    r = client.post("/api/token/", {"username": "demo", "password": "nope"})
    assert r.status_code == 400 and r.json()["detail"] == "Unknown username or wrong password."


def test_openapi_lists_every_route():
    from library.api import api

    schema = api.get_openapi_schema(path_prefix="/api")
    ops = {op["operationId"] for methods in schema["paths"].values() for op in methods.values()}
    assert {
        "book_list",
        "book_create",
        "book_retrieve",
        "book_update",
        "book_partial_update",
        "book_destroy",
        "book_recent",
        "book_review",
        "book_cover",
        "book_delete_cover",
        "book_review_list",
        "book_review_retrieve",
        "author_list",
        "author_books",
        "tag_create",
        "review_list",
        "stats_list",
        "token_create",
    } <= ops


def test_openapi_tags_are_described_by_the_viewsets_docstrings(client):
    from library import views
    from ninja_viewsets._openapi import tag_description

    tags = client.get("/api/openapi.json").json()["tags"]
    viewsets = {
        "book": views.BookViewSet,
        "book-review": views.BookReviewViewSet,
        "author": views.AuthorViewSet,
        "tag": views.TagViewSet,
        "review": views.ReviewViewSet,
        "stats": views.StatsViewSet,
        "token": views.TokenViewSet,
    }
    described = {tag["name"]: tag["description"] for tag in tags}
    assert described.pop("api-root") == "The list URL of every resource of this API."
    assert described == {name: tag_description(vs) for name, vs in viewsets.items()}
    assert described["book"] == views.BookViewSet.__doc__
    assert described["tag"].startswith("Tags: list, read and create, one or many in one POST")
    assert "\n" not in described["tag"]  # a paragraph of two lines, joined
    assert [tag["name"] for tag in tags][:3] == ["api-root", "book", "book-review"]


def test_books_export_as_csv(client):
    import csv

    r = client.get("/api/books/?format=csv&page_size=5&ordering=title")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/csv; charset=utf-8"
    table = list(csv.reader(io.StringIO(r.content.decode())))
    assert table[0][:3] == ["id", "title", "year"] and len(table) == 6
    assert r.headers["X-Total-Count"] == str(Book.objects.count())
    r = client.get("/api/books/?export=all&search=dune", headers={"Accept": "text/csv"})
    everything = list(csv.reader(io.StringIO(r.content.decode())))
    searched = client.get("/api/books/?search=dune").json()["count"]
    assert 0 < searched < Book.objects.count() and len(everything) == 1 + searched
    content = client.get("/api/openapi.json").json()["paths"]["/api/books/"]["get"]["responses"]
    assert {"application/json", "text/csv", "application/jsonl"} <= set(content["200"]["content"])
