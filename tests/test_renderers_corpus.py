"""The one-pass JSON renderer against Ninja's own rendering, over a corpus of schemas.

Every entry is served twice: by a plain Ninja operation (Ninja's renderer) and by a viewset
action (the one-pass renderer, or Ninja's path when it cannot prove the same JSON). The bodies
must be the same token for token: numbers, literals, keys and their order byte for byte;
strings by value (Ninja escapes non-ASCII as ``\\uXXXX``, ours writes UTF-8); whitespace aside
(ours is compact). Entries the renderer must leave to Ninja are byte-identical.
"""

from __future__ import annotations

import json
import re
import uuid
import warnings
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from enum import Enum, IntEnum, StrEnum
from typing import Annotated, Any, Literal

import pytest
from django.urls import path
from ninja import NinjaAPI, Router, Schema
from pydantic import ConfigDict, Field, PlainSerializer

from ninja_viewsets import SimpleRouter, ViewSet, action
from ninja_viewsets.pagination import CursorPagination, PageNumberPagination, paged_schema
from ninja_viewsets.permissions import AllowAny


class Color(StrEnum):
    RED = "red"
    BLUE = "blue"


class Level(IntEnum):
    LOW = 1
    HIGH = 9


class Mood(Enum):  # a plain Enum: Ninja writes str(member)... via its encoder
    HAPPY = "happy"


class Leaf(Schema):
    id: int
    label: str


class Aliased(Schema):
    model_config = ConfigDict(populate_by_name=True)

    full_name: str = Field(alias="fullName")
    nick: str | None = Field(None, serialization_alias="nickName")


class Resolved(Schema):
    id: int
    shout: str = ""

    @staticmethod
    def resolve_shout(obj: Any) -> str:
        return str(obj["label"]).upper() if isinstance(obj, dict) else "?"


class Cat(Schema):
    kind: Literal["cat"]
    lives: int


class Dog(Schema):
    kind: Literal["dog"]
    good: bool


class Pets(Schema):
    pets: list[Annotated[Cat | Dog, Field(discriminator="kind")]]
    either: int | str
    maybe_leaf: Leaf | None


class ScalarUnions(Schema):
    either: int | str
    number: int | float
    maybe: Decimal | None
    colors: list[Color | int]


class Enums(Schema):
    color: Color
    level: Level
    colors: list[Color]


class PlainEnum(Schema):
    mood: Mood


class Numbers(Schema):
    price: Decimal
    tiny: Decimal
    big_int: int
    ratio: float
    small: float
    large: float
    negative: float


class Ids(Schema):
    ident: uuid.UUID
    idents: list[uuid.UUID]


class Times(Schema):
    utc: datetime
    offset: datetime
    naive: datetime
    day: date
    clock: time
    span: timedelta


class Nested(Schema):
    rows: list[list[Leaf]]
    matrix: list[list[int]]
    by_key: dict[str, list[Leaf]]


class Optional_(Schema):
    a: int | None = None
    b: str | None = None
    leaf: Leaf | None = None


with warnings.catch_warnings():  # json_encoders is deprecated in pydantic 2, still honoured
    warnings.simplefilter("ignore")

    class Encoded(Schema):
        model_config = ConfigDict(json_encoders={Decimal: float})  # the user's encoder

        price: Decimal


class Serialized(Schema):
    price: Annotated[Decimal, PlainSerializer(lambda d: f"{d:.1f} EUR", when_used="json")]


LEAVES = [{"id": 1, "label": "one"}, {"id": 2, "label": 'two, "quoted" é 😀 \u2028'}]
PLUS_TWO = timezone(timedelta(hours=2))

CORPUS: dict[str, tuple[Any, Any, dict[str, Any]]] = {
    "aliases": (Aliased, {"fullName": "Ann Lee", "nick": None}, {}),
    "aliases-by-alias": (Aliased, {"fullName": "Ann Lee", "nick": "al"}, {"by_alias": True}),
    "resolvers": (list[Resolved], LEAVES, {}),
    "unions": (
        Pets,
        {
            "pets": [{"kind": "cat", "lives": 9}, {"kind": "dog", "good": True}],
            "either": "7",
            "maybe_leaf": None,
        },
        {},
    ),
    "scalar-unions": (
        ScalarUnions,
        {"either": "7", "number": 3, "maybe": None, "colors": ["red", 2]},
        {},
    ),
    "enums": (Enums, {"color": "red", "level": 9, "colors": ["blue", "red"]}, {}),
    "plain-enum": (PlainEnum, {"mood": Mood.HAPPY}, {}),
    "numbers": (
        Numbers,
        {
            "price": Decimal("1234.50"),
            "tiny": Decimal("1E-7"),
            "big_int": 2**63 + 5,
            "ratio": 0.1,
            "small": 0.000123,
            "large": 1.5e15,
            "negative": -0.0,
        },
        {},
    ),
    "small-floats": (list[float], [1e-05, 9.99e-05, -1e-9, 0.5], {}),
    "uuids": (
        Ids,
        {"ident": uuid.UUID(int=1), "idents": [uuid.UUID(int=2**128 - 1), str(uuid.UUID(int=3))]},
        {},
    ),
    "datetimes": (
        Times,
        {
            "utc": datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC),
            "offset": datetime(2024, 3, 1, 1, 2, 3, 4000, tzinfo=PLUS_TWO),
            "naive": datetime(2024, 3, 1, 1, 2, 3),
            "day": date(1999, 12, 31),
            "clock": time(23, 0, 0, 250000),
            "span": timedelta(days=-1, seconds=5),
        },
        {},
    ),
    "nested-lists": (
        Nested,
        {"rows": [LEAVES, []], "matrix": [[1, 2], [], [3]], "by_key": {"z": LEAVES, "a": []}},
        {},
    ),
    "exclude-none": (
        list[Optional_],
        [{"a": 1}, {"b": "x", "leaf": None}, {"leaf": LEAVES[0]}],
        {"exclude_none": True},
    ),
    "exclude-unset": (list[Optional_], [{"a": 1}, {"b": None}], {"exclude_unset": True}),
    "exclude-defaults": (list[Optional_], [{"a": None, "b": "x"}], {"exclude_defaults": True}),
    "json-encoders": (Encoded, {"price": Decimal("2.50")}, {}),
    "serializer": (Serialized, {"price": Decimal("2.5")}, {}),
    "page-number-envelope": (
        paged_schema(PageNumberPagination, Leaf),
        {"items": LEAVES, "count": 2},
        {},
    ),
    "cursor-envelope": (
        paged_schema(CursorPagination, Leaf),
        {"results": LEAVES, "next": "http://testserver/x?cursor=abc", "previous": None},
        {},
    ),
    "status": (
        {201: list[Leaf], 400: dict[str, str]},
        LEAVES,
        {"status": 201},
    ),
}
# What the renderer must leave to Ninja (its JSON could differ): byte-identical answers.
NINJA_RENDERS = {"plain-enum", "json-encoders", "serializer", "unions", "small-floats"}


def _handler(name: str, value: Any, status: int | None, *, method: bool) -> Any:
    from ninja_viewsets._compat import respond

    def answer() -> Any:
        return respond(status, value) if status else value

    if method:

        async def viewset_action(self: Any, request: Any) -> Any:
            return answer()

        viewset_action.__name__ = name.replace("-", "_")
        return viewset_action

    def plain(request: Any) -> Any:
        return answer()

    plain.__name__ = f"ref_{name.replace('-', '_')}"
    return plain


reference = Router()
actions: dict[str, Any] = {"permission_classes": [AllowAny], "throttle_classes": []}
for name, (response, value, options) in CORPUS.items():
    options = dict(options)
    status = options.pop("status", None)
    reference.add_api_operation(
        f"/{name}/",
        ["GET"],
        _handler(name, value, status, method=False),
        response=response,
        **options,
    )
    actions[name.replace("-", "_")] = action(
        detail=False, methods=["get"], url_path=name, response=response, **options
    )(_handler(name, value, status, method=True))

Corpus = type("Corpus", (ViewSet,), {"__module__": __name__, **actions})
router = SimpleRouter()
router.register("ours", Corpus, basename="corpus")
api = NinjaAPI(urls_namespace="renderers-corpus")
api.add_router("/", router)
api.add_router("/ninja", reference)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)

_TOKEN = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+)', re.DOTALL)


def tokens(body: bytes) -> list[tuple[str, Any]]:
    """JSON text as tokens: strings by value, everything else by its exact text."""
    text = body.decode()
    found, end = [], 0
    for match in _TOKEN.finditer(text):
        assert match.start() == end, f"not JSON at {end}: {text[end : end + 20]!r}"
        end = match.end()
        token = match.group(1)
        found.append(("string", json.loads(token)) if token.startswith('"') else ("raw", token))
    assert text[end:].strip() == ""
    return found


def spaced(body: bytes) -> bool:
    """Whether there is whitespace between the tokens (json.dumps' ``", "`` and ``": "``)."""
    return any(m.group(0)[:1].isspace() for m in _TOKEN.finditer(body.decode()))


@pytest.mark.parametrize("name", list(CORPUS))
def test_the_same_json_as_ninja(client, name):
    ninja = client.get(f"/api/ninja/{name}/")
    ours = client.get(f"/api/ours/{name}/")
    assert ninja.status_code == ours.status_code, ours.content
    assert ninja.status_code < 300, ninja.content
    assert ours.headers["Content-Type"] == ninja.headers["Content-Type"]
    assert spaced(ninja.content)
    if name in NINJA_RENDERS:  # left to Ninja: its very bytes
        assert ours.content == ninja.content
    else:  # written in one pass (compact): the same tokens
        assert not spaced(ours.content), "the one-pass renderer should write this schema"
        assert tokens(ours.content) == tokens(ninja.content)


def test_the_token_comparison_can_fail():
    assert tokens(b'{"a": 1.0}') != tokens(b'{"a":1}')
    assert tokens(b'{"a": 1e+16}') != tokens(b'{"a":1e16}')
    assert tokens(b'{"a": 1, "b": 2}') != tokens(b'{"b":2,"a":1}')
    assert tokens(b'["\\u00e9"]') == tokens('["é"]'.encode())
