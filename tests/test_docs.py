"""The documentation's examples: every snippet file runs, and the pages quote them exactly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from library.models import Author, Book, Review

DOCS = Path(__file__).resolve().parent.parent / "docs"
README = DOCS.parent / "README.md"


def quoted_sources() -> list[tuple[Path, str, str]]:
    found = []
    for page in [README, *sorted(DOCS.glob("*.md"))]:
        text = page.read_text()
        for match in re.finditer(r"<!-- src: (\S+) -->\n```python\n(.*?)```", text, re.S):
            found.append((page, match.group(1), match.group(2)))
    return found


def test_every_docs_page_is_linked_from_the_index():
    index = (DOCS / "index.md").read_text()
    for page in DOCS.glob("*.md"):
        if page.name != "index.md":
            assert f"({page.name})" in index, page.name


@pytest.mark.parametrize(("page", "source", "code"), quoted_sources())
def test_quoted_code_is_the_file(page, source, code):
    assert (DOCS.parent / source).read_text() == code, f"{page.name} quotes {source} out of date"


def test_at_least_the_main_snippets_are_quoted():
    sources = {s for _, s, _ in quoted_sources()}
    assert {
        "docs/src/quickstart.py",
        "docs/src/actions.py",
        "docs/src/nested.py",
        "docs/src/policies.py",
    } <= sources


@pytest.fixture
def books(db):
    herbert = Author.objects.create(name="Frank Herbert")
    return [
        Book.objects.create(title="Dune", year=1965, isbn="0000000001", author=herbert),
        Book.objects.create(title="Children of Dune", year=1976, isbn="0000000002", author=herbert),
    ]


@pytest.mark.urls("docs.src.quickstart")
def test_quickstart(client, books, user):
    r = client.get("/api/books/")
    assert r.status_code == 200
    assert r.json()[0]["author"] == {"id": books[0].author_id, "name": "Frank Herbert"}
    assert [b["title"] for b in client.get("/api/books/classics/").json()] == ["Dune"]
    assert client.get("/api/books/classics/?before=1980").status_code == 200
    assert client.get("/api/books/abc/").status_code == 422
    body = {"title": "Messiah", "year": 1969, "isbn": "0000000003", "author_id": books[0].author_id}
    assert client.post("/api/books/", body).status_code == 401
    client.force_login(user)
    assert client.post("/api/books/", body).status_code == 201
    assert client.post(f"/api/books/{books[0].id}/reprint/").json()["year"] == 2026
    assert client.patch(f"/api/books/{books[1].id}/", {"year": 1977}).json()["year"] == 1977
    assert client.get("/api/").json() == {"books": "http://testserver/api/books/"}


@pytest.mark.urls("docs.src.actions")
def test_actions(client, user, admin):
    client.force_login(user)
    assert client.get("/api/users/").status_code == 200
    assert client.get("/api/users/recent_users/").status_code == 403
    client.force_login(admin)
    r = client.post(f"/api/users/{user.id}/set_password/", {"password": "new"})
    assert r.json() == {"status": "password set"}
    assert User.objects.get(pk=user.pk).check_password("new")
    assert client.put(f"/api/users/{user.id}/password/", {"password": "x"}).status_code == 200
    assert client.delete(f"/api/users/{user.id}/password/").status_code == 204
    assert not User.objects.get(pk=user.pk).has_usable_password()


@pytest.mark.urls("docs.src.nested")
def test_nested(client, books):
    author = books[0].author
    other = Author.objects.create(name="Other")
    stranger = Book.objects.create(title="X", year=1, isbn="0000000009", author=other)
    Review.objects.create(book=books[0], user=User.objects.create(username="r"), stars=4)
    assert len(client.get(f"/api/authors/{author.id}/books/").json()) == 2
    assert client.get(f"/api/authors/{author.id}/books/{stranger.id}/").status_code == 404
    assert client.get("/api/authors/9999/books/").status_code == 404
    r = client.post(
        f"/api/authors/{author.id}/books/", {"title": "New", "year": 2000, "isbn": "0000000004"}
    )
    assert r.status_code == 201 and r.json()["author_id"] == author.id
    r = client.get(f"/api/authors/{author.id}/books/{books[0].id}/reviews/")
    assert [rv["stars"] for rv in r.json()] == [4]


@pytest.mark.urls("docs.src.policies")
def test_policies(client, books):
    r = client.get("/api/books/?ordering=-year&page_size=1")
    assert r.json()["count"] == 2 and r.json()["items"][0]["title"] == "Children of Dune"
    assert client.get("/api/books/?search=children").json()["count"] == 1
    assert client.get("/api/books/?year=1965").json()["items"][0]["title"] == "Dune"
    assert client.get("/api/books/?ordering=isbn").status_code == 422
    body = {"title": "T", "year": 2001, "isbn": "0000000005", "author_id": books[0].author_id}
    r = client.post("/api/books/", body)
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
    r = client.post("/api/books/", body, headers={"Authorization": "Bearer let-me-in"})
    assert r.status_code == 201
    assert [b["title"] for b in client.get("/api/books/modern/").json()] == ["T"]
