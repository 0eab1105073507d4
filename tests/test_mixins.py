"""The standard actions of the mixins: statuses, bodies, validation, writes, related data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import path
from ninja import ModelSchema, NinjaAPI, Schema

from ninja_viewsets import (
    DefaultRouter,
    GenericViewSet,
    ModelViewSet,
    ReadOnlyModelViewSet,
    SimpleRouter,
    ViewSet,
    mixins,
)
from ninja_viewsets.permissions import IsAuthenticated
from tests.testapp.models import Account, Author, Book, Tag

# -- schemas ----------------------------------------------------------------------------------


class AuthorOut(Schema):
    id: int
    name: str


class TagOut(Schema):
    id: int
    name: str


class BookOut(Schema):
    id: int
    title: str
    year: int
    author: AuthorOut
    tags: list[TagOut]


class BookIn(Schema):
    title: str
    year: int = 2000
    author_id: int
    tags: list[int] = []


class BookByAuthorIn(Schema):
    """The foreign key written under the relation's name (a pk), not ``author_id``."""

    title: str
    author: int


class BookFlatOut(Schema):
    id: int
    title: str
    author_id: int


class BookPkTagsOut(ModelSchema):
    """Many-to-many read as a list of primary keys (``tags: list[int]``)."""

    class Meta:
        model = Book
        fields = ["id", "title", "tags"]


class BookInAuthor(Schema):
    id: int
    title: str
    tags: list[TagOut]


class AuthorWithBooksOut(Schema):
    id: int
    name: str
    books: list[BookInAuthor]


class AuthorIn(Schema):
    name: str


class UserOut(Schema):
    id: int
    username: str
    last_login: datetime | None


class UserIn(Schema):
    username: str
    last_login: datetime | None = None


class AccountOut(Schema):
    id: int
    name: str
    balance: int
    owner_id: int


class AccountIn(Schema):
    name: str
    balance: int = 0


# -- viewsets ---------------------------------------------------------------------------------


class BookViewSet(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn


class RecentBookViewSet(ModelViewSet):
    """Books before 2000 are filtered out by ``get_queryset()``."""

    queryset = Book.objects.all()
    output_schema = BookFlatOut
    input_schema = BookIn

    def get_queryset(self):
        return Book.objects.filter(year__gte=2000)


class BookByAuthorViewSet(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookFlatOut
    input_schema = BookByAuthorIn


class BookPkTagsViewSet(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookPkTagsOut
    input_schema = BookIn


class AuthorViewSet(ModelViewSet):
    queryset = Author.objects.all()
    output_schema = AuthorWithBooksOut
    input_schema = AuthorIn


class UserViewSet(ModelViewSet):
    queryset = User.objects.all()
    output_schema = UserOut
    input_schema = UserIn


class ReadOnlyBooks(ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookFlatOut


class CreateListRetrieveViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet
):
    pass


class CLRBooks(CreateListRetrieveViewSet):
    queryset = Book.objects.all()
    output_schema = BookFlatOut
    input_schema = BookIn


class ListDestroyBooks(mixins.ListModelMixin, mixins.DestroyModelMixin, GenericViewSet):
    queryset = Book.objects.all()
    output_schema = BookFlatOut


class NoActionsGeneric(GenericViewSet):
    queryset = Book.objects.all()
    output_schema = BookFlatOut


class NoActionsPlain(ViewSet):
    pass


hook_calls: list[tuple[str, object]] = []


class AsyncHookAccounts(ModelViewSet):
    queryset = Account.objects.all()
    output_schema = AccountOut
    input_schema = AccountIn
    permission_classes = [IsAuthenticated]

    async def perform_create(self, data):
        hook_calls.append(("create", data))
        return await Account.objects.acreate(owner=self.request.user, **data.model_dump())

    async def perform_update(self, instance, data):
        hook_calls.append(("update", data))
        instance.name = data.name.upper()
        await instance.asave()
        return instance

    async def perform_destroy(self, instance):
        hook_calls.append(("destroy", instance.pk))
        instance.balance = -1  # a "soft delete"
        await instance.asave()


class SyncHookAccounts(ModelViewSet):
    queryset = Account.objects.all()
    output_schema = AccountOut
    input_schema = AccountIn
    permission_classes = [IsAuthenticated]

    def perform_create(self, data):
        hook_calls.append(("create", data))
        return Account.objects.create(owner=self.request.user, **data.model_dump())

    def perform_update(self, instance, data):
        hook_calls.append(("update", data))
        instance.name = f"{data.name}!"
        instance.save()
        return instance

    def perform_destroy(self, instance):
        hook_calls.append(("destroy", instance.pk))
        instance.delete()


class CountedBookOut(Schema):
    """Reads an annotation of the viewset's queryset, and a relation."""

    id: int
    title: str
    author: AuthorOut
    n_tags: int


class AnnotatedBookViewSet(ModelViewSet):
    queryset = Book.objects.annotate(n_tags=Count("tags"))
    output_schema = CountedBookOut
    input_schema = BookIn


router = DefaultRouter()
router.register("books", BookViewSet)
router.register("annotated", AnnotatedBookViewSet, basename="annotated")
router.register("recent", RecentBookViewSet, basename="recent")
router.register("byauthor", BookByAuthorViewSet, basename="byauthor")
router.register("pktags", BookPkTagsViewSet, basename="pktags")
router.register("authors", AuthorViewSet)
router.register("users", UserViewSet)
router.register("readonly", ReadOnlyBooks, basename="readonly")
router.register("clr", CLRBooks, basename="clr")
router.register("listdestroy", ListDestroyBooks, basename="listdestroy")
router.register("generic", NoActionsGeneric, basename="generic")
router.register("plain", NoActionsPlain, basename="plain")

hooks = SimpleRouter()
hooks.register("async", AsyncHookAccounts, basename="async")
hooks.register("sync", SyncHookAccounts, basename="sync")

api = NinjaAPI(urls_namespace="test_mixins")
api.add_router("/", router)
api.add_router("/hooks", hooks)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)

NOT_FOUND = "No Book matches the given query."


@pytest.fixture(autouse=True)
def _reset_hook_calls():
    hook_calls.clear()


@pytest.fixture
def author(db):
    return Author.objects.create(name="Ann")


@pytest.fixture
def tags(db):
    return [Tag.objects.create(name=n) for n in ("red", "green", "blue")]


@pytest.fixture
def book(author, tags):
    b = Book.objects.create(title="Dune", year=2000, author=author)
    b.tags.set(tags[:2])
    return b


def book_json(b: Book) -> dict:
    return {
        "id": b.pk,
        "title": b.title,
        "year": b.year,
        "author": {"id": b.author.pk, "name": b.author.name},
        "tags": [{"id": t.pk, "name": t.name} for t in b.tags.order_by("pk")],
    }


def norm(body):
    """``body`` with every ``tags`` list sorted (the database returns them in any order)."""
    if isinstance(body, list):
        return [norm(x) for x in body]
    if isinstance(body, dict):
        out = {k: norm(v) for k, v in body.items()}
        if isinstance(out.get("tags"), list):
            out["tags"] = sorted(out["tags"], key=lambda t: t["id"] if isinstance(t, dict) else t)
        return out
    return body


def assert_validation_error(r, field: str) -> None:
    assert r.status_code == 422, r
    detail = r.json()["detail"]
    assert isinstance(detail, list) and detail, r
    for err in detail:
        assert {"type", "loc", "msg"} <= set(err), err
    assert any(err["loc"][-1] == field for err in detail), detail


# -- list / create / retrieve / update / destroy --------------------------------------------


def test_list_returns_array_of_all_objects(client, book, author):
    other = Book.objects.create(title="Emma", author=author)
    r = client.get("/api/books/")
    assert r.status_code == 200, r
    body = r.json()
    assert isinstance(body, list)
    assert norm(sorted(body, key=lambda x: x["id"])) == [book_json(book), book_json(other)]


def test_list_empty(client, db):
    r = client.get("/api/books/")
    assert r.status_code == 200, r
    assert r.json() == []


def test_create_201_with_created_object(client, author, tags):
    r = client.post(
        "/api/books/",
        {"title": "Solaris", "year": 1961, "author_id": author.pk, "tags": [tags[2].pk]},
    )
    assert r.status_code == 201, r
    created = Book.objects.get()
    assert created.title == "Solaris" and created.year == 1961 and created.author_id == author.pk
    assert list(created.tags.all()) == [tags[2]]
    assert r.json() == {
        "id": created.pk,
        "title": "Solaris",
        "year": 1961,
        "author": {"id": author.pk, "name": "Ann"},
        "tags": [{"id": tags[2].pk, "name": "blue"}],
    }


def test_create_uses_schema_defaults(client, author):
    r = client.post("/api/books/", {"title": "T", "author_id": author.pk})
    assert r.status_code == 201, r
    assert r.json()["year"] == 2000 and r.json()["tags"] == []
    assert Book.objects.get().year == 2000


def test_retrieve_200(client, book):
    r = client.get(f"/api/books/{book.pk}/")
    assert r.status_code == 200, r
    assert norm(r.json()) == book_json(book)


def test_update_put_replaces_all_fields(client, book, tags):
    other_author = Author.objects.create(name="Bob")
    r = client.put(
        f"/api/books/{book.pk}/",
        {"title": "New", "year": 1999, "author_id": other_author.pk, "tags": [tags[2].pk]},
    )
    assert r.status_code == 200, r
    book.refresh_from_db()
    assert (book.title, book.year, book.author_id) == ("New", 1999, other_author.pk)
    assert list(book.tags.all()) == [tags[2]]
    assert r.json() == {
        "id": book.pk,
        "title": "New",
        "year": 1999,
        "author": {"id": other_author.pk, "name": "Bob"},
        "tags": [{"id": tags[2].pk, "name": "blue"}],
    }


def test_update_put_missing_required_field_is_422_and_writes_nothing(client, book):
    r = client.put(f"/api/books/{book.pk}/", {"year": 1800, "author_id": book.author_id})
    assert_validation_error(r, "title")
    book.refresh_from_db()
    assert (book.title, book.year) == ("Dune", 2000)


def test_partial_update_changes_only_sent_fields(client, book, tags):
    before = sorted(book.tags.values_list("pk", flat=True))
    r = client.patch(f"/api/books/{book.pk}/", {"year": 1984})
    assert r.status_code == 200, r
    book.refresh_from_db()
    assert (book.title, book.year, book.author_id) == ("Dune", 1984, book.author.pk)
    assert sorted(book.tags.values_list("pk", flat=True)) == before  # not cleared
    assert norm(r.json()) == book_json(book)


def test_partial_update_validates_sent_fields(client, book):
    r = client.patch(f"/api/books/{book.pk}/", {"year": "not a year"})
    assert_validation_error(r, "year")
    book.refresh_from_db()
    assert book.year == 2000


def test_partial_update_null_rejected_where_not_nullable(client, book):
    r = client.patch(f"/api/books/{book.pk}/", {"title": None})
    assert_validation_error(r, "title")
    book.refresh_from_db()
    assert book.title == "Dune"


def test_partial_update_null_sets_null_where_allowed(client, db):
    u = User.objects.create_user("bob", last_login=datetime(2020, 1, 2, tzinfo=UTC))
    r = client.patch(f"/api/users/{u.pk}/", {"last_login": None})
    assert r.status_code == 200, r
    assert r.json() == {"id": u.pk, "username": "bob", "last_login": None}
    u.refresh_from_db()
    assert u.last_login is None and u.username == "bob"


def test_partial_update_null_on_required_user_field_is_422(client, db):
    u = User.objects.create_user("bob")
    r = client.patch(f"/api/users/{u.pk}/", {"username": None})
    assert_validation_error(r, "username")
    u.refresh_from_db()
    assert u.username == "bob"


def test_partial_update_empty_body_changes_nothing(client, book):
    r = client.patch(f"/api/books/{book.pk}/", {})
    assert r.status_code == 200, r
    book.refresh_from_db()
    assert (book.title, book.year) == ("Dune", 2000)
    assert book.tags.count() == 2


def test_destroy_204_empty_body(client, book):
    r = client.delete(f"/api/books/{book.pk}/")
    assert r.status_code == 204, r
    assert r.content == b""
    assert not Book.objects.filter(pk=book.pk).exists()


@pytest.mark.django_db(transaction=True)  # the 500 rolls back; the test reads after it
def test_an_error_of_the_delete_is_not_a_404(client, book):
    """The read and the DELETE share a thread hop: a ValueError of the DELETE's (here a
    ``pre_delete`` receiver's) is its own error, not "no such object"."""
    from django.db.models.signals import pre_delete

    def refuse(sender, instance, **kwargs):
        raise ValueError("kept")

    pre_delete.connect(refuse, sender=Book)
    try:
        r = client.delete(f"/api/books/{book.pk}/")
    finally:
        pre_delete.disconnect(refuse, sender=Book)
    assert r.status_code == 500, r
    assert Book.objects.filter(pk=book.pk).exists()


@pytest.mark.parametrize("method", ["put", "patch"])
def test_an_update_checks_in_drfs_order_in_its_one_hop(client, book, method):
    """The read, the checks of the values and the UPDATE share a thread hop, in DRF's order:
    no such object (404) before a value its column cannot store (422); then the 422 at its
    field, nothing written."""
    body = {"title": "x" * 201, "author_id": book.author_id}
    r = getattr(client, method)(f"/api/books/{book.pk + 1000}/", json=body)
    assert r.status_code == 404, r
    r = getattr(client, method)(f"/api/books/{book.pk}/", json=body)
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"][-1] == "title"
    r = getattr(client, method)(
        f"/api/books/{book.pk}/", json={**body, "title": "ok", "author_id": 10**6}
    )
    assert r.status_code == 422, r
    book.refresh_from_db()
    assert book.title == "Dune"


# -- 404s ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_missing_object_is_404_on_every_detail_action(client, book, method):
    body = {"title": "X", "author_id": book.author_id}
    kwargs = {} if method in ("get", "delete") else {"json": body}
    r = getattr(client, method)(f"/api/books/{book.pk + 1000}/", **kwargs)
    assert r.status_code == 404, r
    assert r.json()["detail"] == NOT_FOUND
    assert list(Book.objects.values_list("pk", flat=True)) == [book.pk]  # never created
    book.refresh_from_db()
    assert book.title == "Dune"


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_filtered_out_object_is_404_on_every_detail_action(client, author, method):
    old = Book.objects.create(title="Old", year=1990, author=author)
    body = {"title": "X", "author_id": author.pk, "year": 2010}
    kwargs = {} if method in ("get", "delete") else {"json": body}
    r = getattr(client, method)(f"/api/recent/{old.pk}/", **kwargs)
    assert r.status_code == 404, r
    assert r.json()["detail"] == NOT_FOUND
    old.refresh_from_db()
    assert (old.title, old.year) == ("Old", 1990)
    assert Book.objects.count() == 1


def test_filtered_out_object_absent_from_list(client, author):
    Book.objects.create(title="Old", year=1990, author=author)
    new = Book.objects.create(title="New", year=2010, author=author)
    r = client.get("/api/recent/")
    assert r.status_code == 200, r
    assert r.json() == [{"id": new.pk, "title": "New", "author_id": author.pk}]


# -- read-only fields, validation, malformed bodies -------------------------------------------


def test_create_ignores_id_in_body(client, book, author):
    r = client.post("/api/books/", {"id": book.pk, "title": "Other", "author_id": author.pk})
    assert r.status_code == 201, r
    new_id = r.json()["id"]
    assert new_id != book.pk
    book.refresh_from_db()
    assert book.title == "Dune"  # the existing row was not overwritten
    assert Book.objects.get(pk=new_id).title == "Other"


def test_update_ignores_id_in_body(client, book):
    free_pk = book.pk + 1000
    for method in ("put", "patch"):
        r = getattr(client, method)(
            f"/api/books/{book.pk}/",
            {"id": free_pk, "title": method, "author_id": book.author_id},
        )
        assert r.status_code == 200, r
        assert r.json()["id"] == book.pk
        assert list(Book.objects.values_list("pk", "title")) == [(book.pk, method)]


def test_fields_absent_from_input_schema_are_ignored(client, book):
    created = Book.objects.get(pk=book.pk).created
    r = client.patch(
        f"/api/books/{book.pk}/",
        {"title": "T2", "created": "1999-01-01T00:00:00Z", "unknown": 1},
    )
    assert r.status_code == 200, r
    book.refresh_from_db()
    assert book.title == "T2" and book.created == created


def test_create_validation_error_shape_and_nothing_written(client, author):
    r = client.post("/api/books/", {"year": "abc", "author_id": author.pk})
    assert r.status_code == 422, r
    detail = r.json()["detail"]
    locs = sorted(tuple(err["loc"][-1:]) for err in detail)
    assert locs == [("title",), ("year",)]
    assert all({"type", "loc", "msg"} <= set(err) for err in detail)
    assert Book.objects.count() == 0


def test_create_wrong_m2m_type_is_422_and_nothing_written(client, author):
    r = client.post("/api/books/", {"title": "T", "author_id": author.pk, "tags": ["x"]})
    assert r.status_code == 422, r
    assert Book.objects.count() == 0


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_malformed_json_is_400(client, book, method):
    url = "/api/books/" if method == "post" else f"/api/books/{book.pk}/"
    r = getattr(client, method)(url, data="{not json", content_type="application/json")
    assert r.status_code == 400, r
    assert isinstance(r.json()["detail"], str) and r.json()["detail"]
    assert Book.objects.count() == 1
    book.refresh_from_db()
    assert book.title == "Dune"


# -- which actions each class routes ----------------------------------------------------------


def test_model_viewset_has_all_six_actions(client, author):
    r = client.post("/api/books/", {"title": "A", "author_id": author.pk})
    assert r.status_code == 201, r
    pk = r.json()["id"]
    assert client.get("/api/books/").status_code == 200
    assert client.get(f"/api/books/{pk}/").status_code == 200
    assert (
        client.put(f"/api/books/{pk}/", {"title": "B", "author_id": author.pk}).status_code == 200
    )
    assert client.patch(f"/api/books/{pk}/", {"title": "C"}).status_code == 200
    assert client.delete(f"/api/books/{pk}/").status_code == 204
    ops = {
        o["operationId"]
        for p in api.get_openapi_schema()["paths"].values()
        for o in p.values()
        if o["operationId"].startswith("book_")
    }
    assert ops == {f"book_{a}" for a in mixins_actions()}


def mixins_actions() -> tuple[str, ...]:
    return ("list", "create", "retrieve", "update", "partial_update", "destroy")


def test_read_only_model_viewset(client, book):
    assert client.get("/api/readonly/").status_code == 200
    assert client.get(f"/api/readonly/{book.pk}/").status_code == 200
    r = client.post("/api/readonly/", {"title": "X", "author_id": book.author_id})
    assert r.status_code == 405, r
    for method in ("put", "patch", "delete"):
        kwargs = {} if method == "delete" else {"json": {"title": "X"}}
        r = getattr(client, method)(f"/api/readonly/{book.pk}/", **kwargs)
        assert r.status_code == 405, (method, r)
    assert Book.objects.count() == 1
    book.refresh_from_db()
    assert book.title == "Dune"


def test_create_list_retrieve_composition_routes_exactly_its_actions(client, book, author):
    r = client.post("/api/clr/", {"title": "X", "author_id": author.pk})
    assert r.status_code == 201, r
    assert client.get("/api/clr/").status_code == 200
    assert client.get(f"/api/clr/{book.pk}/").status_code == 200
    r = client.put(f"/api/clr/{book.pk}/", {"title": "Y", "author_id": author.pk})
    assert r.status_code == 405, r
    assert "PUT" not in r.headers["Allow"] and "GET" in r.headers["Allow"]
    assert client.patch(f"/api/clr/{book.pk}/", {"title": "Y"}).status_code == 405
    assert client.delete(f"/api/clr/{book.pk}/").status_code == 405
    assert Book.objects.filter(pk=book.pk, title="Dune").exists()


def test_list_destroy_composition(client, book):
    assert client.get("/api/listdestroy/").status_code == 200
    assert client.post("/api/listdestroy/", {"title": "X"}).status_code == 405
    assert client.get(f"/api/listdestroy/{book.pk}/").status_code == 405
    assert client.delete(f"/api/listdestroy/{book.pk}/").status_code == 204
    assert Book.objects.count() == 0


def test_generic_viewset_and_viewset_route_nothing(client, book):
    for prefix in ("generic", "plain"):
        assert client.get(f"/api/{prefix}/").status_code == 404
        assert client.get(f"/api/{prefix}/{book.pk}/").status_code == 404
    paths = api.get_openapi_schema()["paths"]
    assert not [p for p in paths if "/generic" in p or "/plain" in p]


# -- foreign keys and many-to-many -------------------------------------------------------------


def test_fk_written_as_relation_name(client, author):
    other = Author.objects.create(name="Bob")
    r = client.post("/api/byauthor/", {"title": "T", "author": author.pk})
    assert r.status_code == 201, r
    b = Book.objects.get()
    assert b.author_id == author.pk
    assert r.json() == {"id": b.pk, "title": "T", "author_id": author.pk}
    r = client.put(f"/api/byauthor/{b.pk}/", {"title": "T", "author": other.pk})
    assert r.status_code == 200, r
    r = client.patch(f"/api/byauthor/{b.pk}/", {"author": other.pk})
    assert r.status_code == 200, r
    b.refresh_from_db()
    assert b.author_id == other.pk


def test_fk_written_as_attname(client, author):
    other = Author.objects.create(name="Bob")
    r = client.post("/api/books/", {"title": "T", "author_id": author.pk})
    assert r.status_code == 201, r
    pk = r.json()["id"]
    r = client.patch(f"/api/books/{pk}/", {"author_id": other.pk})
    assert r.status_code == 200, r
    assert r.json()["author"] == {"id": other.pk, "name": "Bob"}
    assert Book.objects.get(pk=pk).author_id == other.pk


def test_m2m_set_on_create_replaced_on_put_cleared_on_patch(client, author, tags):
    r = client.post(
        "/api/books/", {"title": "T", "author_id": author.pk, "tags": [tags[0].pk, tags[1].pk]}
    )
    assert r.status_code == 201, r
    pk = r.json()["id"]
    assert sorted(t["id"] for t in r.json()["tags"]) == [tags[0].pk, tags[1].pk]
    r = client.put(
        f"/api/books/{pk}/", {"title": "T", "author_id": author.pk, "tags": [tags[2].pk]}
    )
    assert r.status_code == 200, r
    assert r.json()["tags"] == [{"id": tags[2].pk, "name": "blue"}]  # not a stale cache
    assert list(Book.objects.get(pk=pk).tags.values_list("pk", flat=True)) == [tags[2].pk]
    r = client.patch(f"/api/books/{pk}/", {"tags": []})
    assert r.status_code == 200, r
    assert r.json()["tags"] == []
    assert Book.objects.get(pk=pk).tags.count() == 0


def test_m2m_output_as_pk_list(client, book, author, tags):
    r = client.get(f"/api/pktags/{book.pk}/")
    assert r.status_code == 200, r
    assert norm(r.json()) == {"id": book.pk, "title": "Dune", "tags": [tags[0].pk, tags[1].pk]}
    r = client.get("/api/pktags/")
    assert r.status_code == 200, r
    assert norm(r.json()) == [{"id": book.pk, "title": "Dune", "tags": [tags[0].pk, tags[1].pk]}]
    r = client.post("/api/pktags/", {"title": "N", "author_id": author.pk, "tags": [tags[2].pk]})
    assert r.status_code == 201, r
    assert r.json()["tags"] == [tags[2].pk]
    r = client.patch(f"/api/pktags/{book.pk}/", {"tags": [tags[2].pk]})
    assert r.status_code == 200, r
    assert r.json()["tags"] == [tags[2].pk]


# -- related objects in responses -------------------------------------------------------------


def test_reverse_fk_nested_list_in_every_action(client, author, tags):
    b1 = Book.objects.create(title="B1", author=author)
    b1.tags.set([tags[0]])
    r = client.get("/api/authors/")
    assert r.status_code == 200, r
    expected = {
        "id": author.pk,
        "name": "Ann",
        "books": [{"id": b1.pk, "title": "B1", "tags": [{"id": tags[0].pk, "name": "red"}]}],
    }
    assert r.json() == [expected]
    r = client.get(f"/api/authors/{author.pk}/")
    assert r.status_code == 200 and r.json() == expected, r
    r = client.post("/api/authors/", {"name": "New"})
    assert r.status_code == 201, r
    assert r.json() == {"id": r.json()["id"], "name": "New", "books": []}
    r = client.put(f"/api/authors/{author.pk}/", {"name": "Ann2"})
    assert r.status_code == 200 and r.json() == {**expected, "name": "Ann2"}, r
    r = client.patch(f"/api/authors/{author.pk}/", {"name": "Ann3"})
    assert r.status_code == 200 and r.json() == {**expected, "name": "Ann3"}, r


def make_books(n: int, tags: list[Tag]) -> None:
    for i in range(n):
        a = Author.objects.create(name=f"A{i}")
        b = Book.objects.create(title=f"B{i}", author=a)
        b.tags.set(tags[: 1 + i % 3])


def count_queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, r
    return len(ctx.captured_queries), r


def test_list_query_count_constant_in_rows(client, tags):
    make_books(3, tags)
    small, r = count_queries(client, "/api/books/")
    assert len(r.json()) == 3
    make_books(7, tags)
    large, r = count_queries(client, "/api/books/")
    assert len(r.json()) == 10
    assert all(len(b["tags"]) >= 1 and b["author"]["name"] for b in r.json())
    assert small == large
    assert large == 2  # books JOIN author, then one prefetch of the tags


def test_reverse_fk_list_query_count_constant_in_rows(client, tags):
    make_books(3, tags)
    small, _ = count_queries(client, "/api/authors/")
    make_books(7, tags)
    large, r = count_queries(client, "/api/authors/")
    assert len(r.json()) == 10 and all(len(a["books"]) == 1 for a in r.json())
    assert small == large


def test_retrieve_and_writes_query_count_independent_of_related_rows(
    client, author, tags, django_assert_max_num_queries
):
    b = Book.objects.create(title="B", author=author)
    b.tags.set(tags)
    more = [Tag.objects.create(name=f"t{i}") for i in range(10)]
    few, _ = count_queries(client, f"/api/books/{b.pk}/")
    b.tags.add(*more)
    many, r = count_queries(client, f"/api/books/{b.pk}/")
    assert len(r.json()["tags"]) == 13
    assert few == many
    with django_assert_max_num_queries(6):
        r = client.patch(f"/api/books/{b.pk}/", {"title": "B2"})
    assert r.status_code == 200 and len(r.json()["tags"]) == 13, r


# -- perform_* hooks --------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["async", "sync"])
def test_perform_hooks_overridden(client, user, prefix):
    client.force_login(user)
    r = client.post(f"/api/hooks/{prefix}/", {"name": "cash", "balance": 5, "owner_id": 999})
    assert r.status_code == 201, r
    account = Account.objects.get()
    assert account.owner_id == user.pk  # set by perform_create from self.request.user
    assert r.json() == {"id": account.pk, "name": "cash", "balance": 5, "owner_id": user.pk}
    kind, data = hook_calls[0]
    assert kind == "create" and isinstance(data, AccountIn)
    assert data.model_dump() == {"name": "cash", "balance": 5}

    r = client.put(f"/api/hooks/{prefix}/{account.pk}/", {"name": "bank", "balance": 1})
    assert r.status_code == 200, r
    expected_name = "BANK" if prefix == "async" else "bank!"
    assert r.json()["name"] == expected_name
    account.refresh_from_db()
    assert account.name == expected_name and account.balance == 5  # the hook wrote only name
    assert hook_calls[1][0] == "update" and isinstance(hook_calls[1][1], AccountIn)

    r = client.delete(f"/api/hooks/{prefix}/{account.pk}/")
    assert r.status_code == 204, r
    assert hook_calls[2] == ("destroy", account.pk)
    if prefix == "async":
        account.refresh_from_db()
        assert account.balance == -1
    else:
        assert not Account.objects.exists()


def test_create_reads_nothing_again_when_the_checked_relation_is_there(client, author):
    """The author checked before the INSERT is the one the response nests: the row is not
    read again with a join (the hand-written way: the INSERT, then a read with the join); only
    the many-to-many list the response also shows is loaded."""
    with CaptureQueriesContext(connection) as ctx:
        r = client.post("/api/books/", {"title": "Dune", "author_id": author.pk})
    assert r.status_code == 201, r.json()
    assert r.json()["author"] == {"id": author.pk, "name": "Ann"}
    sql = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert [q.split()[0] for q in sql] == ["SELECT", "INSERT", "SELECT"], sql
    assert 'FROM "testapp_author"' in sql[0]
    assert 'FROM "testapp_tag"' in sql[2]  # the tags' prefetch, not the book again


def test_create_reads_the_row_again_through_an_annotating_queryset(client, author, tags):
    r = client.post(
        "/api/annotated/", {"title": "Dune", "author_id": author.pk, "tags": [tags[0].pk]}
    )
    assert r.status_code == 201, r.json()
    assert r.json() == {
        "id": r.json()["id"],
        "title": "Dune",
        "author": {"id": author.pk, "name": "Ann"},
        "n_tags": 1,
    }
