"""A write request and its response are one transaction: an error answer leaves no trace.

Runs on SQLite and, with DATABASE_URL, on PostgreSQL. Each failure happens after the write: in
the action, in a perform_* hook, or while the response is rendered.
"""

from __future__ import annotations

import contextvars
import logging

import pytest
from asgiref.sync import SyncToAsync
from django.db import OperationalError, connection
from django.db.models.signals import post_save
from django.urls import path
from ninja import NinjaAPI, Schema

from ninja_viewsets import DefaultRouter, ModelViewSet, action
from ninja_viewsets._compat import respond
from ninja_viewsets.exceptions import Conflict
from tests.testapp.models import Author, Tag


class TagIn(Schema):
    name: str


class TagOut(Schema):
    id: int
    name: str


class ExplodingOut(Schema):
    """Rendering fails for one name: the write before it must be undone."""

    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Tag) -> str:
        if obj.name.startswith("boom"):
            raise ValueError("cannot render this tag")
        return obj.name


class TagViewSet(ModelViewSet):
    queryset = Tag.objects.order_by("id")
    input_schema = TagIn
    output_schema = TagOut

    async def perform_create(self, data: TagIn):
        tag = await super().perform_create(data)
        if data.name == "hook-500":
            raise RuntimeError("the hook failed after saving")
        if data.name == "hook-409":
            raise Conflict("refused after saving")
        return tag

    async def perform_update(self, instance: Tag, data: TagIn):
        tag = await super().perform_update(instance, data)
        if tag.name == "hook-500":
            raise RuntimeError("the hook failed after saving")
        return tag

    async def perform_destroy(self, instance: Tag) -> None:
        await super().perform_destroy(instance)
        if instance.name == "keep":
            raise Conflict("this tag cannot go")

    @action(detail=False, methods=["post"])
    async def bulk(self, request, payload: list[TagIn]) -> list[TagOut]:
        """Writes every tag; answers 400 (and writes nothing) when one of them is refused."""
        tags = [await Tag.objects.acreate(name=item.name) for item in payload]
        if any(t.name == "refused" for t in tags):
            return respond(400, {"detail": "one tag was refused"})
        return tags


class RenderingViewSet(ModelViewSet):
    queryset = Tag.objects.order_by("id")
    input_schema = TagIn
    output_schema = ExplodingOut


class NonAtomicViewSet(ModelViewSet):
    """Opted out: each statement commits on its own."""

    queryset = Tag.objects.order_by("id")
    input_schema = TagIn
    output_schema = TagOut
    atomic_writes = False

    async def perform_create(self, data: TagIn):
        await super().perform_create(data)
        raise RuntimeError("after the write")


ATTEMPTS: list[str] = []


class SerializationFailure(OperationalError):
    sqlstate = "40001"


class RetriedViewSet(ModelViewSet):
    """The first attempt loses a serialization race; the second one succeeds."""

    queryset = Tag.objects.order_by("id")
    input_schema = TagIn
    output_schema = TagOut

    async def perform_create(self, data: TagIn):
        tag = await super().perform_create(data)
        ATTEMPTS.append(data.name)
        if data.name == "always" or len(ATTEMPTS) == 1:
            raise SerializationFailure("could not serialize access due to concurrent update")
        return tag


class DrfStyleViewSet(ModelViewSet):
    """Hooks written DRF's way: they save and return nothing."""

    queryset = Author.objects.order_by("id")
    input_schema = TagIn
    output_schema = TagOut

    async def perform_create(self, data: TagIn) -> None:
        await super().perform_create(data, name=data.name.upper())  # serializer.save(name=...)

    async def perform_update(self, instance: Author, data: TagIn) -> None:
        instance.name = f"{data.name}!"
        await instance.asave()


class ForgetfulViewSet(ModelViewSet):
    """A hook that saves by itself and forgets to return the object."""

    queryset = Author.objects.order_by("id")
    input_schema = TagIn
    output_schema = TagOut

    async def perform_create(self, data: TagIn) -> None:
        await Author.objects.acreate(name=data.name)


_hops: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("hops", default=None)
HOPS: list[int] = []  # sync_to_async hops of each request served by a Counted viewset


class CountedViewSet(ModelViewSet):
    """The library's own actions, their thread hops counted (as the benchmark's counter)."""

    queryset = Tag.objects.order_by("id")
    input_schema = TagIn
    output_schema = TagOut

    async def run(self, request, spec, params):
        counter = [0]
        token = _hops.set(counter)
        try:
            return await super().run(request, spec, params)
        finally:
            _hops.reset(token)
            HOPS.append(counter[0])


class CountedRenderingViewSet(CountedViewSet):
    output_schema = ExplodingOut


class CountedHookViewSet(CountedViewSet):
    """A user's async hook: the transaction is begun before it and committed after."""

    async def perform_create(self, data: TagIn):
        tag = await Tag.objects.acreate(name=data.name)
        if data.name == "hook-500":
            raise RuntimeError("the hook failed after saving")
        return tag


router = DefaultRouter()
router.register("tags", TagViewSet)
router.register("counted", CountedViewSet, basename="counted")
router.register("counted-rendering", CountedRenderingViewSet, basename="counted-rendering")
router.register("counted-hook", CountedHookViewSet, basename="counted-hook")
router.register("rendering", RenderingViewSet, basename="rendering")
router.register("nonatomic", NonAtomicViewSet, basename="nonatomic")
router.register("retried", RetriedViewSet, basename="retried")
router.register("drf", DrfStyleViewSet, basename="drf")
router.register("forgetful", ForgetfulViewSet, basename="forgetful")
api = NinjaAPI(urls_namespace="transactions")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db(transaction=True)]


def names() -> list[str]:
    return sorted(Tag.objects.values_list("name", flat=True))


def test_a_success_commits(client):
    r = client.post("/api/tags/", {"name": "fine"})
    assert r.status_code == 201, r
    assert names() == ["fine"]


def test_exception_in_a_hook_after_the_write_rolls_it_back(client, caplog):
    r = client.post("/api/tags/", {"name": "hook-500"})
    assert r.status_code == 500, r
    assert r.json() == {"detail": "A server error occurred.", "code": "server_error"}
    assert names() == []
    assert any("the hook failed" in str(rec.exc_info[1]) for rec in caplog.records if rec.exc_info)


def test_api_error_in_a_hook_after_the_write_rolls_it_back(client):
    r = client.post("/api/tags/", {"name": "hook-409"})
    assert r.status_code == 409, r
    assert r.json() == {"detail": "refused after saving", "code": "conflict"}
    assert names() == []


def test_update_and_destroy_roll_back_with_their_error(client):
    tag = Tag.objects.create(name="before")
    r = client.patch(f"/api/tags/{tag.id}/", {"name": "hook-500"})
    assert r.status_code == 500
    assert names() == ["before"]
    keep = Tag.objects.create(name="keep")
    r = client.delete(f"/api/tags/{keep.id}/")
    assert r.status_code == 409, r
    assert names() == ["before", "keep"]
    assert client.delete(f"/api/tags/{tag.id}/").status_code == 204
    assert names() == ["keep"]


def test_extra_action_answering_an_error_status_rolls_back(client):
    r = client.post("/api/tags/bulk/", [{"name": "one"}, {"name": "refused"}])
    assert r.status_code == 400, r
    assert r.json() == {"detail": "one tag was refused"}
    assert names() == []
    r = client.post("/api/tags/bulk/", [{"name": "one"}, {"name": "two"}])
    assert r.status_code == 200, r
    assert names() == ["one", "two"]


def test_failure_while_rendering_rolls_the_write_back(client):
    r = client.post("/api/rendering/", {"name": "boom"})
    assert r.status_code == 500, r
    assert r.json()["code"] == "server_error"
    assert names() == []
    tag = Tag.objects.create(name="quiet")
    r = client.put(f"/api/rendering/{tag.id}/", {"name": "boom-too"})
    assert r.status_code == 500
    assert names() == ["quiet"]
    assert client.post("/api/rendering/", {"name": "calm"}).status_code == 201
    assert names() == ["calm", "quiet"]


def test_atomic_writes_false_opts_out(client):
    r = client.post("/api/nonatomic/", {"name": "stays"})
    assert r.status_code == 500
    assert names() == ["stays"]


def test_a_serialization_failure_is_retried_once(client):
    ATTEMPTS.clear()
    r = client.post("/api/retried/", {"name": "raced"})
    assert r.status_code == 201, r
    assert ATTEMPTS == ["raced", "raced"]
    assert names() == ["raced"]  # the first attempt's row was rolled back


def test_a_serialization_failure_twice_is_503(client, caplog):
    ATTEMPTS.clear()
    caplog.set_level(logging.WARNING, logger="ninja_viewsets")
    r = client.post("/api/retried/", {"name": "always"})
    assert r.status_code == 503, r
    assert r.headers["Retry-After"] == "5"
    assert ATTEMPTS == ["always", "always"]
    assert names() == []


def test_drf_style_hooks_without_return(client):
    r = client.post("/api/drf/", {"name": "ada"})
    assert r.status_code == 201, r
    assert r.json()["name"] == "ADA"
    assert list(Author.objects.values_list("name", flat=True)) == ["ADA"]
    r = client.patch(f"/api/drf/{r.json()['id']}/", {"name": "grace"})
    assert r.status_code == 200, r
    assert r.json()["name"] == "grace!"


def test_hook_that_forgets_to_return_is_a_500_naming_the_fix_and_rolls_back(client, caplog):
    r = client.post("/api/forgetful/", {"name": "lost"})
    assert r.status_code == 500, r
    assert not Author.objects.exists()
    logged = [str(rec.exc_info[1]) for rec in caplog.records if rec.exc_info]
    assert any(
        "ForgetfulViewSet.perform_create() returned None: return the object it saved" in m
        for m in logged
    ), logged


@pytest.fixture
def hops(monkeypatch):
    """Count every ``sync_to_async`` call while a Counted viewset serves a request."""
    call = SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        counter = _hops.get()
        if counter is not None:
            counter[0] += 1
        return await call(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counted)
    HOPS.clear()
    return HOPS


def test_the_library_actions_commit_in_the_hop_of_their_write(client, hops):
    """create: one hop (INSERT, response, COMMIT); update, destroy: one too (the read, then
    the UPDATE or DELETE, the response and the COMMIT, where the hand-written view awaits
    ``aget`` + ``asave`` / ``adelete``). No hop of its own for the COMMIT."""
    r = client.post("/api/counted/", {"name": "one"})
    assert r.status_code == 201, r
    pk = r.json()["id"]
    assert client.patch(f"/api/counted/{pk}/", {"name": "two"}).status_code == 200
    assert client.put(f"/api/counted/{pk}/", {"name": "three"}).status_code == 200
    assert client.patch(f"/api/counted/{pk}/", {}).status_code == 200  # nothing to write
    assert client.delete(f"/api/counted/{pk}/").status_code == 204
    assert hops == [1, 1, 1, 1, 1]
    assert names() == []


def test_rendering_in_the_write_hop_still_rolls_back(client, hops):
    r = client.post("/api/counted-rendering/", {"name": "boom"})
    assert r.status_code == 500, r
    assert names() == []
    assert client.post("/api/counted-rendering/", {"name": "calm"}).status_code == 201
    assert hops == [1, 1]
    assert names() == ["calm"]


def test_a_user_hook_keeps_its_transaction(client, hops):
    """begun before the hook, committed after the response: the hook's own hops, plus two."""
    assert client.post("/api/counted-hook/", {"name": "kept"}).status_code == 201
    assert client.post("/api/counted-hook/", {"name": "hook-500"}).status_code == 500
    assert names() == ["kept"]
    assert hops == [3, 3]  # BEGIN, acreate, COMMIT / ROLLBACK


@pytest.fixture
def writes():
    """``(verb, in a transaction)`` of each INSERT / UPDATE a request runs (the sync test
    client runs the ORM in this thread)."""
    seen: list[tuple[str, bool]] = []

    def wrapper(execute, sql, params, many, context):
        verb = sql.lstrip().split(None, 1)[0].upper()
        if verb in ("INSERT", "UPDATE"):
            seen.append((verb, context["connection"].in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def test_a_lone_statement_with_nothing_after_it_needs_no_begin_or_commit(client, writes):
    """The library's INSERT / UPDATE, rendered from attribute values: atomic by itself."""
    r = client.post("/api/counted/", {"name": "one"})
    assert r.status_code == 201, r
    assert client.patch(f"/api/counted/{r.json()['id']}/", {"name": "two"}).status_code == 200
    assert writes == [("INSERT", False), ("UPDATE", False)]
    assert names() == ["two"]


def test_user_code_after_the_write_keeps_the_transaction(client, writes):
    """A resolver renders the response, a hook wraps the write: each may fail after it."""
    assert client.post("/api/counted-rendering/", {"name": "calm"}).status_code == 201
    assert client.post("/api/counted-hook/", {"name": "kept"}).status_code == 201
    assert writes == [("INSERT", True), ("INSERT", True)]


def test_a_signal_receiver_keeps_the_transaction_and_its_failure_rolls_back(client, writes):
    def refuse(sender, instance, **kwargs):
        if instance.name == "refused":
            raise RuntimeError("a post_save receiver failed after the INSERT")

    post_save.connect(refuse, sender=Tag, weak=False)
    try:
        assert client.post("/api/counted/", {"name": "fine"}).status_code == 201
        assert client.post("/api/counted/", {"name": "refused"}).status_code == 500
        pk = Tag.objects.get(name="fine").pk
        assert client.patch(f"/api/counted/{pk}/", {"name": "refused"}).status_code == 500
    finally:
        post_save.disconnect(refuse, sender=Tag)
    assert writes == [("INSERT", True), ("INSERT", True), ("UPDATE", True)]
    assert names() == ["fine"]
