"""JSON rendering: a viewset answers the JSON Ninja's renderer would, written in one pass."""

from __future__ import annotations

import json
import math
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum, IntEnum, StrEnum
from typing import Any

import pytest
from django.test import override_settings
from django.urls import path
from ninja import NinjaAPI, Router, Schema
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from pydantic import ConfigDict, Field, computed_field, field_serializer

from ninja_viewsets import DefaultRouter, ModelViewSet, ViewSet, action
from ninja_viewsets._compat import respond
from ninja_viewsets.pagination import PageNumberPagination
from tests.testapp.models import Author, Book


class Color(StrEnum):
    RED = "red"


class Size(IntEnum):
    LARGE = 3


class Plain(Enum):
    ONE = 1


class Inner(Schema):
    when: datetime
    amount: Decimal


class Everything(Schema):
    integer: int
    big: int
    ratio: float
    tiny: float
    huge: float
    amount: Decimal
    exponent: Decimal
    negative_zero: Decimal
    aware: datetime
    naive: datetime
    whole_second: datetime
    day: date
    clock: time
    span: timedelta
    ident: uuid.UUID
    text: str
    color: Color
    size: Size
    missing: str | None
    numbers: list[int]
    mapping: dict[str, int]
    inner: Inner
    inners: list[Inner]
    aliased: str = Field(alias="renamed")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def doubled(self) -> int:
        return self.integer * 2


EVERYTHING: dict[str, Any] = {
    "integer": 7,
    "big": 2**62,
    "ratio": 0.1,
    "tiny": 0.000123,  # below 1e-4 json.dumps writes 1e-05: see test_renderers_corpus
    "huge": 1e15,
    "amount": Decimal("21.99"),
    "exponent": Decimal("1E+2"),
    "negative_zero": Decimal("-0.00"),
    "aware": datetime(2026, 12, 1, 10, 30, 15, 123456, tzinfo=UTC),
    "naive": datetime(2026, 12, 1, 10, 30, 15, 999999),
    "whole_second": datetime(2026, 12, 1, 10, 30, 15, tzinfo=UTC),
    "day": date(2026, 12, 1),
    "clock": time(10, 30, 15, 500),
    "span": timedelta(days=1, hours=2, microseconds=5),
    "ident": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "text": 'grüße "quoted" \\ \n \u2028 😀',
    "color": Color.RED,
    "size": Size.LARGE,
    "missing": None,
    "numbers": [1, 2, 3],
    "mapping": {"a": 1, "é": 2},
    "inner": {"when": datetime(2020, 1, 2, 3, 4, 5, 6000, tzinfo=UTC), "amount": Decimal("3")},
    "inners": [{"when": datetime(2021, 1, 1, tzinfo=UTC), "amount": Decimal("0.5")}],
    "renamed": "by alias",
}


class PlainInner(Schema):
    when: datetime
    amount: Decimal
    note: str | None


class PlainEverything(Schema):
    """Only plain fields: written without a second validation (the direct path)."""

    integer: int
    big: int
    flag: bool
    ratio: float
    huge: float
    amount: Decimal
    exponent: Decimal
    aware: datetime
    naive: datetime
    day: date
    clock: time
    span: timedelta
    ident: uuid.UUID
    text: str
    missing: str | None
    numbers: list[int]
    inner: PlainInner
    no_inner: PlainInner | None
    inners: list[PlainInner]


PLAIN: dict[str, Any] = {
    **{k: EVERYTHING[k] for k in ("integer", "big", "ratio", "huge", "amount", "exponent")},
    **{k: EVERYTHING[k] for k in ("aware", "naive", "day", "clock", "span", "ident", "text")},
    "flag": True,
    "missing": None,
    "numbers": [1, 2],
    "inner": {"when": EVERYTHING["aware"], "amount": Decimal("3.10"), "note": "n"},
    "no_inner": None,
    "inners": [{"when": EVERYTHING["naive"], "amount": Decimal("-0.00"), "note": None}],
}


class Record:
    """An object read by attribute, as a model instance is."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str


class WithPlainEnum(Schema):
    value: Plain


class WithSerializer(Schema):
    when: datetime

    @field_serializer("when", when_used="json")
    def _when(self, value: datetime) -> str:
        return "custom"


class WithAny(Schema):
    data: Any


class Optional_(Schema):
    name: str
    note: str | None = None


class Float(Schema):
    value: float


class Showcase(ViewSet):
    """Actions returning the same data as the hand-written functions below."""

    @action(detail=False)
    async def everything(self, request) -> Everything:
        return EVERYTHING  # type: ignore[return-value]

    @action(detail=False, by_alias=True, url_path="everything-by-alias")
    async def everything_by_alias(self, request) -> Everything:
        return EVERYTHING  # type: ignore[return-value]

    @action(detail=False)
    async def plain(self, request) -> PlainEverything:
        return PLAIN  # type: ignore[return-value]

    @action(detail=False, url_path="plain-objects")
    async def plain_objects(self, request) -> list[PlainInner]:
        return [Record(when=EVERYTHING["aware"], amount=Decimal("1"), note=None)]  # type: ignore[list-item]

    @action(detail=False)
    async def coerced(self, request) -> list[PlainInner]:
        """A str where a Decimal is declared: validated (and coerced), as Ninja does."""
        return [Record(when=EVERYTHING["aware"], amount="2.50", note=None)]  # type: ignore[list-item]

    @action(detail=False)
    async def forbid(self, request) -> Strict:
        return {"name": "n"}  # type: ignore[return-value]

    @action(detail=False, url_path="plain-enum")
    async def plain_enum(self, request) -> WithPlainEnum:
        return {"value": Plain.ONE}  # type: ignore[return-value]

    @action(detail=False)
    async def serializer(self, request) -> WithSerializer:
        return {"when": EVERYTHING["aware"]}  # type: ignore[return-value]

    @action(detail=False, url_path="any")
    async def any_(self, request) -> WithAny:
        return {"data": {"when": EVERYTHING["aware"], "n": Decimal("1.5")}}  # type: ignore[return-value]

    @action(detail=False, exclude_none=True, url_path="exclude-none")
    async def exclude_none(self, request) -> Optional_:
        return {"name": "x", "note": None}  # type: ignore[return-value]

    @action(detail=False, url_path="not-finite")
    async def not_finite(self, request) -> list[Float]:
        return [{"value": math.nan}, {"value": math.inf}, {"value": -math.inf}]  # type: ignore[return-value]

    @action(detail=False, methods=["post"], url_path="created", response={201: Inner})
    async def created(self, request):
        self.response["X-Extra"] = "kept"  # type: ignore[index]
        return respond(201, {"when": EVERYTHING["aware"], "amount": Decimal("1")})


class AuthorOut(Schema):
    id: int
    name: str


class BookOut(Schema):
    id: int
    title: str
    created: datetime
    author: AuthorOut


class BookIn(Schema):
    title: str
    author_id: int


class Books(ModelViewSet):
    queryset = Book.objects.order_by("id")
    output_schema = BookOut
    input_schema = BookIn
    pagination_class = PageNumberPagination


# The same answers, hand-written with Ninja: what the viewsets must match.
reference = Router()


@reference.get("/everything/", response=Everything)
def ref_everything(request):
    return EVERYTHING


@reference.get("/everything-by-alias/", response=Everything, by_alias=True)
def ref_everything_by_alias(request):
    return EVERYTHING


@reference.get("/plain/", response=PlainEverything)
def ref_plain(request):
    return PLAIN


@reference.get("/plain-objects/", response=list[PlainInner])
def ref_plain_objects(request):
    return [Record(when=EVERYTHING["aware"], amount=Decimal("1"), note=None)]


@reference.get("/coerced/", response=list[PlainInner])
def ref_coerced(request):
    return [Record(when=EVERYTHING["aware"], amount="2.50", note=None)]


@reference.get("/plain-enum/", response=WithPlainEnum)
def ref_plain_enum(request):
    return {"value": Plain.ONE}


@reference.get("/serializer/", response=WithSerializer)
def ref_serializer(request):
    return {"when": EVERYTHING["aware"]}


@reference.get("/any/", response=WithAny)
def ref_any(request):
    return {"data": {"when": EVERYTHING["aware"], "n": Decimal("1.5")}}


@reference.get("/exclude-none/", response=Optional_, exclude_none=True)
def ref_exclude_none(request):
    return {"name": "x", "note": None}


@reference.get("/not-finite/", response=list[Float])
def ref_not_finite(request):
    return [{"value": math.nan}, {"value": math.inf}, {"value": -math.inf}]


router = DefaultRouter()
router.register("showcase", Showcase, basename="showcase")
router.register("books", Books)
api = NinjaAPI(urls_namespace="test_renderers")
api.add_router("/", router)
api.add_router("/ref", reference)


class ShoutingRenderer(JSONRenderer):
    """A renderer of the user's: the viewsets must leave rendering to it."""

    def render(self, request, data, *, response_status):
        return super().render(request, {"wrapped": data}, response_status=response_status)


custom_router = DefaultRouter()
custom_router.register("showcase", Showcase, basename="showcase")
custom_api = NinjaAPI(urls_namespace="test_renderers_custom", renderer=ShoutingRenderer())
custom_api.add_router("/", custom_router)

urlpatterns = [path("api/", api.urls), path("custom/", custom_api.urls)]
pytestmark = pytest.mark.urls(__name__)

COMPACT = ["everything", "everything-by-alias", "exclude-none", "not-finite", "plain"]
COMPACT += ["plain-objects", "coerced"]
NINJA_PATH = ["plain-enum", "serializer", "any"]  # rendered by Ninja itself: same bytes


@pytest.mark.parametrize("name", COMPACT + NINJA_PATH)
def test_same_json_as_ninja(client, name):
    ours = client.get(f"/api/showcase/{name}/")
    ninja = client.get(f"/api/ref/{name}/")
    assert ours.status_code == ninja.status_code == 200
    content_type = "application/json; charset=utf-8"
    assert ours.headers["Content-Type"] == ninja.headers["Content-Type"] == content_type
    if name == "not-finite":  # NaN != NaN: compare the text
        assert ours.content.decode().replace(" ", "") == ninja.content.decode().replace(" ", "")
        assert ours.content == b'[{"value":NaN},{"value":Infinity},{"value":-Infinity}]'
        return
    assert json.loads(ours.content) == json.loads(ninja.content)
    if name in NINJA_PATH:
        assert ours.content == ninja.content
    else:  # written by pydantic-core in one pass: compact
        assert b", " not in ours.content.replace(b'\\"quoted\\" ', b"")
        assert ours.content != ninja.content


def test_datetimes_render_in_djangos_format(client):
    body = client.get("/api/showcase/everything/").json()
    assert body["aware"] == "2026-12-01T10:30:15.123Z"  # milliseconds, Z: Django's, not pydantic's
    assert body["naive"] == "2026-12-01T10:30:15.999"
    assert body["whole_second"] == "2026-12-01T10:30:15Z"
    assert body["clock"] == "10:30:15.000"
    assert body["span"] == "P1DT02H00M00.000005S"
    assert body["inner"]["when"] == "2020-01-02T03:04:05.006Z"
    assert body["amount"] == "21.99" and body["exponent"] == "1E+2"
    assert body["aliased"] == "by alias" and body["doubled"] == 14
    assert client.get("/api/showcase/everything-by-alias/").json()["renamed"] == "by alias"


def test_exclude_none_and_status_and_headers(client):
    assert client.get("/api/showcase/exclude-none/").json() == {"name": "x"}
    created = client.post("/api/showcase/created/", json={})
    assert created.status_code == 201
    assert created.headers["X-Extra"] == "kept"
    assert created.json() == {"when": "2026-12-01T10:30:15.123Z", "amount": "1"}


@pytest.mark.django_db
def test_standard_actions_render_compact_json(client):
    author = Author.objects.create(name="Ann")
    client.post("/api/books/", json={"title": "One", "author_id": author.pk})
    listed = client.get("/api/books/")
    assert listed.status_code == 200
    assert listed.content.startswith(b'{"items":[{"id":')
    book = listed.json()["items"][0]
    assert book["author"] == {"id": author.pk, "name": "Ann"}
    stored = Book.objects.get()
    assert book["created"] == json.loads(json.dumps(stored.created, cls=NinjaJSONEncoder))
    retrieved = client.get(f"/api/books/{stored.pk}/")
    assert retrieved.json() == book
    assert retrieved.content.startswith(b'{"id":')


@pytest.mark.django_db
def test_switch_off_gives_ninjas_own_rendering(client):
    with override_settings(NINJA_VIEWSETS={"JSON_RENDERING": False}):
        ours = client.get("/api/showcase/everything/")
    assert ours.content == client.get("/api/ref/everything/").content


def test_a_custom_renderer_is_used(client):
    response = client.get("/custom/showcase/everything/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"wrapped"}
    assert body["wrapped"]["aware"] == "2026-12-01T10:30:15.123Z"


@pytest.fixture
def direct_path(monkeypatch):
    """Records what each response took: "direct" (plain values) or "validated"."""
    from ninja_viewsets import renderers

    taken: list[str] = []
    original = renderers._direct_json

    def recording(*args: Any) -> Any:
        content = original(*args)
        taken.append("validated" if content is None else "direct")
        return content

    monkeypatch.setattr(renderers, "_direct_json", recording)
    return taken


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("plain", "direct"),
        ("plain-objects", "direct"),
        ("not-finite", "direct"),
        ("coerced", "validated"),  # a value of another type than declared
        ("everything", "validated"),  # an alias, a computed field, enums
        ("exclude-none", "validated"),  # an exclude_* option
        ("forbid", "validated"),  # extra="forbid" would refuse a dict with more keys
    ],
)
def test_plain_schemas_skip_the_second_validation(client, direct_path, name, path):
    assert client.get(f"/api/showcase/{name}/").status_code == 200
    assert direct_path == [path]


def test_coerced_values_are_validated_like_ninja(client):
    assert client.get("/api/showcase/coerced/").json()[0]["amount"] == "2.50"


@pytest.mark.django_db
def test_the_standard_actions_take_the_direct_path(client, direct_path):
    author = Author.objects.create(name="Ann")
    created = client.post("/api/books/", json={"title": "One", "author_id": author.pk})
    assert created.status_code == 201
    book = created.json()
    assert client.get("/api/books/").json()["items"] == [book]
    assert client.get(f"/api/books/{book['id']}/").json() == book
    patched = client.patch(f"/api/books/{book['id']}/", json={"title": "Two"})
    assert patched.json() == {**book, "title": "Two"}
    assert direct_path == ["direct"] * 4
