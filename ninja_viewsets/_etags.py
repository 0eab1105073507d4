"""Private: optimistic concurrency, the ETag half of a generic viewset (``GenericAPIView``).

    class BookViewSet(ModelViewSet):
        queryset = Book.objects.all()
        optimistic_concurrency = True   # ETag on objects; If-Match / If-None-Match honoured

        def get_etag(self, instance):   # a version column instead of the column values
            return f'"{instance.version}"'

A read answers with the object's ``ETag`` (304 for a matching ``If-None-Match``); a write with
``If-Match`` locks the object in one transaction and answers 412 when the tag is another
version's. ``GenericAPIView`` is based on :class:`ETagMixin`.
"""

from __future__ import annotations

import hashlib
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from django.db import router
from django.db.models import Model

from ninja_viewsets._async import aatomic
from ninja_viewsets.exceptions import PreconditionFailed

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["ETagMixin", "representation_tag"]


_DIGEST = 16  # hex digits of a representation's digest in its tag
_HEX = frozenset("0123456789abcdef")


def _etag_matches(header: str, etag: str, *, representations: bool = False) -> bool:
    """``If-Match`` / ``If-None-Match``: ``*`` or a list of tags (weak ``W/`` prefix ignored).

    ``representations``: a tag of any representation of that version matches too
    (:func:`representation_tag`): ``If-Match`` asks for the version, whatever was fetched.
    """
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    if "*" in tags or etag in tags:
        return True
    return representations and _quoted(etag.removeprefix("W/")) in map(_object_tag, tags)


def representation_tag(etag: str, key: str) -> str:
    """The ETag of one representation (``key``: e.g. the normalized ``?fields=``) of the
    object version ``etag``: the object's tag with the representation's digest appended,
    ``"<object's>~<16 hex digits>"``. ``If-None-Match`` tells representations apart; the
    ``If-Match`` of a write accepts it for the version."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:_DIGEST]
    return f'{_quoted(etag)[:-1]}~{digest}"'


def _quoted(etag: str) -> str:
    return etag if etag.endswith('"') else f'"{etag}"'


def _object_tag(tag: str) -> str:
    """The object's tag a :func:`representation_tag` was made from (else ``tag`` itself)."""
    head, sep, digest = tag.rpartition("~")
    if sep and len(digest) == _DIGEST + 1 and digest[-1] == '"' and _HEX.issuperset(digest[:-1]):
        return head + '"'
    return tag


class ETagMixin:
    """The object's version as an ETag, and the ``If-Match`` precondition of writes."""

    # configured and set per request on GenericAPIView
    optimistic_concurrency: bool
    request: HttpRequest
    lock_object: bool

    if TYPE_CHECKING:  # GenericAPIView's

        def get_model(self) -> type[Model] | None: ...

    def get_etag(self, instance: Model) -> str:
        """The object's version: a strong ETag over its column values (override for a
        version column). Many-to-many changes do not change it."""
        values = [(f.attname, getattr(instance, f.attname)) for f in instance._meta.concrete_fields]
        return '"' + hashlib.sha256(repr(values).encode()).hexdigest()[:32] + '"'

    def set_etag(self, instance: Model) -> str:
        etag = self.get_etag(instance)
        sparse = getattr(self, "sparse", None)
        if sparse is not None:  # the tag covers the representation sent (?fields=...)
            etag = sparse.tag(etag)
        response = getattr(self, "response", None)
        if response is not None:
            response["ETag"] = etag
        return etag

    def write_guard(self) -> AbstractAsyncContextManager[None]:
        """With ``If-Match`` on a write: one transaction, the object locked while checked."""
        if not checks_if_match(self):
            return nullcontext()
        self.lock_object = True
        model = self.get_model()
        return aatomic(using=router.db_for_write(model) if model else None)

    def check_preconditions(self, instance: Model) -> None:
        """412 when ``If-Match`` names another version than the object's current ETag (the
        tag of the full representation, or of any sparse one: ``?fields=``...)."""
        if not self.optimistic_concurrency:
            return
        header = self.request.headers.get("If-Match")
        if header is not None and not _etag_matches(
            header, self.get_etag(instance), representations=True
        ):
            raise PreconditionFailed()


def checks_if_match(view: Any) -> bool:
    """This write checks an ``If-Match`` against its object, locked in the request's
    transaction (``write_guard()``): ETags on and the header sent."""
    return bool(view.optimistic_concurrency) and "If-Match" in view.request.headers
