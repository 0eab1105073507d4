"""ninja_viewsets._handling: how a viewset answers an exception (DRF's ``handle_exception``):
the viewset's override, the API's handler for the type, the project's EXCEPTION_HANDLER, a
JSON 500 otherwise; and a related id that names no row, found late, as a 422 at its field."""

from __future__ import annotations

import logging

import pytest
from django.http import JsonResponse
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, ViewSet, action
from ninja_viewsets._handling import ExceptionHandling
from ninja_viewsets.views import APIView
from tests.testapp.models import Author, Book
from tests.testapp.schemas import AuthorOut


class Typed(Exception):
    pass


class Untyped(Exception):
    pass


class Failing(ViewSet):
    @action(detail=False)
    async def typed(self, request) -> dict[str, str]:
        raise Typed("typed")

    @action(detail=False)
    async def untyped(self, request) -> dict[str, str]:
        raise Untyped("untyped")


class Overriding(Failing):
    def handle_exception(self, exc):
        if isinstance(exc, Untyped):
            return JsonResponse({"detail": "the viewset's"}, status=418)
        return super().handle_exception(exc)


class BookOut(Schema):
    id: int
    title: str
    author: AuthorOut


class BookIn(Schema):
    title: str
    author_id: int


class RawBooks(ModelViewSet):
    """A hook that writes the id as sent: the missing author is found when the response reads it."""

    queryset = Book.objects.all()
    output_schema = BookOut
    input_schema = BookIn

    async def perform_create(self, data):
        return await Book.objects.acreate(title=data.title, author_id=data.author_id)


def project_handler(exc, context):
    if isinstance(exc, (Typed, Untyped)):
        return JsonResponse(
            {"detail": f"the project's, for {type(context['view']).__name__}"}, status=409
        )
    return None


router = DefaultRouter()
router.register("failing", Failing, basename="failing")
router.register("overriding", Overriding, basename="overriding")
router.register("raw", RawBooks, basename="raw")
api = NinjaAPI(urls_namespace="handling")
api.add_router("/", router)


@api.exception_handler(Typed)
def typed_handler(request, exc):
    return api.create_response(request, {"detail": "the API's"}, status=400)


urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


def test_the_request_engine_handles_exceptions_here():
    assert issubclass(APIView, ExceptionHandling)


def test_an_unhandled_exception_is_a_logged_json_500(client, caplog):
    with caplog.at_level(logging.ERROR, logger="ninja_viewsets"):
        r = client.get("/api/failing/untyped/")
    assert r.status_code == 500, r
    assert r.json() == {"detail": "A server error occurred.", "code": "server_error"}
    (record,) = [rec for rec in caplog.records if rec.name == "ninja_viewsets"]
    assert record.getMessage() == "Internal server error in Failing.untyped"
    assert isinstance(record.exc_info[1], Untyped)


def test_the_apis_handler_for_the_type_answers_it(client):
    assert client.get("/api/failing/typed/").json() == {"detail": "the API's"}


def test_the_viewsets_override_comes_first(client):
    r = client.get("/api/overriding/untyped/")
    assert r.status_code == 418 and r.json() == {"detail": "the viewset's"}


def test_the_projects_handler_answers_what_the_api_does_not(client, settings):
    settings.NINJA_VIEWSETS = {"EXCEPTION_HANDLER": f"{__name__}.project_handler"}
    r = client.get("/api/failing/untyped/")
    assert r.status_code == 409, r
    assert r.json() == {"detail": "the project's, for Failing"}
    # the API's handler for the exception's type still comes before the project's
    assert client.get("/api/failing/typed/").json() == {"detail": "the API's"}


def test_a_related_id_that_names_no_row_is_a_422_at_its_field(client, db):
    r = client.post("/api/raw/", {"title": "Orphan", "author_id": 424242})
    assert r.status_code == 422, r
    (error,) = r.json()["detail"]
    assert error["loc"] == ["body", "payload", "author_id"]
    assert not Book.objects.filter(title="Orphan").exists()  # rolled back
    author = Author.objects.create(name="Le Guin")
    assert client.post("/api/raw/", {"title": "Found", "author_id": author.pk}).status_code == 201
