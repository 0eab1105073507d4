"""Derived schemas validate like the model (DRF's ModelSerializer), over HTTP."""

from __future__ import annotations

import enum
from decimal import Decimal

import pytest
from django.urls import path
from ninja import NinjaAPI

from ninja_viewsets import ModelViewSet, SimpleRouter
from tests.schemasapp.models import Gadget, Maker, Ticket


class Gadgets(ModelViewSet):
    queryset = Gadget.objects.order_by("id")


class Tickets(ModelViewSet):
    queryset = Ticket.objects.order_by("id")


router = SimpleRouter()
router.register("gadgets", Gadgets)
router.register("tickets", Tickets)
api = NinjaAPI(urls_namespace="test_schemas")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]

pytestmark = pytest.mark.urls(__name__)


def openapi() -> dict:
    return api.get_openapi_schema()


def body_schema(url: str, method: str) -> dict:
    op = openapi()["paths"][url][method]
    ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return openapi()["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def output_schema() -> dict:
    op = openapi()["paths"]["/api/gadgets/{pk}/"]["get"]
    ref = op["responses"][200]["content"]["application/json"]["schema"]["$ref"]
    return openapi()["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def non_null(prop: dict) -> dict:
    """The non-null branch of a nullable property."""
    if "anyOf" in prop:
        (branch,) = [b for b in prop["anyOf"] if b.get("type") != "null"]
        return branch
    return prop


@pytest.fixture
def maker(db):
    return Maker.objects.create(name="Acme")


def valid(maker: Maker, **overrides) -> dict:
    body = {
        "maker": maker.pk,
        "name": "Widget",
        "code": "WID",
        "price": "12.50",
        "rating": 3,
    }
    body.update(overrides)
    return body


def errors_at(response) -> dict[str, str]:
    assert response.status_code == 422, response
    return {e["loc"][-1]: e["msg"] for e in response.json()["detail"]}


# -- OpenAPI: what the client is told ---------------------------------------------------------


def test_choices_are_enums_in_openapi():
    body = body_schema("/api/gadgets/", "post")["properties"]
    assert non_null(body["status"])["enum"] == ["draft", "live"]
    assert non_null(body["priority"])["enum"] == [1, 2]
    out = output_schema()["properties"]
    assert non_null(out["status"])["enum"] == ["draft", "live"]
    assert non_null(out["priority"])["enum"] == [1, 2]


def test_two_status_enums_keep_their_own_values():
    """Two TextChoices named ``Status``: each field documents its own values, inline."""
    tickets = body_schema("/api/tickets/", "post")["properties"]
    gadgets = body_schema("/api/gadgets/", "post")["properties"]
    assert non_null(tickets["status"])["enum"] == ["open", "closed"]
    assert non_null(gadgets["status"])["enum"] == ["draft", "live"]
    assert "Status" not in openapi()["components"]["schemas"]


def test_constraints_are_documented():
    props = body_schema("/api/gadgets/", "post")["properties"]
    assert props["name"]["maxLength"] == 20 and props["name"]["minLength"] == 1
    assert props["code"]["pattern"] == "^[A-Z]+$"
    assert props["rating"]["minimum"] == 1 and props["rating"]["maximum"] == 5
    assert props["email"]["format"] == "email"
    assert props["website"]["format"] == "uri"
    assert {"type": "number"} in props["price"]["anyOf"]


def test_required_optional_and_nullable_on_input():
    schema = body_schema("/api/gadgets/", "post")
    required = set(schema["required"])
    assert required == {"maker", "name", "code", "price", "rating"}
    props = schema["properties"]
    # output-only: the pk, auto_now / auto_now_add, editable=False
    assert not {"id", "created", "updated", "secret"} & set(props)
    assert props["status"]["default"] == "draft"  # default -> optional, documented
    assert "anyOf" in props["nickname"]  # null=True -> nullable
    assert "anyOf" not in props["email"]  # blank only: optional, not nullable


def test_pk_required_and_non_null_on_output():
    schema = output_schema()
    assert "id" in schema["required"]
    assert schema["properties"]["id"]["type"] == "integer"
    assert set(schema["required"]) == set(schema["properties"])  # a response carries them all
    assert "anyOf" in schema["properties"]["nickname"]


# -- requests: invalid data is never stored ----------------------------------------------------


def test_the_valid_body_is_valid(client, maker):
    """The base of the next test: only the override makes it invalid."""
    r = client.post("/api/gadgets/", valid(maker))
    assert r.status_code == 201, r


def test_foreign_key_by_name_or_column(client, maker):
    body = valid(maker)
    body["maker_id"] = body.pop("maker")
    assert client.post("/api/gadgets/", body).status_code == 201
    assert Gadget.objects.get().maker == maker


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"status": "bogus!"}, "status"),
        ({"priority": 3}, "priority"),
        ({"name": "x" * 21}, "name"),
        ({"name": ""}, "name"),
        ({"code": ""}, "code"),
        ({"code": "abc"}, "code"),
        ({"code": "ABC\n"}, "code"),
        ({"price": "1234.5"}, "price"),
        ({"price": "1.234"}, "price"),
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"email": "not-an-email"}, "email"),
        ({"website": "not a url"}, "website"),
        ({"even": 3}, "even"),
        ({"nickname": "x" * 21}, "nickname"),
        ({"name": None}, "name"),
    ],
)
def test_invalid_value_is_a_422_at_its_field(client, maker, overrides, field):
    r = client.post("/api/gadgets/", valid(maker, **overrides))
    assert field in errors_at(r), r.json()
    assert not Gadget.objects.exists()


def test_custom_validator_message(client, maker):
    r = client.post("/api/gadgets/", valid(maker, even=3))
    assert errors_at(r)["even"] == "3 is not even."


def test_valid_create_fills_defaults_and_ignores_output_only_fields(client, maker):
    r = client.post(
        "/api/gadgets/",
        valid(maker, id=999, secret="hacked", created="1990-01-01T00:00:00Z"),
    )
    assert r.status_code == 201, r
    gadget = Gadget.objects.get()
    assert gadget.pk != 999 and gadget.secret == "s" and gadget.created.year != 1990
    assert (gadget.status, gadget.priority, gadget.email, gadget.notes) == ("draft", None, "", "")
    assert gadget.price == Decimal("12.50")
    body = r.json()
    assert body["id"] == gadget.pk and body["status"] == "draft" and body["priority"] is None
    assert body["secret"] == "s"


def test_choices_accepted_by_value(client, maker):
    r = client.post("/api/gadgets/", valid(maker, status="live", priority=2))
    assert r.status_code == 201, r
    assert (r.json()["status"], r.json()["priority"]) == ("live", 2)


def test_patch_validates_like_create(client, maker):
    gadget = Gadget.objects.create(maker=maker, name="G", code="G", price=1, rating=1)
    url = f"/api/gadgets/{gadget.pk}/"
    assert "status" in errors_at(client.patch(url, {"status": "bogus!"}))
    assert "name" in errors_at(client.patch(url, {"name": None}))
    assert "rating" in errors_at(client.patch(url, {"rating": 9}))
    r = client.patch(url, {"nickname": "Gizmo"})
    assert r.status_code == 200, r
    r = client.patch(url, {"nickname": None})  # nullable: null clears it
    assert r.status_code == 200 and r.json()["nickname"] is None, r
    gadget.refresh_from_db()
    assert (gadget.status, gadget.nickname, gadget.rating) == ("draft", None, 1)


def test_put_validates_like_create(client, maker):
    gadget = Gadget.objects.create(maker=maker, name="G", code="G", price=1, rating=1)
    r = client.put(f"/api/gadgets/{gadget.pk}/", valid(maker, code="lower"))
    assert "code" in errors_at(r)
    r = client.put(f"/api/gadgets/{gadget.pk}/", valid(maker, status="live"))
    assert r.status_code == 200 and r.json()["status"] == "live", r


def test_put_leaves_the_optional_fields_it_omits_as_they_are(client, maker):
    """Found by a newcomer with DRF habits: DRF's ModelSerializer makes a field with a model
    default (or ``blank``/``null``) ``required=False``, and a PUT that omits it leaves it as it
    is (it is not in ``validated_data``). Here the PUT reset them to the model's defaults."""
    gadget = Gadget.objects.create(
        maker=maker, name="G", code="G", price=1, rating=1, status="live", even=4, notes="keep"
    )
    r = client.put(f"/api/gadgets/{gadget.pk}/", valid(maker, name="G2"))
    assert r.status_code == 200, r
    gadget.refresh_from_db()
    assert (gadget.name, gadget.status, gadget.even, gadget.notes) == ("G2", "live", 4, "keep")


# -- unique ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_unique_field_is_a_422_at_the_field(client, maker):
    assert client.post("/api/gadgets/", valid(maker)).status_code == 201
    r = client.post("/api/gadgets/", valid(maker, code="OTHER"))
    assert errors_at(r) == {"name": "Gadget with this Name already exists."}
    assert Gadget.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_unique_on_update_is_a_422_at_the_field(client, maker):
    Gadget.objects.create(maker=maker, name="Taken", code="A", price=1, rating=1)
    other = Gadget.objects.create(maker=maker, name="Free", code="B", price=1, rating=1)
    r = client.patch(f"/api/gadgets/{other.pk}/", {"name": "Taken"})
    assert "name" in errors_at(r)


@pytest.mark.django_db(transaction=True)
def test_unique_constraint_over_fields_is_a_409(client, maker):
    assert client.post("/api/gadgets/", valid(maker)).status_code == 201
    r = client.post("/api/gadgets/", valid(maker, name="Another"))  # same (maker, code)
    assert r.status_code == 409, r
    assert r.json()["code"] == "unique"
    assert Gadget.objects.count() == 1


def test_ticket_unknown_status(client, db):
    r = client.post("/api/tickets/", {"status": "draft", "title": "T"})
    assert "status" in errors_at(r)
    r = client.post("/api/tickets/", {"status": "open", "title": "T"})
    assert r.status_code == 201, r


# -- names -------------------------------------------------------------------------------------


def test_derived_names_read_like_drf_spectacular():
    names = openapi()["components"]["schemas"]
    assert {"Gadget", "GadgetRequest", "PatchedGadgetRequest", "Ticket", "TicketRequest"} <= set(
        names
    )


def test_a_user_schema_named_as_a_derived_one_once_was_simply_works(client, db):
    """A user's ``TicketOut`` for one viewset beside a derived-schema viewset of the model."""
    from ninja import Schema

    class TicketOut(Schema):
        id: int
        title: str

    class Summaries(ModelViewSet):
        queryset = Ticket.objects.order_by("id")
        output_schema = TicketOut

    local = SimpleRouter()
    local.register("summaries", Summaries, basename="summary")
    local.register("tickets", Tickets)
    local_api = NinjaAPI(urls_namespace="test_schemas_names")
    local_api.add_router("/", local)
    schemas = local_api.get_openapi_schema(path_prefix="")["components"]["schemas"]
    assert schemas["TicketOut"]["properties"].keys() == {"id", "title"}
    assert "status" in schemas["Ticket"]["properties"]


def test_two_models_of_one_name_in_two_apps_get_two_components():
    from library.models import Book as LibraryBook
    from tests.testapp.models import Book as AppBook

    class AppBooks(ModelViewSet):
        queryset = AppBook.objects.all()

    class LibraryBooks(ModelViewSet):
        queryset = LibraryBook.objects.all()

    local = SimpleRouter()
    local.register("a", AppBooks)
    local.register("b", LibraryBooks, basename="librarybook")
    local_api = NinjaAPI(urls_namespace="test_schemas_two_apps")
    local_api.add_router("/", local)
    doc = local_api.get_openapi_schema(path_prefix="")
    refs = {
        op["responses"][200]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        for url, op in [
            ("/a/{pk}/", doc["paths"]["/a/{pk}/"]["get"]),
            ("/b/{pk}/", doc["paths"]["/b/{pk}/"]["get"]),
        ]
    }
    assert len(refs) == 2
    props = [set(doc["components"]["schemas"][r]["properties"]) for r in sorted(refs)]
    assert {"isbn", "owner", "cover"} & (props[0] ^ props[1])  # each documents its own model


# -- OpenAPI that reads well -------------------------------------------------------------------


def test_standard_actions_are_summarised_from_verbose_names():
    paths = openapi()["paths"]
    assert paths["/api/gadgets/"]["get"]["summary"] == "List gadgets"
    assert paths["/api/gadgets/"]["post"]["summary"] == "Create a gadget"
    assert paths["/api/gadgets/{pk}/"]["get"]["summary"] == "Retrieve a gadget"
    assert paths["/api/gadgets/{pk}/"]["put"]["summary"] == "Update a gadget"
    assert paths["/api/gadgets/{pk}/"]["patch"]["summary"] == "Partially update a gadget"
    assert paths["/api/gadgets/{pk}/"]["delete"]["summary"] == "Delete a gadget"


def test_operation_ids_are_identifiers_everywhere():
    """Nested basenames (``book-review``) included: ``book_review_list``."""
    from library.api import api as example_api

    ids = [
        op["operationId"]
        for item in example_api.get_openapi_schema(path_prefix="")["paths"].values()
        for op in item.values()
    ]
    assert all(i.isidentifier() for i in ids), ids
    assert {"book_review_list", "book_review_retrieve", "book_list"} <= set(ids)
    assert len(ids) == len(set(ids))


def test_validation_errors_are_typed_in_openapi():
    response = openapi()["paths"]["/api/gadgets/"]["post"]["responses"][422]
    item = response["content"]["application/json"]["schema"]["properties"]["detail"]["items"]
    assert item["required"] == ["type", "loc", "msg"]
    assert set(item["properties"]) == {"type", "loc", "msg"}


# -- clashing names: errors that name both and the fix -------------------------------------------


class _StatusA(enum.StrEnum):
    ON = "on"


class _StatusB(enum.StrEnum):
    OFF = "off"


_StatusA.__name__ = _StatusB.__name__ = "Status"  # two apps' enums of one name


def test_two_user_enums_of_one_name_are_a_registration_error():
    from ninja import Schema

    class LampOut(Schema):
        id: int
        status: _StatusA

    class SwitchOut(Schema):
        id: int
        status: _StatusB

    class Lamps(ModelViewSet):
        queryset = Ticket.objects.all()
        output_schema = LampOut

    class Switches(ModelViewSet):
        queryset = Ticket.objects.all()
        output_schema = SwitchOut

    local = SimpleRouter()
    local.register("lamps", Lamps, basename="lamp")
    with pytest.raises(Exception) as raised:
        local.register("switches", Switches, basename="switch")
    message = str(raised.value)
    assert "two different enums are named 'Status'" in message
    assert "_StatusA" in message and "_StatusB" in message
    assert "rename one of them" in message


def test_a_user_class_named_as_a_derived_schema_names_both_and_the_fix(client, db):
    from ninja import Schema

    class Ticket(Schema):  # the name of the derived output schema of schemasapp.Ticket
        id: int

    class Mine(ModelViewSet):
        queryset = Ticket_model().objects.order_by("id")
        output_schema = Ticket

    local = SimpleRouter()
    local.register("tickets", Tickets)
    with pytest.raises(Exception) as raised:
        local.register("mine", Mine, basename="mine")
    message = str(raised.value)
    assert "the schema derived from schemasapp.Ticket" in message
    assert "test_schemas" in message and "Ticket" in message
    assert "set `input_schema` / `output_schema` on Mine" in message
    # registration is all or nothing: the router serves what it had
    local_api = NinjaAPI(urls_namespace="test_schemas_atomic")
    local_api.add_router("/", local)
    paths = local_api.get_openapi_schema(path_prefix="")["paths"]
    assert "/tickets/" in paths and not any(p.startswith("/mine") for p in paths)


def Ticket_model():
    return Ticket


def test_components_hold_only_what_an_operation_uses():
    """The example's document: no filter schema or paginator ``Input`` left unreferenced."""
    import json

    from library.api import api as example_api

    doc = example_api.get_openapi_schema(path_prefix="")
    components = doc["components"]["schemas"]
    text = json.dumps({k: v for k, v in doc.items() if k != "components"})
    referenced = set()
    pending = [name for name in components if f'"#/components/schemas/{name}"' in text]
    while pending:  # follow refs between components too
        name = pending.pop()
        if name in referenced:
            continue
        referenced.add(name)
        inner = json.dumps(components[name])
        pending += [n for n in components if f'"#/components/schemas/{n}"' in inner]
    assert set(components) == referenced, set(components) - referenced
    assert "BookFilter" not in components and "Input" not in components
    params = {p["name"] for p in doc["paths"]["/books/"]["get"]["parameters"]}
    assert {"year_min", "year_max", "tag", "page", "page_size"} <= params
