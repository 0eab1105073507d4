"""GenericAPIView: get_queryset, get_object, lookups, derived schemas, configuration errors."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.urls import path
from ninja import Field, NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, GenericViewSet, ModelViewSet, SimpleRouter, mixins
from ninja_viewsets.pagination import MAX_OFFSET, LimitOffsetPagination, PageNumberPagination
from ninja_viewsets.permissions import IsAuthenticated
from tests.testapp.models import Account, Author, Book, Document, Tag

QUERYSET_FIX = "either include a `queryset` attribute, or override the `get_queryset()` method"


class AccountOut(Schema):
    id: int
    name: str
    balance: int
    owner_id: int


class AccountIn(Schema):
    name: str
    balance: int = 0


class DocOut(Schema):
    id: int
    uid: uuid.UUID
    slug: str
    body: str


class DocIn(Schema):
    slug: str
    body: str = ""


class TitleOnlyPatch(Schema):
    title: str = Field(None, max_length=5)


class AccountViewSet(ModelViewSet):
    """Every request sees only the accounts of its user."""

    queryset = Account.objects.all()
    output_schema = AccountOut
    input_schema = AccountIn
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return super().get_queryset().filter(owner=self.request.user)

    async def perform_create(self, data):
        return await Account.objects.acreate(owner=self.request.user, **data.model_dump())


class SlugDocs(ModelViewSet):
    queryset = Document.objects.all()
    output_schema = DocOut
    input_schema = DocIn
    lookup_field = "slug"


class UidDocs(ModelViewSet):
    queryset = Document.objects.all()
    output_schema = DocOut
    input_schema = DocIn
    lookup_field = "uid"


class KwargDocs(ModelViewSet):
    queryset = Document.objects.all()
    output_schema = DocOut
    input_schema = DocIn
    lookup_field = "slug"
    lookup_url_kwarg = "document_slug"


class DerivedBooks(ModelViewSet):
    """No schemas at all: every one is derived from the model."""

    queryset = Book.objects.all()


class ExplicitPatchBooks(ModelViewSet):
    queryset = Book.objects.all()
    patch_schema = TitleOnlyPatch


class NoQuerysetWithSchemas(ModelViewSet):
    output_schema = AccountOut
    input_schema = AccountIn


class GetQuerysetOnly(ModelViewSet):
    """No ``queryset`` attribute: ``get_queryset()`` alone, usable without a request."""

    def get_queryset(self):
        return Tag.objects.order_by("name")


class TagOut(Schema):
    id: int
    name: str


class PagedTags(mixins.ListModelMixin, GenericViewSet):
    queryset = Tag.objects.order_by("name")
    output_schema = TagOut
    pagination_class = PageNumberPagination


class OffsetTags(PagedTags):
    pagination_class = LimitOffsetPagination


class NotAFieldIn(Schema):
    name: str
    nickname: str


class NotAFieldAuthors(ModelViewSet):
    queryset = Author.objects.all()
    input_schema = NotAFieldIn


router = DefaultRouter()
router.register("accounts", AccountViewSet)
router.register("slugdocs", SlugDocs, basename="slugdoc")
router.register("uiddocs", UidDocs, basename="uiddoc")
router.register("kwargdocs", KwargDocs, basename="kwargdoc")
router.register("noqs", NoQuerysetWithSchemas, basename="noqs")
router.register("tags", GetQuerysetOnly, basename="tag")
router.register("notafield", NotAFieldAuthors, basename="notafield")
router.register("paged-tags", PagedTags, basename="paged-tag")
router.register("offset-tags", OffsetTags, basename="offset-tag")
api = NinjaAPI(urls_namespace="test_generics")
api.add_router("/", router)

derived_router = SimpleRouter()
derived_router.register("books", DerivedBooks)
derived_api = NinjaAPI(urls_namespace="test_generics_derived")
derived_api.add_router("/", derived_router)

patch_router = SimpleRouter()
patch_router.register("books", ExplicitPatchBooks)
patch_api = NinjaAPI(urls_namespace="test_generics_patch")
patch_api.add_router("/", patch_router)

urlpatterns = [
    path("api/", api.urls),
    path("derived/", derived_api.urls),
    path("patch/", patch_api.urls),
]
pytestmark = pytest.mark.urls(__name__)

NO_ACCOUNT = "No Account matches the given query."
NO_DOCUMENT = "No Document matches the given query."


# -- get_queryset scoped to the request -------------------------------------------------------


@pytest.fixture
def accounts(user):
    bob = User.objects.create_user("bob", password="pw")
    mine = Account.objects.create(owner=user, name="mine", balance=10)
    theirs = Account.objects.create(owner=bob, name="theirs", balance=20)
    return mine, theirs


def test_get_queryset_scopes_list(client, user, accounts):
    mine, _ = accounts
    client.force_login(user)
    r = client.get("/api/accounts/")
    assert r.status_code == 200, r
    assert r.json() == [{"id": mine.pk, "name": "mine", "balance": 10, "owner_id": user.pk}]


def test_get_queryset_scopes_retrieve(client, user, accounts):
    mine, theirs = accounts
    client.force_login(user)
    assert client.get(f"/api/accounts/{mine.pk}/").status_code == 200
    r = client.get(f"/api/accounts/{theirs.pk}/")
    assert r.status_code == 404, r
    assert r.json()["detail"] == NO_ACCOUNT


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_get_queryset_scopes_writes(client, user, accounts, method):
    _, theirs = accounts
    client.force_login(user)
    kwargs = {} if method == "delete" else {"json": {"name": "stolen", "balance": 0}}
    r = getattr(client, method)(f"/api/accounts/{theirs.pk}/", **kwargs)
    assert r.status_code == 404, r
    assert r.json()["detail"] == NO_ACCOUNT
    theirs.refresh_from_db()
    assert (theirs.name, theirs.balance) == ("theirs", 20)


def test_get_queryset_scoped_writes_on_own_object(client, user, accounts):
    mine, _ = accounts
    client.force_login(user)
    r = client.patch(f"/api/accounts/{mine.pk}/", {"balance": 11})
    assert r.status_code == 200, r
    assert r.json()["balance"] == 11
    r = client.delete(f"/api/accounts/{mine.pk}/")
    assert r.status_code == 204, r
    assert list(Account.objects.values_list("name", flat=True)) == ["theirs"]


def test_get_queryset_is_reevaluated_per_request(client, user, accounts):
    client.force_login(user)
    assert len(client.get("/api/accounts/").json()) == 1
    Account.objects.create(owner=user, name="second")
    assert len(client.get("/api/accounts/").json()) == 2


def test_get_queryset_without_queryset_attribute(client, db):
    Tag.objects.create(name="b")
    Tag.objects.create(name="a")
    r = client.get("/api/tags/")
    assert r.status_code == 200, r
    assert [t["name"] for t in r.json()] == ["a", "b"]
    r = client.post("/api/tags/", {"name": "c"})
    assert r.status_code == 201, r
    assert Tag.objects.filter(name="c").exists()


# -- lookups ----------------------------------------------------------------------------------


@pytest.fixture
def doc(db):
    return Document.objects.create(slug="hello", body="world")


def doc_json(d: Document) -> dict:
    return {"id": d.pk, "uid": str(d.uid), "slug": d.slug, "body": d.body}


def test_lookup_field_slug(client, doc):
    r = client.get("/api/slugdocs/hello/")
    assert r.status_code == 200, r
    assert r.json() == doc_json(doc)
    r = client.get(f"/api/slugdocs/{doc.pk}/")  # the pk is not the lookup
    assert r.status_code == 404, r
    assert r.json()["detail"] == NO_DOCUMENT
    r = client.patch("/api/slugdocs/hello/", {"body": "changed"})
    assert r.status_code == 200, r
    doc.refresh_from_db()
    assert doc.body == "changed"
    r = client.put("/api/slugdocs/hello/", {"slug": "renamed", "body": "x"})
    assert r.status_code == 200, r
    assert client.get("/api/slugdocs/hello/").status_code == 404
    assert client.delete("/api/slugdocs/renamed/").status_code == 204
    assert not Document.objects.exists()


def test_lookup_field_uuid(client, doc):
    r = client.get(f"/api/uiddocs/{doc.uid}/")
    assert r.status_code == 200, r
    assert r.json() == doc_json(doc)
    r = client.get(f"/api/uiddocs/{uuid.uuid4()}/")
    assert r.status_code == 404, r
    assert r.json()["detail"] == NO_DOCUMENT
    r = client.patch(f"/api/uiddocs/{doc.uid}/", {"body": "b2"})
    assert r.status_code == 200 and r.json()["body"] == "b2", r
    assert client.delete(f"/api/uiddocs/{doc.uid}/").status_code == 204
    assert not Document.objects.exists()


def test_lookup_field_uuid_malformed_is_client_error(client, doc):
    for method in ("get", "patch", "delete"):
        kwargs = {"json": {"body": "x"}} if method == "patch" else {}
        r = getattr(client, method)("/api/uiddocs/not-a-uuid/", **kwargs)
        assert r.status_code in (404, 422), (method, r)
    doc.refresh_from_db()
    assert doc.body == "world"


def test_lookup_path_parameter_types_in_openapi():
    paths = api.get_openapi_schema()["paths"]

    def param(url: str, name: str) -> dict:
        op = paths[url]["get"]
        return next(p for p in op["parameters"] if p["name"] == name)

    uid_schema = param("/api/uiddocs/{uid}/", "uid")["schema"]
    assert (uid_schema["type"], uid_schema["format"]) == ("string", "uuid")
    assert param("/api/slugdocs/{slug}/", "slug")["schema"]["type"] == "string"
    assert param("/api/accounts/{pk}/", "pk")["schema"]["type"] == "integer"


def test_lookup_url_kwarg(client, doc):
    assert "/api/kwargdocs/{document_slug}/" in api.get_openapi_schema()["paths"]
    r = client.get("/api/kwargdocs/hello/")
    assert r.status_code == 200, r
    assert r.json() == doc_json(doc)
    r = client.patch("/api/kwargdocs/hello/", {"body": "via kwarg"})
    assert r.status_code == 200, r
    doc.refresh_from_db()
    assert doc.body == "via kwarg"
    assert client.get("/api/kwargdocs/nope/").status_code == 404


# -- configuration errors name the fix --------------------------------------------------------


def test_missing_queryset_without_schemas_fails_at_register():
    class NoQueryset(ModelViewSet):
        pass

    r = SimpleRouter()
    with pytest.raises(ImproperlyConfigured) as info:
        r.register("things", NoQueryset, basename="thing")
    message = str(info.value)
    assert "NoQueryset" in message
    assert QUERYSET_FIX in message, message


def test_missing_queryset_without_basename_fails_at_register():
    class NoQueryset(ModelViewSet):
        output_schema = AccountOut
        input_schema = AccountIn

    with pytest.raises(ImproperlyConfigured, match="basename"):
        SimpleRouter().register("things", NoQueryset)


def logged_error(caplog: pytest.LogCaptureFixture) -> BaseException:
    """The exception the viewset logged with its JSON 500 (DEBUG off)."""
    record = next(r for r in caplog.records if r.name == "ninja_viewsets" and r.exc_info)
    assert record.levelname == "ERROR"
    assert record.exc_info is not None and record.exc_info[1] is not None
    return record.exc_info[1]


def test_missing_queryset_with_schemas_fails_on_request(client, db, caplog):
    r = client.get("/api/noqs/")
    assert r.status_code == 500
    assert r.json() == {"detail": "A server error occurred.", "code": "server_error"}
    error = logged_error(caplog)
    assert isinstance(error, ImproperlyConfigured)
    assert QUERYSET_FIX in str(error) and "NoQuerysetWithSchemas" in str(error)
    caplog.clear()
    assert client.get("/api/noqs/1/").status_code == 500
    assert "get_queryset" in str(logged_error(caplog))


def test_input_field_that_is_not_a_model_field_names_the_fix(client, db, caplog):
    r = client.post("/api/notafield/", {"name": "a", "nickname": "b"})
    assert r.status_code == 500
    error = logged_error(caplog)
    assert isinstance(error, ImproperlyConfigured)
    assert "nickname" in str(error) and "perform_create()" in str(error)
    assert not Author.objects.exists()


# -- derived schemas --------------------------------------------------------------------------


def component(the_api: NinjaAPI, name: str) -> dict:
    return the_api.get_openapi_schema()["components"]["schemas"][name]


def body_ref(the_api: NinjaAPI, url: str, method: str) -> str:
    op = the_api.get_openapi_schema()["paths"][url][method]
    return op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]


def response_ref(the_api: NinjaAPI, url: str, method: str, status: int = 200) -> str:
    op = the_api.get_openapi_schema()["paths"][url][method]
    return op["responses"][status]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[
        -1
    ]


def test_derived_output_schema_has_every_field():
    out = component(derived_api, response_ref(derived_api, "/derived/books/{pk}/", "get"))
    assert set(out["properties"]) == {"id", "title", "year", "author", "tags", "created"}


def test_derived_input_schema_has_editable_fields_only():
    ref = body_ref(derived_api, "/derived/books/", "post")
    assert ref == body_ref(derived_api, "/derived/books/{pk}/", "put")
    schema = component(derived_api, ref)
    props = set(schema["properties"])
    assert "id" not in props and "created" not in props
    assert {"title", "year", "tags"} <= props
    assert props - {"title", "year", "tags"} in ({"author"}, {"author_id"})
    assert "title" in schema["required"]
    assert "tags" not in schema.get("required", [])  # blank=True
    assert "year" not in schema.get("required", [])  # has a default


def test_derived_patch_schema_every_field_optional():
    ref = body_ref(derived_api, "/derived/books/{pk}/", "patch")
    assert ref != body_ref(derived_api, "/derived/books/{pk}/", "put")
    schema = component(derived_api, ref)
    put_schema = component(derived_api, body_ref(derived_api, "/derived/books/{pk}/", "put"))
    assert set(schema["properties"]) == set(put_schema["properties"])
    assert not schema.get("required")


def author_key() -> str:
    ref = body_ref(derived_api, "/derived/books/", "post")
    return "author_id" if "author_id" in component(derived_api, ref)["properties"] else "author"


def test_derived_schemas_by_request(client, db):
    a = Author.objects.create(name="A")
    t = Tag.objects.create(name="t")
    r = client.post(
        "/derived/books/",
        {
            "title": "T",
            author_key(): a.pk,
            "tags": [t.pk],
            "id": 999,
            "created": "1990-01-01T00:00:00Z",
        },
    )
    assert r.status_code == 201, r
    b = Book.objects.get()
    assert b.pk != 999 and b.created.year != 1990 and b.year == 2000
    assert list(b.tags.all()) == [t]
    body = r.json()
    assert set(body) == {"id", "title", "year", "author", "tags", "created"}
    assert body["id"] == b.pk and body["title"] == "T" and body["tags"] == [t.pk]
    assert body["author"] == a.pk

    r = client.get(f"/derived/books/{b.pk}/")
    assert r.status_code == 200 and r.json() == body, r

    r = client.patch(f"/derived/books/{b.pk}/", {"year": 1999})
    assert r.status_code == 200, r
    b.refresh_from_db()
    assert (b.title, b.year, b.author_id) == ("T", 1999, a.pk)
    assert list(b.tags.all()) == [t]

    r = client.put(f"/derived/books/{b.pk}/", {"year": 1998, author_key(): a.pk})
    assert r.status_code == 422, r  # PUT requires the title
    b.refresh_from_db()
    assert b.year == 1999

    r = client.post("/derived/books/", {author_key(): a.pk})
    assert r.status_code == 422, r
    assert Book.objects.count() == 1


def test_explicit_patch_schema_is_used(client, db):
    assert component(patch_api, body_ref(patch_api, "/patch/books/{pk}/", "patch")) == (
        component(patch_api, "TitleOnlyPatch")
    )
    a = Author.objects.create(name="A")
    b = Book.objects.create(title="Old", year=1990, author=a)
    r = client.patch(f"/patch/books/{b.pk}/", {"title": "New", "year": 1234})
    assert r.status_code == 200, r
    b.refresh_from_db()
    assert (b.title, b.year) == ("New", 1990)  # year is not in the patch schema
    r = client.patch(f"/patch/books/{b.pk}/", {"title": "Too long"})
    assert r.status_code == 422, r  # its own constraint
    b.refresh_from_db()
    assert b.title == "New"


@pytest.mark.parametrize("body", ["[]", "[null, null]", '"title"', "1", "null"])
def test_patch_body_must_be_an_object(client, db, body):
    """Regression (found by `make fuzz`): every field being optional, any JSON passed as {}."""
    book = Book.objects.create(title="T", author=Author.objects.create(name="A"))
    r = client.patch(f"/derived/books/{book.pk}/", data=body)
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["msg"] == "Input should be an object"
    assert client.patch(f"/derived/books/{book.pk}/", data="{}").status_code == 200


def test_derived_patch_schema_keeps_constraints(client, db):
    """The derived patch schema is the input schema made optional: constraints still apply."""

    class ConstrainedIn(Schema):
        name: str = Field(..., max_length=3)
        balance: int = Field(0, ge=0)

    class Constrained(mixins.UpdateModelMixin, GenericViewSet):
        queryset = Account.objects.all()
        output_schema = AccountOut
        input_schema = ConstrainedIn

    view = Constrained()
    patch = view.get_patch_schema()
    assert patch.model_validate({}).model_dump(exclude_unset=True) == {}
    with pytest.raises(ValueError):
        patch.model_validate({"name": "toolong"})
    with pytest.raises(ValueError):
        patch.model_validate({"balance": -1})
    with pytest.raises(ValueError):
        patch.model_validate({"name": None})


# -- pagination positions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("paged-tags/?page=100000000000000000000", "page"),
        ("paged-tags/?page=1000000000000000000&page_size=20", "page"),
        (f"offset-tags/?offset={MAX_OFFSET}", "offset"),
    ],
)
def test_position_past_any_row_is_422(client, db, query, name):
    """Regression (found by `make fuzz`): the OFFSET reached the database (409 or 500)."""
    r = client.get(f"/api/{query}")
    assert r.status_code == 422, r
    assert r.json()["detail"][0]["loc"] == ["query", name]


def test_far_position_within_range_is_an_empty_page(client, db):
    Tag.objects.create(name="t")
    assert client.get("/api/paged-tags/?page=1000").json() == {"items": [], "count": 1}
    r = client.get("/api/offset-tags/?offset=1000000000000")
    assert r.json() == {"items": [], "count": 1}
