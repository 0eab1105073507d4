"""Testing viewsets with pytest-django: APIClient, AsyncAPIClient, and the full Django stack."""

import base64

import pytest
from django.contrib.auth.models import User
from django.test import AsyncClient

from library.models import Author, Book
from ninja_viewsets.testing import APIClient, AsyncAPIClient

from .tutorial.api import api, router  # the API under test: the tutorial's


@pytest.fixture
def book(db):
    author = Author.objects.create(name="Ursula K. Le Guin")
    return Book.objects.create(
        title="The Dispossessed", year=1974, isbn="0060512756", author=author
    )


@pytest.fixture
def reader(db):
    return User.objects.create_user("reader", password="secret")


def test_anyone_reads(book):
    client = APIClient(router)  # a router or a NinjaAPI; paths without the /api/ prefix
    response = client.get(f"/books/{book.pk}/")
    assert response.status_code == 200
    assert response.json()["author"] == {"id": book.author_id, "name": "Ursula K. Le Guin"}


def test_writing_needs_a_user(book, reader):
    client = APIClient(router)
    author = book.author_id
    body = {"title": "The Lathe of Heaven", "year": 1971, "isbn": "0060512741", "author_id": author}
    assert client.post("/books/", json=body).status_code == 401
    client.force_authenticate(reader)  # skips the viewset's auth, as in DRF
    response = client.post("/books/", json=body)
    assert response.status_code == 201
    assert Book.objects.filter(title="The Lathe of Heaven").exists()


@pytest.mark.django_db(transaction=True)  # async code uses its own connection: commit
async def test_async_client(reader):
    client = AsyncAPIClient(api)
    client.force_authenticate(reader)
    response = await client.post("/authors/", json={"name": "N. K. Jemisin"})
    assert response.status_code == 201
    assert await Author.objects.filter(name="N. K. Jemisin").aexists()


@pytest.mark.urls("docs.src.tutorial.urls")  # not needed for your ROOT_URLCONF
@pytest.mark.django_db(transaction=True)
async def test_full_stack(reader):
    """Django's AsyncClient: middleware, URL resolution and the real BasicAuth."""
    client = AsyncClient()
    credentials = base64.b64encode(b"reader:secret").decode()
    response = await client.post(
        "/api/authors/",
        {"name": "Octavia E. Butler"},
        content_type="application/json",
        headers={"Authorization": f"Basic {credentials}"},
    )
    assert response.status_code == 201, response.content
    response = await client.get("/api/authors/")
    assert [author["name"] for author in response.json()] == ["Octavia E. Butler"]
