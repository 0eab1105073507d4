import pytest
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, action
from tests.testapp.models import Author, Book


class AuthorOut(Schema):
    id: int
    name: str


class TagOut(Schema):
    id: int
    name: str


class BookOut(Schema):
    id: int
    title: str
    author: AuthorOut
    tags: list[TagOut]


class BookIn(Schema):
    title: str
    year: int = 2000
    author_id: int


class BookViewSet(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn

    @action(detail=False)
    async def recent(self, request) -> list[BookOut]:
        return self.get_queryset().order_by("-id")[:2]


router = DefaultRouter()
router.register("books", BookViewSet)
api = NinjaAPI(urls_namespace="smoke")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


def test_crud(client):
    a = Author.objects.create(name="A")
    r = client.post("/api/books/", {"title": "T", "author_id": a.id})
    assert r.status_code == 201, r
    bid = r.json()["id"]
    assert r.json()["author"] == {"id": a.id, "name": "A"}
    r = client.get("/api/books/")
    assert r.status_code == 200, r
    r = client.get(f"/api/books/{bid}/")
    assert r.status_code == 200, r
    r = client.patch(f"/api/books/{bid}/", {"title": "U"})
    assert r.status_code == 200 and r.json()["title"] == "U", r
    r = client.get("/api/books/recent/")
    assert r.status_code == 200 and len(r.json()) == 1, r
    r = client.get("/api/")
    assert r.status_code == 200, r
    print(r.json())
    r = client.post(f"/api/books/{bid}/")
    assert r.status_code == 405, r
    r = client.delete(f"/api/books/{bid}/")
    assert r.status_code == 204, r
    r = client.get("/api/books/abc/")
    assert r.status_code == 422, r
    print(api.get_openapi_schema()["paths"].keys())


def test_openapi():
    import json

    from openapi_spec_validator import validate

    schema = api.get_openapi_schema(path_prefix="/api")
    validate(json.loads(json.dumps(schema)))
    ops = [
        (p, m, o["operationId"], o.get("tags"), o.get("summary"))
        for p, d in schema["paths"].items()
        for m, o in d.items()
    ]
    for x in ops:
        print(x)
    print(list(schema["components"]["schemas"]))
