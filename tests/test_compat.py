"""ninja_viewsets._compat: explicit statuses across django-ninja 1.5 (tuples) and 1.6+ (Status)."""

from __future__ import annotations

import pytest
from django.urls import path
from ninja import NinjaAPI

from ninja_viewsets import SimpleRouter, ViewSet, action
from ninja_viewsets._compat import NATIVE_STATUS, Status, respond, split_status
from ninja_viewsets._ninja import NINJA_VERSION


def test_native_status_follows_the_installed_ninja():
    assert (NINJA_VERSION >= (1, 6)) == NATIVE_STATUS
    assert (Status.__module__.split(".")[0] == "ninja") == NATIVE_STATUS


def test_respond_and_split_status_round_trip():
    for status, body in ((201, {"id": 1}), (204, None), (409, ["x"])):
        result = respond(status, body)
        assert split_status(result) == (status, body)
        assert isinstance(result, Status if NATIVE_STATUS else tuple)


def test_a_plain_body_has_no_status():
    assert split_status({"a": 1}) == (None, {"a": 1})
    assert split_status([1, 2]) == (None, [1, 2])


def test_a_pair_is_a_body_on_ninja_1_6_and_a_status_on_1_5():
    assert split_status((200, "x")) == ((None, (200, "x")) if NATIVE_STATUS else (200, "x"))


class Statuses(ViewSet):
    permission_classes: list = []

    @action(detail=False, methods=["post"], response={202: dict[str, int]})
    async def accepted(self, request):
        return respond(202, {"queued": 3})


router = SimpleRouter()
router.register("statuses", Statuses, basename="statuses")
api = NinjaAPI(urls_namespace="compat")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


def test_an_action_answers_the_status_it_responds_with(client):
    response = client.post("/api/statuses/accepted/")
    assert (response.status_code, response.json()) == (202, {"queued": 3})
