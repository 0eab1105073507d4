"""Errors become clear JSON answers: constraint violations are 409 and roll back, outages 503."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet
from ninja_viewsets.exceptions import conflict_from
from tests.testapp.models import Account, Author, Book, Tag


class TagIO(Schema):
    name: str


class TagOut(Schema):
    id: int
    name: str


class BookIn(Schema):
    title: str
    author_id: int
    tags: list[int] = []
    year: int = 2000


class BookOut(Schema):
    id: int
    title: str
    tags: list[TagOut]


class TagViewSet(ModelViewSet):
    queryset = Tag.objects.all()
    output_schema = TagOut
    input_schema = TagIO


class BookViewSet(ModelViewSet):
    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn


class TwoStepViewSet(ModelViewSet):
    """An overridden hook that writes twice: the second write fails, the first is undone."""

    queryset = Tag.objects.all()
    output_schema = TagOut
    input_schema = TagIO

    async def perform_create(self, data):
        await Tag.objects.acreate(name=f"{data.name}-draft")
        return await Tag.objects.acreate(name=data.name)  # may hit the unique constraint


class LongTitleViewSet(ModelViewSet):
    """Hooks that write a title longer than its column (200): the schema never saw it."""

    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn

    async def perform_create(self, data):
        title = data.title * 300
        if data.title == "bulk":
            author = await Author.objects.aget(pk=data.author_id)
            (book,) = await Book.objects.abulk_create([Book(title=title, author=author)])
            return book
        return await Book.objects.acreate(title=title, author_id=data.author_id)

    async def perform_update(self, instance, data):
        await Book.objects.filter(pk=instance.pk).aupdate(title=data.title * 300)
        return instance


class AccountName(Schema):
    name: str


class NoOwner(ModelViewSet):
    """A viewset that forgets the required owner (its hook should set it)."""

    queryset = Account.objects.all()
    output_schema = AccountName
    input_schema = AccountName


class Flaky(ModelViewSet):
    queryset = Tag.objects.all()
    output_schema = TagOut

    async def list(self, request):
        raise OperationalError("connection refused: server closed the connection")


router = DefaultRouter()
router.register("tags", TagViewSet)
router.register("books", BookViewSet)
router.register("twostep", TwoStepViewSet, basename="twostep")
router.register("flaky", Flaky, basename="flaky")
router.register("longtitle", LongTitleViewSet, basename="longtitle")
router.register("noowner", NoOwner, basename="noowner")
api = NinjaAPI(urls_namespace="exceptions")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.mark.django_db(transaction=True)  # a failed statement breaks the test's transaction
def test_unique_violation_on_create_and_update_is_409(client):
    Tag.objects.create(name="dup")
    other = Tag.objects.create(name="other")
    r = client.post("/api/tags/", {"name": "dup"})
    assert r.status_code == 409, r
    assert r.json() == {"detail": "An object with the same name already exists.", "code": "unique"}
    r = client.patch(f"/api/tags/{other.id}/", {"name": "dup"})
    assert r.status_code == 409
    assert Tag.objects.get(pk=other.pk).name == "other"
    assert Tag.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_missing_foreign_key_is_422_at_its_field_and_nothing_is_written(client):
    r = client.post("/api/books/", {"title": "Orphan", "author_id": 999999})
    assert r.status_code == 422, r
    assert r.json() == {
        "detail": [
            {
                "type": "does_not_exist",
                "loc": ["body", "payload", "author_id"],
                "msg": 'Invalid pk "999999" - object does not exist.',
            }
        ]
    }
    assert "SELECT" not in r.content.decode() and "constraint" not in r.content.decode()
    assert Book.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_object_with_m2m_is_created_whole_or_not_at_all(client):
    author = Author.objects.create(name="A")
    tag = Tag.objects.create(name="ok")
    r = client.post(
        "/api/books/", {"title": "Half", "author_id": author.id, "tags": [tag.id, 999999]}
    )
    assert r.status_code == 422, r
    assert [(e["loc"], e["msg"]) for e in r.json()["detail"]] == [
        (["body", "payload", "tags"], 'Invalid pk "999999" - object does not exist.')
    ]
    assert Book.objects.count() == 0  # the INSERT was rolled back with the failed M2M rows
    r = client.post("/api/books/", {"title": "Whole", "author_id": author.id, "tags": [tag.id]})
    assert r.status_code == 201
    assert [t["name"] for t in r.json()["tags"]] == ["ok"]


@pytest.mark.django_db(transaction=True)
def test_m2m_update_is_atomic(client):
    author = Author.objects.create(name="A")
    tag = Tag.objects.create(name="ok")
    book = Book.objects.create(title="Keep", author=author)
    book.tags.add(tag)
    r = client.patch(f"/api/books/{book.id}/", {"title": "Changed", "tags": [999999]})
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["body", "payload", "tags"]
    book.refresh_from_db()
    assert book.title == "Keep" and list(book.tags.all()) == [tag]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("where", ["author_id", "tags", "year"])
def test_value_out_of_range_is_422_and_nothing_is_written(client, where):
    """Regression (found by `make fuzz`): an integer past 64 bits was a 500 (SQLite's
    OverflowError, PostgreSQL's DataError). A related id names no row (checked before the
    write, at its field); another column cannot hold it (the database refuses it)."""
    author = Author.objects.create(name="A")
    huge = 10**20
    body = {"title": "Big", "author_id": huge if where == "author_id" else author.id}
    body["tags"] = [huge] if where == "tags" else []
    if where == "year":
        body["year"] = huge
    r = client.post("/api/books/", body)
    assert r.status_code == 422, r
    if where == "year":  # the column that refused it is found on the row being written
        largest = connection.ops.integer_field_range("IntegerField")[1]
        msg = f"Ensure this value is less than or equal to {largest}."
        expected = {"type": "less_than_equal", "loc": ["body", "payload", "year"], "msg": msg}
    else:
        msg = f'Invalid pk "{huge}" - object does not exist.'
        expected = {"type": "does_not_exist", "loc": ["body", "payload", where], "msg": msg}
    assert r.json() == {"detail": [expected]}
    assert Book.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("year", "method"), [(2**31, "post"), (-(2**31) - 1, "put")])
def test_integer_its_column_cannot_hold_is_422_at_its_field(client, year, method):
    """Found by a newcomer: an explicit schema's ``int`` past the column's range (PostgreSQL's
    ``integer``) was a 422 at ``loc: []``; the field is found on the row being written, as for
    an over-long string. SQLite's columns hold 64 bits: stored."""
    author = Author.objects.create(name="A")
    book = Book.objects.create(title="Keep", year=1999, author=author)
    body = {"title": "Big", "author_id": author.id, "year": year}
    url = "/api/books/" if method == "post" else f"/api/books/{book.pk}/"
    r = client.request(method, url, json=body)
    if connection.vendor != "postgresql":
        assert r.status_code in (200, 201), r
        return
    assert r.status_code == 422, r
    bound, word = (2**31 - 1, "less") if year > 0 else (-(2**31), "greater")
    assert r.json() == {
        "detail": [
            {
                "type": f"{word}_than_equal",
                "loc": ["body", "payload", "year"],
                "msg": f"Ensure this value is {word} than or equal to {bound}.",
            }
        ]
    }
    assert list(Book.objects.values_list("title", "year")) == [("Keep", 1999)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("title", ["x", "bulk"])
def test_over_long_string_from_a_hook_is_422_at_its_field_on_postgresql(client, title):
    """PostgreSQL refuses it without naming the column; the field is found on what was being
    written (``save()``, ``bulk_create()``). SQLite stores it: no error to answer."""
    author = Author.objects.create(name="A")
    r = client.post("/api/longtitle/", {"title": title, "author_id": author.id})
    if connection.vendor != "postgresql":
        assert r.status_code == 201, r  # SQLite stores it as is
        assert len(Book.objects.get().title) == len(title) * 300
        return
    assert r.status_code == 422, r
    assert r.json() == {
        "detail": [
            {
                "type": "string_too_long",
                "loc": ["body", "payload", "title"],
                "msg": "Ensure this value has at most 200 characters.",
            }
        ]
    }
    assert Book.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_over_long_string_in_a_hooks_update_is_422_at_its_field_on_postgresql(client):
    book = Book.objects.create(title="Short", author=Author.objects.create(name="A"))
    r = client.put(f"/api/longtitle/{book.id}/", {"title": "y", "author_id": book.author_id})
    if connection.vendor != "postgresql":
        assert r.status_code == 200, r  # SQLite stores it as is
        assert Book.objects.get().title == "y" * 300
        return
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["body", "payload", "title"]
    assert r.json()["detail"][0]["type"] == "string_too_long"
    book.refresh_from_db()
    assert book.title == "Short"


@pytest.mark.django_db(transaction=True)
def test_overridden_hook_runs_in_one_transaction(client):
    Tag.objects.create(name="taken")
    r = client.post("/api/twostep/", {"name": "taken"})
    assert r.status_code == 409
    assert not Tag.objects.filter(name="taken-draft").exists()
    assert client.post("/api/twostep/", {"name": "fresh"}).status_code == 201
    assert Tag.objects.filter(name__in=["fresh", "fresh-draft"]).count() == 2


def test_database_outage_is_503_with_retry_after(client, db):
    r = client.get("/api/flaky/")
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "5"
    assert r.json()["detail"] == "The database is unavailable; try again later."
    assert "refused" not in r.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_missing_required_value_names_its_column(client):
    """Found by a newcomer: a hook that forgot the owner answered "A required value is
    missing." without saying which (the docs: 409 with the columns)."""
    r = client.post("/api/noowner/", {"name": "A"})
    assert r.status_code == 409, r
    assert r.json() == {"detail": "A required value is missing: owner_id.", "code": "not_null"}
    assert not Account.objects.exists()


@pytest.mark.parametrize(
    ("message", "detail", "code"),
    [
        ("UNIQUE constraint failed: library_book.isbn", "same isbn already exists", "unique"),
        (
            'duplicate key value violates unique constraint "x"\nDETAIL:  Key (isbn)=(9) '
            "already exists.",
            "same isbn already exists",
            "unique",
        ),
        ("FOREIGN KEY constraint failed", "related object does not exist", "foreign_key"),
        ('new row violates check constraint "stars_range"', "check constraint", "check"),
        ("NOT NULL constraint failed: t.x", "A required value is missing: x.", "not_null"),
        (
            'null value in column "owner_id" of relation "t" violates not-null constraint',
            "A required value is missing: owner_id.",
            "not_null",
        ),
        ("Column 'x' cannot be null", "A required value is missing: x.", "not_null"),
        ("something else", "conflicts with the current state", "conflict"),
    ],
)
def test_conflict_messages(message, detail, code):
    conflict = conflict_from(Exception(message))
    assert detail in conflict.detail and conflict.code == code


# -- errors that name the field ----------------------------------------------------------------

from django.core.exceptions import NON_FIELD_ERRORS  # noqa: E402
from django.core.exceptions import ValidationError as DjangoValidationError  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from ninja import Router  # noqa: E402
from ninja.errors import HttpError  # noqa: E402

from ninja_viewsets import ViewSet, action  # noqa: E402
from ninja_viewsets.exceptions import (  # noqa: E402
    NotFound,
    ValidationError,
    exception_handler,
)


class AuthorIO(Schema):
    name: str


class AuthorOut(Schema):
    id: int
    name: str


class CheckedViewSet(ModelViewSet):
    """Hooks that refuse with field errors, Django's way and the library's."""

    queryset = Author.objects.order_by("id")
    input_schema = AuthorIO
    output_schema = AuthorOut

    def perform_create(self, data):  # sync: Django's full_clean() in the ORM thread
        if data.name == "django":
            raise DjangoValidationError({"name": ["Reserved.", "Pick another."]})
        if data.name == "clean":  # what a model's clean() raises: the whole object
            raise DjangoValidationError("Authors need a surname.", code="surname")
        if data.name == "mixed":
            raise DjangoValidationError({NON_FIELD_ERRORS: ["Inconsistent."], "name": ["No."]})
        if data.name == "ours":
            raise ValidationError({"name": "Taken.", "non_field_errors": ["Try later."]})
        tag = Tag(name=data.name)
        tag.full_clean()  # a slug: "not a slug" fails at name
        return Author.objects.create(name=data.name)


class TagOnlyViewSet(ModelViewSet):
    queryset = Tag.objects.order_by("id")
    input_schema = TagIO
    output_schema = TagOut


class CustomError(Exception):
    pass


class HandledError(Exception):
    pass


class Bugs(ViewSet):
    """Exceptions of every kind, for the handlers."""

    @action(detail=False)
    async def missing_column(self, request) -> dict[str, str]:
        await Tag.objects.extra(select={"x": "no_such_column"}).afirst()
        return {}

    @action(detail=False)
    async def unreachable(self, request) -> dict[str, str]:
        raise Unreachable("could not receive data from server")

    @action(detail=False)
    async def locked(self, request) -> dict[str, str]:
        raise OperationalError("database is locked")

    @action(detail=False)
    async def custom(self, request) -> dict[str, str]:
        raise CustomError("mine")

    @action(detail=False)
    async def handled(self, request) -> dict[str, str]:
        raise HandledError("for the API's own handler")

    @action(detail=False)
    async def not_found(self, request) -> dict[str, str]:
        raise NotFound("Nothing here.")

    @action(detail=False)
    async def http_error(self, request) -> dict[str, str]:
        raise HttpError(418, "I'm a teapot")

    @action(detail=False)
    async def crash(self, request) -> dict[str, str]:
        raise RuntimeError("secret internals")


class Unreachable(OperationalError):
    sqlstate = "08006"  # connection_failure, as psycopg reports it


class OwnHandler(Bugs):
    def handle_exception(self, exc):
        if isinstance(exc, CustomError):
            return JsonResponse({"detail": "handled by the viewset"}, status=400)
        return super().handle_exception(exc)


def project_handler(exc, context):
    if isinstance(exc, CustomError):
        view = type(context["view"]).__name__
        return JsonResponse(
            {"detail": f"handled for {view}", "path": context["request"].path}, status=409
        )
    response = exception_handler(exc, context)
    if response is not None:
        response["X-Handled"] = "project"
    return response


class RawWriter(ModelViewSet):
    """A hook that writes what it likes: the database's own refusal is still a 422."""

    queryset = Author.objects.order_by("id")
    input_schema = AuthorIO
    output_schema = AuthorOut

    async def perform_create(self, data):
        return await Author.objects.acreate(name=data.name.replace("_", "\x00"))


router2 = DefaultRouter()
router2.register("checked", CheckedViewSet, basename="checked")
router2.register("tagonly", TagOnlyViewSet, basename="tagonly")
router2.register("bugs", Bugs, basename="bugs")
router2.register("own", OwnHandler, basename="own")
router2.register("raw", RawWriter, basename="raw")
api2 = NinjaAPI(urls_namespace="exceptions2")
api2.add_router("/", router2)
later = DefaultRouter()
later.register("later", TagOnlyViewSet, basename="later")
api2.add_router("/v2/", later)  # mounted after router2's catch-all: still served
plain = Router()


@plain.get("/ping")
def ping(request):
    return {"pong": True}


api2.add_router("/plain/", plain)


@api2.exception_handler(HandledError)
def handled_error(request, exc):
    return api2.create_response(request, {"detail": "the API's handler"}, status=400)


@api2.exception_handler(NotFound)
def not_found(request, exc):
    return api2.create_response(request, {"detail": "API-wide 404", "was": exc.detail}, status=404)


urlpatterns.append(path("api2/", api2.urls))


def locs(r) -> list[tuple[list, str]]:
    return [(e["loc"], e["msg"]) for e in r.json()["detail"]]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "django",
            [
                (["body", "payload", "name"], "Reserved."),
                (["body", "payload", "name"], "Pick another."),
            ],
        ),
        ("clean", [(["body", "payload"], "Authors need a surname.")]),
        ("mixed", [(["body", "payload"], "Inconsistent."), (["body", "payload", "name"], "No.")]),
        ("ours", [(["body", "payload", "name"], "Taken."), (["body", "payload"], "Try later.")]),
        (
            "not a slug",
            [
                (
                    ["body", "payload", "name"],
                    "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.",
                )
            ],
        ),
    ],
)
def test_validation_errors_from_hooks_are_422_at_their_field(client, db, name, expected):
    r = client.post("/api2/checked/", {"name": name})
    assert r.status_code == 422, r
    assert locs(r) == expected
    assert not Author.objects.exists()


def test_django_validation_error_keeps_its_code(client, db):
    r = client.post("/api2/checked/", {"name": "clean"})
    assert r.json()["detail"][0]["type"] == "surname"


def test_over_long_string_is_422_at_its_field_before_the_write(client, db):
    r = client.post("/api2/tagonly/", {"name": "x" * 51})
    assert r.status_code == 422, r
    assert r.json() == {
        "detail": [
            {
                "type": "string_too_long",
                "loc": ["body", "payload", "name"],
                "msg": "Ensure this value has at most 50 characters.",
            }
        ]
    }
    tag = Tag.objects.create(name="short")
    r = client.patch(f"/api2/tagonly/{tag.pk}/", {"name": "y" * 60})
    assert r.status_code == 422 and locs(r) == [
        (["body", "payload", "name"], "Ensure this value has at most 50 characters.")
    ]
    assert Tag.objects.get(pk=tag.pk).name == "short"
    assert client.post("/api2/tagonly/", {"name": "z" * 50}).status_code == 201


def test_nul_character_is_422_that_says_so(client, db):
    r = client.post("/api2/tagonly/", {"name": "a\x00b"})
    assert r.status_code == 422, r
    assert r.json()["detail"] == [
        {
            "type": "null_characters",
            "loc": ["body", "payload", "name"],
            "msg": "Null characters are not allowed.",
        }
    ]
    assert not Tag.objects.exists()


# -- database errors classified --------------------------------------------------------------


def test_missing_column_is_a_logged_500_not_a_503(client, db, caplog):
    r = client.get("/api2/bugs/missing_column/")
    assert r.status_code == 500, r
    assert r.json() == {"detail": "A server error occurred.", "code": "server_error"}
    assert "Retry-After" not in r.headers
    [record] = [rec for rec in caplog.records if rec.name == "ninja_viewsets"]
    assert record.levelname == "ERROR" and record.exc_info is not None
    assert "no_such_column" in str(record.exc_info[1])


@pytest.mark.parametrize("url", ["/api2/bugs/unreachable/", "/api2/bugs/locked/"])
def test_unreachable_or_locked_database_is_503(client, db, url):
    r = client.get(url)
    assert r.status_code == 503, r
    assert r.headers["Retry-After"] == "5"
    assert r.json()["code"] == "service_unavailable"


# -- the exception handler -------------------------------------------------------------------


def test_unhandled_exception_is_a_json_500_logged_with_its_traceback(client, caplog):
    r = client.get("/api2/bugs/crash/")
    assert r.status_code == 500
    assert r.json() == {"detail": "A server error occurred.", "code": "server_error"}
    assert "secret" not in r.content.decode()
    [record] = [rec for rec in caplog.records if rec.name == "ninja_viewsets"]
    assert record.levelname == "ERROR"
    assert record.getMessage() == "Internal server error in Bugs.crash"
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)


def test_with_debug_on_ninja_shows_the_traceback(client, settings):
    settings.DEBUG = True
    r = client.get("/api2/bugs/crash/")
    assert r.status_code == 500
    assert "RuntimeError: secret internals" in r.content.decode()


def test_handlers_added_to_the_api_still_receive_their_types(client):
    r = client.get("/api2/bugs/handled/")
    assert r.status_code == 400 and r.json() == {"detail": "the API's handler"}
    r = client.get("/api2/bugs/not_found/")  # even one of the library's own exceptions
    assert r.status_code == 404 and r.json() == {"detail": "API-wide 404", "was": "Nothing here."}
    r = client.get("/api2/bugs/http_error/")  # Ninja's own HttpError: Ninja's answer
    assert r.status_code == 418 and r.json() == {"detail": "I'm a teapot"}


def test_project_exception_handler_setting(client, settings):
    settings.NINJA_VIEWSETS = {"EXCEPTION_HANDLER": "tests.test_exceptions.project_handler"}
    r = client.get("/api2/bugs/custom/")
    assert r.status_code == 409
    assert r.json() == {"detail": "handled for Bugs", "path": "/api2/bugs/custom/"}
    r = client.get("/api2/bugs/locked/")  # the default answer, adjusted
    assert r.status_code == 503 and r.headers["X-Handled"] == "project"
    r = client.get("/api2/bugs/crash/")  # None: still the JSON 500
    assert r.status_code == 500 and r.json()["code"] == "server_error"


def test_viewset_may_override_handle_exception(client):
    r = client.get("/api2/own/custom/")
    assert r.status_code == 400 and r.json() == {"detail": "handled by the viewset"}
    assert client.get("/api2/own/locked/").status_code == 503  # super() for the rest


@pytest.mark.django_db(transaction=True)
def test_nul_refused_by_postgresql_in_a_hook_is_422(client):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores NUL characters")
    r = client.post("/api2/raw/", {"name": "a_b"})
    assert r.status_code == 422, r
    assert r.json()["detail"] == [
        {
            "type": "null_characters",
            "loc": ["body", "payload", "name"],  # found on the row being written
            "msg": "Null characters are not allowed.",
        }
    ]
    assert not Author.objects.exists()


# -- URLs no route matches: JSON, never Django's HTML page -------------------------------------


def test_unknown_url_under_the_api_is_a_json_404(client, db):
    for url in ("/api2/nope/", "/api2/nope", "/api2/checked/1/nope/deeper"):
        r = client.get(url)
        assert r.status_code == 404, (url, r)
        assert r.json() == {"detail": f"Not found: {url}", "code": "not_found"}
    assert client.post("/api2/nope", {}).status_code == 404


def test_routed_url_without_its_trailing_slash_is_served(client, db, settings):
    settings.DEBUG = True  # Django's APPEND_SLASH raises RuntimeError for a POST here
    r = client.post("/api2/tagonly", {"name": "slashless"})
    assert r.status_code == 201, r
    tag = Tag.objects.get(name="slashless")
    assert client.get("/api2/tagonly").json()[0]["name"] == "slashless"
    assert client.get(f"/api2/tagonly/{tag.pk}").json() == {"id": tag.pk, "name": "slashless"}
    assert client.patch(f"/api2/tagonly/{tag.pk}", {"name": "s2"}).status_code == 200
    assert client.delete(f"/api2/tagonly/{tag.pk}").status_code == 204


def test_routes_mounted_after_the_catch_all_are_served(client, db):
    assert client.get("/api2/v2/later/").status_code == 200
    assert client.get("/api2/plain/ping").json() == {"pong": True}
    assert client.get("/api2/v2/nothing/here/").json()["code"] == "not_found"


def test_the_catch_all_is_not_in_openapi():
    paths = api2.get_openapi_schema(path_prefix="")["paths"]
    assert not [p for p in paths if "rest" in p]
