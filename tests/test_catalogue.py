"""The bad-input catalogue: every operation of the example API, crossed with every kind of bad
input that applies to it, answers a precise 4xx with a JSON ``detail`` and writes nothing.

The operations are read from the API's own OpenAPI document (method, path, path and query
parameters, JSON body schema), so a new operation, extra action, mapped method or nested route
is covered without editing this file. Each kind of bad input applies by a rule on that
description: body kinds where there is a ``requestBody``, field kinds per body property (by its
type, ``maxLength``, bounds, nullability), lookup kinds per path parameter (by its type), query
kinds per query parameter, method kinds per path. The requests carry the bearer token of a user
allowed to do every operation (``demo``, who owns the seeded books and reviews, made staff), so
the bad input reaches parsing and validation instead of stopping at 401/403.
"""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from asgiref.sync import async_to_sync
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Model
from django.test import AsyncClient
from django.urls import URLResolver

from config.urls import urlpatterns
from library.api import api
from library.auth import make_token

pytestmark = [pytest.mark.urls("config.urls"), pytest.mark.django_db]

MISSING_PK = 999_999_999  # a well-formed id no seeded object has
HUGE_INT = 2**64  # fits no integer column of any database
STANDARD_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
UPLOAD_LIMIT = 1024  # DATA_UPLOAD_MAX_MEMORY_SIZE during the huge-body cases


# -- the operations, from the OpenAPI document -------------------------------------------------


def api_prefix() -> str:
    """Where config.urls mounts the example API (``/api/``)."""
    for pattern in urlpatterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == api.urls_namespace:
            return "/" + str(pattern.pattern)
    raise AssertionError("config.urls does not mount library.api")  # pragma: no cover


DOC: dict[str, Any] = api.get_openapi_schema(path_prefix=api_prefix())


def resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its ``$ref`` (and those of its properties and items) inlined."""
    if "$ref" in schema:
        target = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        return resolve({**target, **rest}, doc)
    out = dict(schema)
    if "properties" in out:
        out["properties"] = {k: resolve(v, doc) for k, v in out["properties"].items()}
    if "items" in out:
        out["items"] = resolve(out["items"], doc)
    if "anyOf" in out:
        out["anyOf"] = [resolve(s, doc) for s in out["anyOf"]]
    return out


@dataclass(frozen=True)
class Operation:
    """One documented operation: what a client can send to it."""

    method: str
    path: str
    operation_id: str
    path_params: dict[str, dict[str, Any]]
    query_params: dict[str, dict[str, Any]]
    body: dict[str, Any] | None  # the JSON body's schema, resolved (a bulk body: one item's)
    responses: frozenset[str] = frozenset()  # the documented status codes
    bulk: bool = False  # the body may also be an array of items (ninja_viewsets.bulk)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def operations(doc: dict[str, Any]) -> list[Operation]:
    """Every operation an OpenAPI document describes."""
    found = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            params = op.get("parameters", [])
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            schema = resolve(body["schema"], doc) if body else None
            item = bulk_item(schema) if schema else None
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    operation_id=op["operationId"],
                    path_params={p["name"]: p["schema"] for p in params if p["in"] == "path"},
                    query_params={p["name"]: p["schema"] for p in params if p["in"] == "query"},
                    body=item or schema,
                    responses=frozenset(str(code) for code in op.get("responses", {})),
                    bulk=item is not None,
                )
            )
    return found


def bulk_item(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The item of a bulk body (``Item | list[Item]``), else ``None``."""
    branches = schema.get("anyOf", [])
    arrays = [b for b in branches if b.get("type") == "array"]
    objects = [b for b in branches if "properties" in b]
    if len(branches) == 2 and len(arrays) == 1 and objects == [arrays[0]["items"]]:
        return objects[0]
    return None


OPERATIONS = operations(DOC)


# -- schema helpers ---------------------------------------------------------------------------


def nullable(schema: dict[str, Any]) -> bool:
    branches = [schema, *schema.get("anyOf", [])]
    return any(s.get("type") == "null" for s in branches)


def concrete(schema: dict[str, Any]) -> dict[str, Any]:
    """The non-null branch of an ``anyOf: [X, null]`` (else the schema itself)."""
    branches = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    return branches[0] if len(branches) == 1 else schema


def valid_string(schema: dict[str, Any], length: int | None = None) -> str:
    """A string of ``length`` (default: the shortest allowed) matching the schema's pattern."""
    size = length if length is not None else max(schema.get("minLength", 1), 1)
    for char in "1a":
        candidate = char * size
        if re.search(schema.get("pattern", ""), candidate):
            return candidate
    raise AssertionError(f"no simple string matches {schema}")  # pragma: no cover


def valid_value(schema: dict[str, Any]) -> Any:
    """A value the schema accepts (the database need not: every case is refused before)."""
    schema = concrete(schema)
    kind = schema.get("type")
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        return low if low is not None else min(1, high) if high is not None else 1
    if kind == "string":
        return valid_string(schema)
    if kind == "array":
        return [valid_value(schema["items"])] * schema.get("minItems", 0)
    if kind == "boolean":
        return True
    raise AssertionError(f"no valid value for {schema}")  # pragma: no cover


def valid_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        name: valid_value(prop)
        for name, prop in schema.get("properties", {}).items()
        if concrete(prop).get("format") != "binary"  # a file: multipart only, never JSON
    }


def wrong_type(schema: dict[str, Any]) -> Any:
    """A JSON value of another type than the schema's (never coercible to it)."""
    kind = concrete(schema).get("type")
    return {"integer": "not-a-number", "string": 12345, "array": "not-a-list"}.get(kind, [1])


# -- cases ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One request of the catalogue and the answer it must get."""

    op: Operation
    kind: str
    status: int
    method: str = ""  # default: the operation's
    path_values: dict[str, Any] = field(default_factory=dict)  # overrides of existing ids
    query: dict[str, Any] = field(default_factory=dict)
    body: bytes | None = None
    content_type: str = "application/json"
    loc: tuple[str | int, ...] = ()  # 422: the start of the refused value's location
    huge: bool = False
    reaches_database: bool = False  # refused by the database itself: run without a wrapping
    # transaction, as a server does (PostgreSQL aborts one after an error)

    @property
    def id(self) -> str:
        return f"{self.method or self.op.method} {self.op.path} {self.kind}"


def dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


def body_cases(op: Operation) -> Iterator[Case]:
    """Kinds that apply to any operation with a JSON body."""
    assert op.body is not None
    good = valid_body(op.body)
    yield Case(op, "malformed-json", 400, body=b'{"title": ')
    yield Case(
        op, "wrong-content-type:text/plain", 415, body=dumps(good), content_type="text/plain"
    )
    yield Case(  # DRF's order: the media type is refused before the body is parsed
        op, "wrong-content-type:form", 415, body=b"a=1&b=2",
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    yield Case(op, "empty-body", 422, body=b"", loc=("body",))
    if not op.bulk:
        yield Case(op, "body-not-an-object", 422, body=dumps([good]), loc=("body",))
    else:  # an array is a batch: one bad item refuses all of it, at the item's index
        yield Case(op, "body-not-an-object", 422, body=dumps("x"), loc=("body",))
        yield Case(op, "bulk-bad-item", 422, body=dumps([good, 5]), loc=("body", "payload", 1))
    padding = "x" * (UPLOAD_LIMIT * 4)
    yield Case(op, "huge-body", 413, body=dumps({**good, "padding": padding}), huge=True)
    if op.body.get("required"):
        yield Case(op, "unknown-fields-only", 422, body=dumps({"no_such_field": 1}), loc=("body",))


def field_cases(op: Operation) -> Iterator[Case]:
    """Kinds that apply per body property, by its schema: one bad field, the rest valid."""
    assert op.body is not None
    good = valid_body(op.body)
    required = set(op.body.get("required", []))

    def bad(kind: str, name: str, value: Any) -> Case:
        return Case(op, f"{kind}:{name}", 422, body=dumps({**good, name: value}), loc=("body",))

    for name, prop in op.body.get("properties", {}).items():
        schema = concrete(prop)
        if name in required:
            rest = {k: v for k, v in good.items() if k != name}
            yield Case(op, f"missing-required:{name}", 422, body=dumps(rest), loc=("body",))
        yield bad("wrong-type", name, wrong_type(schema))
        if not nullable(prop):
            yield bad("null", name, None)
        if schema.get("type") == "string":
            if "maxLength" in schema:
                yield bad("overlong", name, valid_string(schema, schema["maxLength"] + 1))
            if schema.get("minLength", 0) > 0:
                yield bad("too-short", name, "1" * (schema["minLength"] - 1))
            if "pattern" in schema:
                yield bad("pattern-mismatch", name, "!" * max(schema.get("minLength", 1), 1))
        ints = schema if schema.get("type") == "integer" else None
        if schema.get("type") == "array" and concrete(schema["items"]).get("type") == "integer":
            ints = concrete(schema["items"])
            yield bad("wrong-item-type", name, ["not-a-number"])
        if ints is not None:
            wrap: Callable[[int], Any] = (lambda v: [v]) if ints is not schema else (lambda v: v)
            if "maximum" in ints:
                yield bad("above-maximum", name, wrap(ints["maximum"] + 1))
            if "minimum" in ints:
                yield bad("below-minimum", name, wrap(ints["minimum"] - 1))
            if "maximum" not in ints:  # no bound in the schema: the database's range applies
                huge = dumps({**good, name: wrap(HUGE_INT)})
                yield Case(op, f"out-of-range-int:{name}", 422, body=huge, reaches_database=True)


def query_cases(op: Operation) -> Iterator[Case]:
    """Kinds that apply per query parameter: filters, pagination, ordering, cursor."""
    for name, prop in op.query_params.items():
        schema = concrete(prop)
        if schema.get("type") == "integer":
            yield Case(op, f"bad-int:{name}", 422, query={name: "abc"}, loc=("query", name))
            if "minimum" in schema:
                low = schema["minimum"] - 1
                yield Case(op, f"below-minimum:{name}", 422, query={name: low}, loc=("query", name))
            if name in ("page", "offset"):  # a position past any database's integers
                yield Case(op, f"out-of-range-int:{name}", 422, query={name: HUGE_INT})
        if name == "ordering":
            for label, value in [
                ("unknown-field", "owner"),
                ("relation", "author__name"),
                ("dash-only", "-"),
                ("one-bad-of-two", "title,nope"),
                ("sql", "title;DROP TABLE library_book"),
            ]:
                yield Case(
                    op, f"bad-ordering:{label}", 422, query={name: value}, loc=("query", name)
                )
        if name == "cursor":
            wrong_length = base64.urlsafe_b64encode(b'{"v": [1, 2, 3, 4]}').decode()
            wrong_types = base64.urlsafe_b64encode(b'{"v": ["x"], "r": "no"}').decode()
            for label, value in [
                ("garbage", "!!not-base64!!"),
                ("not-json", base64.urlsafe_b64encode(b"\xff\xfe").decode()),
                ("wrong-length", wrong_length),
                ("wrong-types", wrong_types),
            ]:
                yield Case(op, f"bad-cursor:{label}", 400, query={name: value})
    if op.query_params:  # Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1000)
        many = {f"f{i}": "1" for i in range(1001)}
        yield Case(op, "too-many-query-params", 400, query=many)


def lookup_cases(op: Operation) -> Iterator[Case]:
    """Kinds that apply per path parameter, by its type: missing, malformed, out of range."""
    body = dumps(valid_body(op.body)) if op.body is not None else None  # a valid one

    def lookup(kind: str, status: int, name: str, value: Any, **kw: Any) -> Case:
        return Case(op, f"{kind}:{name}", status, path_values={name: value}, body=body, **kw)

    for name, prop in op.path_params.items():
        schema = concrete(prop)
        yield lookup("missing-object", 404, name, MISSING_PK)
        if schema.get("type") == "integer":
            yield lookup("invalid-int", 422, name, "abc", loc=("path", name))
            yield lookup("out-of-range-int", 404, name, HUGE_INT)
            yield lookup("negative-int", 404, name, -1)
        elif schema.get("format") == "uuid":
            yield lookup("invalid-uuid", 422, name, "not-a-uuid", loc=("path", name))
        else:
            yield lookup("no-such-string", 404, name, "no-such-thing")


def method_cases(ops: list[Operation]) -> Iterator[Case]:
    """Per path: methods it does not route, standard or not, are 405 with ``Allow``."""
    by_path: dict[str, list[Operation]] = {}
    for op in ops:
        by_path.setdefault(op.path, []).append(op)
    for path_ops in by_path.values():
        routed = {op.method for op in path_ops}
        first = path_ops[0]
        for method in ["PROPFIND", "TRACE", *(m for m in STANDARD_METHODS if m not in routed)]:
            yield Case(first, "unknown-method", 405, method=method)


def catalogue() -> list[Case]:
    cases: list[Case] = []
    for op in OPERATIONS:
        if op.body is not None:
            cases += body_cases(op)
            cases += field_cases(op)
        cases += query_cases(op)
        cases += lookup_cases(op)
    cases += method_cases(OPERATIONS)
    return cases


CATALOGUE = catalogue()
PARAMS = [
    pytest.param(
        case,
        id=case.id,
        marks=[pytest.mark.django_db(transaction=True)] if case.reaches_database else [],
    )
    for case in CATALOGUE
]


# -- running one case -------------------------------------------------------------------------


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of the example's tables (M2M through tables too) and of the users."""
    models: list[type[Model]] = [
        *apps.get_app_config("library").get_models(include_auto_created=True),
        get_user_model(),
    ]
    return {m._meta.db_table: list(m._default_manager.order_by("pk").values()) for m in models}


def existing_path_values(path: str) -> dict[str, Any]:
    """An existing, visible object's values for every path parameter of ``path``.

    Found through the router's registry: the deepest registered resource the path is under
    names the model; its nesting links give the parents' values from that object.
    """
    from library.api import router

    if "{" not in path:
        return {}
    prefix = api_prefix()
    best = None
    for reg in router.registry:
        base = prefix + reg.prefix + "/"
        if path.startswith(base) and (best is None or len(reg.prefix) > len(best.prefix)):
            best = reg
    if best is None:
        return {}
    obj = best.viewset.queryset.model._default_manager.order_by("pk").first()
    values = {best.lookup_kwarg: getattr(obj, best.lookup_field)}
    for link in best.nesting.links if best.nesting else ():
        value: Any = obj
        for part in [*link.query.split("__"), link.lookup_field]:
            value = getattr(value, part)
        values[link.kwarg] = value
    return values


def send(case: Case, token: str) -> Any:
    values = {**existing_path_values(case.op.path), **case.path_values}
    url = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), case.op.path)
    client = AsyncClient()
    extra: dict[str, Any] = {"headers": {"Authorization": f"Bearer {token}"}}
    if case.body is not None:
        extra["data"] = case.body
    if case.query:
        url += "?" + urlencode(case.query)

    async def request() -> Any:
        return await client.generic(
            case.method or case.op.method, url, content_type=case.content_type, **extra
        )

    return async_to_sync(request)()


@pytest.fixture
def token() -> Iterator[str]:
    """A small seeded library; the bearer token of demo (owner of every book and review)."""
    cache.clear()  # throttle counters
    call_command("seed", books=10, stdout=io.StringIO())
    demo = get_user_model().objects.get(username="demo")
    demo.is_staff = True  # staff too: may create tags
    demo.save(update_fields=["is_staff"])
    yield make_token(demo)
    cache.clear()


@pytest.mark.parametrize("case", PARAMS)
def test_bad_input_is_a_precise_4xx_json_answer_that_writes_nothing(case, token, settings):
    if case.huge:
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_LIMIT
    before = snapshot()
    r = send(case, token)
    assert r.status_code == case.status, (r.status_code, r.content[:500])
    assert r["Content-Type"].startswith("application/json"), r["Content-Type"]
    body = json.loads(r.content)
    assert isinstance(body, dict) and body.get("detail"), body
    if case.loc:
        locs = [tuple(e["loc"][: len(case.loc)]) for e in body["detail"]]
        assert case.loc in locs, body
        name = case.kind.partition(":")[2]
        if case.loc == ("body",) and name:
            assert any(name in e["loc"] for e in body["detail"]), body
    if case.status == 405:
        allowed = {m.strip() for m in r["Allow"].split(",")}
        documented = {op.method for op in OPERATIONS if op.path == case.op.path}
        assert documented <= allowed and case.method not in allowed, r["Allow"]
    assert snapshot() == before


def test_the_catalogue_covers_every_operation_and_kind():
    """The table is generated, not hand-picked: every operation has cases, every kind applies."""
    covered = {str(c.op) for c in CATALOGUE}
    assert covered == {str(op) for op in OPERATIONS}
    kinds = {c.kind.partition(":")[0] for c in CATALOGUE}
    assert {
        "malformed-json", "wrong-content-type", "empty-body", "huge-body", "wrong-type",
        "missing-required", "unknown-fields-only", "null", "above-maximum", "below-minimum",
        "out-of-range-int", "invalid-int", "missing-object", "overlong", "bad-int",
        "bad-ordering", "bad-cursor", "unknown-method", "too-many-query-params",
    } <= kinds  # fmt: skip
    paths = {op.path for op in OPERATIONS}
    assert {c.op.path for c in CATALOGUE if c.kind == "unknown-method"} == paths
