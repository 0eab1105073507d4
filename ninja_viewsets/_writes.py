"""Private: the standard writes (create, update), as functions of the viewset, so that a class
may borrow an action alone; the mixins call them.

A write request runs in the request's transaction (``RequestTransaction``). The library's own
create and update end it in the hop of their statement: the write, the response, the COMMIT.
When there is nothing to roll back, they spend no transaction at all: a write that is one
statement, with nothing after it that can fail (no hook of the user's, no signal receiver, no
user code in the response, no query to render it), is atomic by itself (``_one_statement``,
``_reads_after``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, cast

from django.db import router
from django.db.models import Model
from django.db.models.signals import post_save, pre_save
from ninja import ModelSchema
from pydantic import BaseModel

from ninja_viewsets._async import RequestTransaction, aatomic
from ninja_viewsets._compat import respond
from ninja_viewsets._inserts import create_now, djangos_create
from ninja_viewsets._related import RelatedIds
from ninja_viewsets._reloads import annotates
from ninja_viewsets._schemas import is_derived
from ninja_viewsets._values import _chain, _merge, check_strings, model_values
from ninja_viewsets.generics import GenericAPIView

__all__ = ["create_object", "created", "created_now", "update_now", "update_object", "updated_now"]

_MISSING = object()


async def create_object(
    view: Any,
    data: BaseModel,
    values: dict[str, Any],
    then: Callable[[Any, Any], Any] | None = None,
) -> Any:
    """``perform_create()``; ``then(view, instance)`` (sync) ends the request in the same hop."""
    model: Any = _model_of(view)
    concrete, many = model_values(model, data)
    nesting = getattr(view, "nesting", None)
    if nesting is not None:  # the parent comes from the URL, never from the body
        fk = model._meta.get_field(nesting.fk_name)
        concrete.pop(fk.name, None)
        concrete.pop(fk.attname, None)
    related = RelatedIds.of(model, data, concrete, many)
    if nesting is not None:
        concrete[fk.attname] = view.parent_object.pk
    if values:
        _merge(model, concrete, many, values)
    many = {name: ids for name, ids in many.items() if ids}  # a new row has no links yet
    check_strings(view, model, concrete)
    manager = model._default_manager
    transaction = view.write_transaction

    def save() -> Any:
        instance = create_now(manager, concrete)
        for name, ids in many.items():  # a new row: add() writes them without reading first
            getattr(instance, name).add(*ids)
        view.saved_object = instance
        return instance

    if transaction is not None:  # the request's transaction begins with this hop
        return await _write(view, transaction, related, concrete, many, save, then, model, None)
    await related.check(view, concrete)
    if not many:  # one INSERT: atomic by itself
        instance = await manager.acreate(**concrete)
    else:
        async with aatomic(using=router.db_for_write(model)):
            instance = await manager.acreate(**concrete)
            for name, ids in many.items():
                await getattr(instance, name).aadd(*ids)
    view.saved_object = instance
    return instance


def _model_of(view: Any) -> type[Model]:
    """The model a create writes: ``queryset``'s, without building a queryset (a clone of its
    query) when ``get_queryset()`` is the library's; else the one ``get_queryset()`` gives."""
    queryset = view.queryset
    if queryset is not None and type(view).get_queryset is GenericAPIView.get_queryset:
        return cast(type[Model], queryset.model)
    return cast(type[Model], view.get_queryset().model)


def created(view: Any, instance: Any, body: Any) -> Any:
    """The 201 of ``instance`` (``body``: reloaded for the response), its headers set."""
    if view.optimistic_concurrency:
        view.set_etag(instance)
    response = getattr(view, "response", None)
    if response is not None:
        for header, value in view.get_success_headers(instance).items():
            response[header] = value
    return respond(201, body)


def created_now(view: Any, instance: Any) -> Any:
    """The 201 of ``instance``, rendered (sync: in the hop of its INSERT)."""
    return view.render_now(created(view, instance, view.refetch_now(instance)))


async def update_object(
    view: Any,
    instance: Any,
    data: BaseModel,
    values: dict[str, Any],
    then: Callable[[Any, Any], Any] | None = None,
) -> Any:
    """``perform_update()``; ``then(view, instance)`` (sync) ends the request in the same hop
    when there is something to write."""
    model = type(instance)
    write = _update(view, instance, data, values)
    if write is None:
        return instance
    related, concrete, many, save = write
    transaction = view.write_transaction
    if transaction is not None:  # the request's transaction begins with this hop
        return await _write(view, transaction, related, concrete, many, save, then, model, instance)
    await related.check(view, concrete)
    for attr, value in concrete.items():
        setattr(instance, attr, value)
    if not many:  # one UPDATE: atomic by itself
        await instance.asave(update_fields=list(concrete))
    else:
        async with aatomic(using=router.db_for_write(model)):
            if concrete:
                await instance.asave(update_fields=list(concrete))
            for name, value in many.items():
                await getattr(instance, name).aset(value)
    return instance


def update_now(view: Any, data: BaseModel, then: Callable[[Any, Any], Any]) -> Callable[[Any], Any]:
    """What :func:`update_object` does with ``then``, for the hop that fetched the object
    (``get_object(then=...)``, sync: the read, the UPDATE, the response and the COMMIT in one
    hop; the request's transaction must not have begun)."""

    def update(instance: Any) -> Any:
        write = _update(view, instance, data, {})
        if write is None:
            return instance
        related, concrete, many, save = write
        transaction = view.write_transaction
        return _write_now(
            view, transaction, related, concrete, many, save, then, type(instance), instance
        )

    return update


def _update(
    view: Any, instance: Any, data: BaseModel, values: dict[str, Any]
) -> tuple[RelatedIds, dict[str, Any], dict[str, Any], Callable[[], Any]] | None:
    """The values ``data`` writes on ``instance`` (checked), and the sync write of them
    (``save``); ``None``: nothing to write."""
    model = type(instance)
    concrete, many = model_values(model, data, partial=view.partial or _model_rules(data))
    related = RelatedIds.of(model, data, concrete, many)
    if values:
        _merge(model, concrete, many, values)
    check_strings(view, model, concrete)
    fields = list(concrete)
    if not fields and not many:
        return None

    def save() -> Any:
        for attr, value in concrete.items():
            setattr(instance, attr, value)
        if fields:
            instance.save(update_fields=fields)
        for name, value in many.items():
            getattr(instance, name).set(value)
        return instance

    return related, concrete, many, save


def _model_rules(data: BaseModel) -> bool:
    """Whether ``data``'s defaults are the model's (a derived schema, a ``ModelSchema``): then,
    as with DRF's ``ModelSerializer``, a PUT that omits such a field leaves it as it is (its
    default is for a new row); a default written in a schema by hand is applied."""
    schema = type(data)
    return is_derived(schema) or issubclass(schema, ModelSchema)


def updated_now(view: Any, instance: Any) -> Any:
    """The 200 of ``instance``, rendered (sync: in the hop of its UPDATE)."""
    if view.optimistic_concurrency:
        view.set_etag(instance)
    return view.render_now(view.reload_relations_now(instance))


async def _write(
    view: Any,
    transaction: RequestTransaction,
    related: RelatedIds,
    concrete: dict[str, Any],
    many: dict[str, Any],
    save: Callable[[], Any],
    then: Callable[[Any, Any], Any] | None,
    model: type[Model],
    instance: Model | None,
) -> Any:
    """``save()`` (sync: the INSERT of a new row, ``instance`` ``None``, or the UPDATE of
    ``instance``) in the request's transaction, after the related-ids check, in one hop;
    ``then(view, saved)`` ends the request in that hop (:func:`_write_now`)."""
    if then is None:
        return await transaction.run(_checked, view, related, concrete, save)
    args = (view, transaction, related, concrete, many, save, then, model, instance)
    return await transaction.run_now(_write_now, *args)


def _write_now(
    view: Any,
    transaction: RequestTransaction,
    related: RelatedIds,
    concrete: dict[str, Any],
    many: dict[str, Any],
    save: Callable[[], Any],
    then: Callable[[Any, Any], Any],
    model: type[Model],
    instance: Model | None,
) -> Any:
    """:func:`_write` with ``then``, in the ORM thread: alone (no BEGIN / COMMIT) when the
    statement is alone and nothing reads after it, else committing the transaction."""
    if not many and _one_statement(view, model, creates=instance is None):
        related.check_now(view, concrete)  # it reads: no transaction needed for it
        if _reads_after(view, model, concrete, instance):
            return transaction.to_end_now(_chain, view, save, then)
        return _chain(view, save, then)
    write = partial(_checked, view, related, concrete, save)
    return transaction.to_end_now(_chain, view, write, then)


def _checked(
    view: Any, related: RelatedIds, concrete: dict[str, Any], save: Callable[[], Any]
) -> Any:
    """``save()`` after the related-ids check (sync: in the write's hop, inside its transaction)."""
    related.check_now(view, concrete)
    return save()


def _one_statement(view: Any, model: type[Model], *, creates: bool) -> bool:
    """Whether this request's write (no many-to-many values) is one statement with no user
    code after it, so it may run without BEGIN / COMMIT: the operation's plan says nothing of
    the user's runs around it or in its response (``RequestPlan.lone_write``), the
    representation is the schema's own (no ``?fields=``), and the row is written by Django's own
    ``save()`` (no parent table, no ``pre_save`` / ``post_save`` receiver, the manager's own
    ``create()``). Whether the response then reads the database is :func:`_reads_after`'s."""
    plan = view.request_plan
    if plan is None or not plan.lone_write or view.sparse is not None:
        return False
    if model.save is not Model.save or model.save_base is not Model.save_base:
        return False
    if model._meta.parents or pre_save.has_listeners(model) or post_save.has_listeners(model):
        return False
    return not creates or djangos_create(model._default_manager)


def _reads_after(
    view: Any, model: type[Model], concrete: dict[str, Any], instance: Model | None
) -> bool:
    """Whether rendering the written row would query the database: a relation the response
    reads that is not loaded (``instance`` ``None``: a row about to be created). A query can
    fail, and the write before it must then be undone: such a write keeps its transaction.

    Loaded: a foreign key whose object the related-ids check attached (``concrete``), or, on
    an update, one the write leaves alone and ``get_object()`` joined, with the relations
    beyond it; a many-to-many list ``get_object()`` prefetched.
    """
    plan = view.response_plan
    if not plan:
        return False
    if instance is None and (plan.prefetch or annotates(view.get_queryset())):
        return True  # a new row's lists are read; an annotating queryset reads it again
    if instance is not None:
        cache = getattr(instance, "_prefetched_objects_cache", {})
        if any(path.split("__", 1)[0] not in cache for path in plan.prefetch):
            return True
    for path in plan.select:
        name, *rest = path.split("__")
        field: Any = model._meta.get_field(name)
        if not field.concrete:  # a reverse one-to-one: not written here, maybe not loaded
            if instance is None or not field.is_cached(instance):
                return True
            obj = field.get_cached_value(instance)
            if obj is not None and rest and not _loaded(obj, rest):
                return True
            continue
        obj = concrete.get(field.name, _MISSING)
        if obj is _MISSING and field.attname in concrete:
            new_id = concrete[field.attname]
            if new_id is None:
                continue  # a null foreign key reads nothing
            if instance is None or getattr(instance, field.attname) != new_id:
                return True
        if obj is _MISSING:
            if instance is None or not field.is_cached(instance):
                return True
            obj = field.get_cached_value(instance)
        if obj is not None and rest and not _loaded(obj, rest):
            return True
    return False


def _loaded(obj: Model, path: list[str]) -> bool:
    """Whether the relations ``path`` walks from ``obj`` are all in Django's cache."""
    for name in path:
        field: Any = obj._meta.get_field(name)
        if not field.is_relation or field.many_to_many or field.one_to_many:
            return False
        if not field.is_cached(obj):
            return False
        obj = field.get_cached_value(obj)
        if obj is None:
            return True
    return True
