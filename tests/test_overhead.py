"""What a request costs beyond its work: thread hops as a hand-written Ninja function takes
them, and policies that can only say yes compiled away (resolved once per operation, again
when the settings or the viewset's policy attributes change).

Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.shortcuts import aget_object_or_404
from django.urls import path
from ninja import NinjaAPI, PatchDict, Router, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet
from ninja_viewsets._compat import respond
from ninja_viewsets.exceptions import PreconditionFailed
from ninja_viewsets.filters import BaseFilterBackend, OrderingFilter, SearchFilter
from ninja_viewsets.permissions import AllowAny, BasePermission, IsAuthenticated
from tests.testapp.models import Author, Book


class AuthorIn(Schema):
    name: str


class AuthorOut(Schema):
    id: int
    name: str


class AuthorViewSet(ModelViewSet):
    queryset = Author.objects.order_by("id")
    input_schema = AuthorIn
    output_schema = AuthorOut


class BookIn(Schema):
    title: str
    author_id: int


class BookOut(Schema):
    id: int
    title: str
    author: AuthorOut  # nested: read again with its author after a write


class BookViewSet(ModelViewSet):
    queryset = Book.objects.order_by("id")
    input_schema = BookIn
    output_schema = BookOut


class TaggedAuthorViewSet(AuthorViewSet):
    """ETags on: a write without ``If-Match`` checks nothing, so it hops as one without."""

    optimistic_concurrency = True


class TagOut(Schema):
    id: int
    name: str


class TaggedBookOut(BookOut):
    tags: list[TagOut]  # prefetched: the reload after a write reads the database


class StampedBookViewSet(BookViewSet):
    """DRF's ``serializer.save(year=...)`` habit: a hook of the user's around the library's
    write, then the library's reload, 201 and COMMIT (one hop)."""

    output_schema = TaggedBookOut
    refuse_headers = False

    async def perform_create(self, data: Any) -> None:
        await super().perform_create(data, year=1999)

    def get_success_headers(self, instance: Any) -> dict[str, str]:
        if self.refuse_headers:  # after the INSERT, inside the transaction: undone
            raise PreconditionFailed("refused after the write")
        return super().get_success_headers(instance)


class RequiresIfMatch(AuthorViewSet):
    """A precondition of the user's (no ETags): checked between the read and the write."""

    def check_preconditions(self, instance: Any) -> None:
        if "If-Match" not in self.request.headers:
            raise PreconditionFailed("Send If-Match.")


CREATED: list[str] = []


class Counted(BasePermission):
    """Grants everything with BasePermission's own hooks: never needs to run."""

    def __init__(self) -> None:
        CREATED.append("counted")


class ObjectOnly(BasePermission):
    """Only an object check: nothing to ask before the action."""

    def __init__(self) -> None:
        CREATED.append("object-only")

    async def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return obj.name != "hidden"


class CountedViewSet(AuthorViewSet):
    permission_classes = [AllowAny, Counted, ObjectOnly]


class Denied(BasePermission):
    message = "Never."

    async def has_permission(self, request: Any, view: Any) -> bool:
        return False


class PerActionViewSet(AuthorViewSet):
    """DRF's hook, branching on the action: called per request."""

    def get_permissions(self) -> list[BasePermission]:
        if self.action == "destroy":
            return [Denied()]
        return super().get_permissions()


class HideSecrets(BaseFilterBackend):
    """A backend of the user's: it narrows detail lookups too (DRF's behaviour)."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        return queryset.exclude(name__startswith="secret")


class FilteredViewSet(AuthorViewSet):
    filter_backends = [SearchFilter, HideSecrets, OrderingFilter]


# -- the same resource, hand-written in Ninja (loading the user, as a viewset does) ----------

reference = Router()


@reference.get("/authors/{author_id}/", response=AuthorOut)
async def retrieve_author(request, author_id: int):
    await request.auser()
    return await aget_object_or_404(Author, pk=author_id)


@reference.post("/authors/", response={201: AuthorOut})
async def create_author(request, payload: AuthorIn):
    await request.auser()
    return respond(201, await Author.objects.acreate(**payload.model_dump()))


@reference.patch("/authors/{author_id}/", response=AuthorOut)
async def partial_update_author(request, author_id: int, payload: PatchDict[AuthorIn]):
    await request.auser()
    author = await aget_object_or_404(Author, pk=author_id)
    for attr, value in payload.items():
        setattr(author, attr, value)
    await author.asave(update_fields=list(payload))
    return author


@reference.post("/books/", response={201: BookOut})
async def create_book(request, payload: BookIn):
    await request.auser()
    book = await Book.objects.acreate(**payload.model_dump())
    return respond(201, await Book.objects.select_related("author").aget(pk=book.pk))


@reference.patch("/books/{book_id}/", response=BookOut)
async def partial_update_book(request, book_id: int, payload: PatchDict[BookIn]):
    await request.auser()
    book = await aget_object_or_404(Book.objects.select_related("author"), pk=book_id)
    for attr, value in payload.items():
        setattr(book, attr, value)
    await book.asave(update_fields=list(payload))
    if "author_id" in payload:
        book = await Book.objects.select_related("author").aget(pk=book.pk)
    return book


@reference.delete("/authors/{author_id}/", response={204: None})
async def destroy_author(request, author_id: int):
    await request.auser()
    author = await aget_object_or_404(Author, pk=author_id)
    await author.adelete()
    return respond(204, None)


router = DefaultRouter()
router.register("authors", AuthorViewSet)
router.register("books", BookViewSet)
router.register("counted", CountedViewSet, basename="counted")
router.register("tagged", TaggedAuthorViewSet, basename="tagged")
router.register("stamped", StampedBookViewSet, basename="stamped")
router.register("requires-if-match", RequiresIfMatch, basename="requires-if-match")
router.register("per-action", PerActionViewSet, basename="per-action")
router.register("filtered", FilteredViewSet, basename="filtered")
api = NinjaAPI(urls_namespace="overhead")
api.add_router("/", router)
ref_api = NinjaAPI(urls_namespace="overhead-ref")
ref_api.add_router("/", reference)
urlpatterns = [path("api/", api.urls), path("ref/", ref_api.urls)]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db(transaction=True)]


def test_the_standard_actions_hop_as_often_as_hand_written_ninja(client, count_hops):
    """Retrieve, create: the viewset (its write and response in one transaction) takes the
    thread hops of the bare async ORM calls; partial update and destroy one fewer (the read and
    the UPDATE or DELETE in one hop, where the reference awaits aget() then asave() or
    adelete())."""
    counts: dict[str, list[int]] = {}
    for prefix in ("api", "ref"):
        with count_hops() as created:
            r = client.post(f"/{prefix}/authors/", {"name": f"{prefix}-new"})
        assert r.status_code == 201, r
        pk = r.json()["id"]
        with count_hops() as retrieved:
            assert client.get(f"/{prefix}/authors/{pk}/").json()["name"] == f"{prefix}-new"
        with count_hops() as updated:
            r = client.patch(f"/{prefix}/authors/{pk}/", {"name": f"{prefix}-renamed"})
        assert r.json() == {"id": pk, "name": f"{prefix}-renamed"}
        with count_hops() as destroyed:
            assert client.delete(f"/{prefix}/authors/{pk}/").status_code == 204
        assert not Author.objects.filter(pk=pk).exists()
        counts[prefix] = [created[0], retrieved[0], updated[0], destroyed[0]]
    api_counts, ref_counts = counts["api"], counts["ref"]
    assert api_counts[:2] == ref_counts[:2], counts
    assert api_counts[2:] == [ref_counts[2] - 1, ref_counts[3] - 1], counts
    assert all(n >= 1 for n in counts["ref"]), counts


def test_a_nested_relation_is_read_again_in_the_write_hop(client, count_hops):
    """Create and update answer the author nested: loaded in the write's own hop (the
    reference reads it in one more), the same JSON; the update's read of the book shares that
    hop too."""
    first, second = Author.objects.create(name="first"), Author.objects.create(name="second")
    counts: dict[str, list[int]] = {}
    for prefix in ("api", "ref"):
        with count_hops() as created:
            r = client.post(f"/{prefix}/books/", {"title": "t", "author_id": first.pk})
        assert r.status_code == 201, r
        book = r.json()
        assert book == {"id": book["id"], "title": "t", "author": {"id": first.pk, "name": "first"}}
        with count_hops() as renamed:
            r = client.patch(f"/{prefix}/books/{book['id']}/", {"title": "u"})
        assert r.json()["title"] == "u" and r.json()["author"]["name"] == "first", r
        with count_hops() as moved:  # a changed foreign key: its object is read again
            r = client.patch(f"/{prefix}/books/{book['id']}/", {"author_id": second.pk})
        assert r.json()["author"] == {"id": second.pk, "name": "second"}, r
        counts[prefix] = [created[0], renamed[0], moved[0]]
    assert counts["api"][0] == counts["ref"][0] - 1, counts
    assert counts["api"][1] == counts["ref"][1] - 1, counts
    assert counts["api"][2] == counts["ref"][2] - 2, counts


def test_etags_cost_a_write_without_if_match_no_hop(client, count_hops):
    """With ETags on, a PATCH or DELETE that sends no ``If-Match`` has nothing to check under a
    lock: the read and the write share one hop, as without ETags; the PATCH still answers the
    new version's ETag, the one a GET then gives. With ``If-Match`` the lock and the check
    stay (a stale tag: 412, nothing written)."""
    counts: dict[str, list[int]] = {}
    for prefix in ("authors", "tagged"):
        pk = Author.objects.create(name=f"{prefix}-a").pk
        with count_hops() as updated:
            r = client.patch(f"/api/{prefix}/{pk}/", {"name": f"{prefix}-b"})
        assert r.status_code == 200 and r.json()["name"] == f"{prefix}-b", r
        if prefix == "tagged":
            assert r.headers["ETag"] == client.get(f"/api/{prefix}/{pk}/").headers["ETag"]
        with count_hops() as destroyed:
            assert client.delete(f"/api/{prefix}/{pk}/").status_code == 204
        counts[prefix] = [updated[0], destroyed[0]]
    assert counts["tagged"] == counts["authors"], counts
    pk = Author.objects.create(name="kept").pk
    etag = client.get(f"/api/tagged/{pk}/").headers["ETag"]
    r = client.patch(f"/api/tagged/{pk}/", {"name": "x"}, headers={"If-Match": '"stale"'})
    assert r.status_code == 412, r
    r = client.delete(f"/api/tagged/{pk}/", headers={"If-Match": '"stale"'})
    assert r.status_code == 412, r
    assert Author.objects.get(pk=pk).name == "kept"
    r = client.patch(f"/api/tagged/{pk}/", {"name": "y"}, headers={"If-Match": etag})
    assert r.status_code == 200 and r.headers["ETag"] != etag, r


def test_a_users_check_preconditions_runs_before_the_write(client):
    author = Author.objects.create(name="kept")
    r = client.patch(f"/api/requires-if-match/{author.pk}/", {"name": "changed"})
    assert r.status_code == 412 and r.json()["detail"] == "Send If-Match.", r
    assert client.delete(f"/api/requires-if-match/{author.pk}/").status_code == 412
    assert Author.objects.get(pk=author.pk).name == "kept"
    r = client.patch(
        f"/api/requires-if-match/{author.pk}/", {"name": "changed"}, headers={"If-Match": "*"}
    )
    assert r.status_code == 200 and r.json()["name"] == "changed", r


def test_after_a_users_perform_create_the_reload_and_commit_share_a_hop(
    client, count_hops, monkeypatch
):
    """The hook's own ``super().perform_create(data, year=...)`` hop, then one for the reload
    of the new row, its 201 and the COMMIT: one fewer than a reload, then a COMMIT. An error
    after the INSERT (here in ``get_success_headers()``) still undoes it."""
    author = Author.objects.create(name="writer")
    with count_hops() as plain:  # the library's own create: one hop (no reload: it has the author)
        r = client.post("/api/books/", {"title": "plain", "author_id": author.pk})
    assert r.status_code == 201, r
    with count_hops() as hooked:
        r = client.post("/api/stamped/", {"title": "stamped", "author_id": author.pk})
    assert r.status_code == 201, r
    body = r.json()
    assert body == {
        "id": body["id"],
        "title": "stamped",
        "author": {"id": author.pk, "name": "writer"},
        "tags": [],
    }
    assert r.headers["Location"].endswith(f"/api/stamped/{body['id']}/")
    assert Book.objects.get(pk=body["id"]).year == 1999
    # the hook's: BEGIN, its write, then the reload (tags), the 201 and the COMMIT in one
    assert hooked[0] - plain[0] == 2, (plain[0], hooked[0])
    monkeypatch.setattr(StampedBookViewSet, "refuse_headers", True)
    r = client.post("/api/stamped/", {"title": "undone", "author_id": author.pk})
    assert r.status_code == 412, r
    assert not Book.objects.filter(title="undone").exists()


def test_permissions_that_can_only_say_yes_are_never_built(client):
    author = Author.objects.create(name="seen")
    hidden = Author.objects.create(name="hidden")
    CREATED.clear()
    assert client.get("/api/counted/").status_code == 200
    assert CREATED == []  # a list: no object, so no permission at all
    assert client.get(f"/api/counted/{author.pk}/").status_code == 200
    assert CREATED == ["object-only"]  # once, for the object check
    r = client.get(f"/api/counted/{hidden.pk}/")
    assert r.status_code == 401, r  # refused, anonymous: DRF's 401
    assert CREATED == ["object-only", "object-only"]


def test_a_settings_change_is_seen_by_the_next_request(client, settings):
    author = Author.objects.create(name="a")
    assert client.get(f"/api/authors/{author.pk}/").status_code == 200
    settings.NINJA_VIEWSETS = {
        "DEFAULT_PERMISSION_CLASSES": ["ninja_viewsets.permissions.IsAuthenticated"]
    }
    r = client.get(f"/api/authors/{author.pk}/")
    assert r.status_code == 401, r
    settings.NINJA_VIEWSETS = {}
    assert client.get(f"/api/authors/{author.pk}/").status_code == 200


def test_a_policy_attribute_given_another_value_is_seen(client, monkeypatch, user):
    author = Author.objects.create(name="a")
    assert client.get(f"/api/authors/{author.pk}/").status_code == 200
    monkeypatch.setattr(AuthorViewSet, "permission_classes", [IsAuthenticated])
    assert client.get(f"/api/authors/{author.pk}/").status_code == 401
    client.force_login(user)
    assert client.get(f"/api/authors/{author.pk}/").status_code == 200
    monkeypatch.setattr(AuthorViewSet, "permission_classes", [Denied])
    r = client.get(f"/api/authors/{author.pk}/")
    assert r.status_code == 403 and r.json()["detail"] == "Never.", r
    monkeypatch.undo()
    assert client.get(f"/api/authors/{author.pk}/").status_code == 200


def test_an_overridden_get_permissions_decides_per_request(client, user):
    author = Author.objects.create(name="a")
    assert client.get(f"/api/per-action/{author.pk}/").status_code == 200
    client.force_login(user)
    r = client.delete(f"/api/per-action/{author.pk}/")
    assert r.status_code == 403, r
    assert r.json()["detail"] == "Never."
    assert Author.objects.filter(pk=author.pk).exists()


def test_a_users_filter_backend_still_narrows_a_detail_lookup(client):
    shown = Author.objects.create(name="shown")
    secret = Author.objects.create(name="secret agent")
    assert client.get(f"/api/filtered/{shown.pk}/").status_code == 200
    assert client.get(f"/api/filtered/{secret.pk}/").status_code == 404
    assert [a["id"] for a in client.get("/api/filtered/").json()] == [shown.pk]
