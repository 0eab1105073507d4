"""Private: ``manager.create(**values)`` with the ``INSERT``'s SQL compiled once per model.

    instance = create_now(manager, values)   # sync, in the ORM thread; as manager.create()

A create writes the same statement on every request: the model's table, its columns, one row,
``RETURNING`` its id. Django builds it anew each time (an ``InsertQuery``, its compiler, the
quoted names, the placeholders): about a third of what ``Model.save()`` costs besides the
database's own work. For a model whose save Django does as it always does (nothing of the
user's in ``save()`` / ``save_base()``, no parent table, no proxy, no ``pre_save`` /
``post_save`` receiver, an auto-increment primary key the database assigns and returns alone,
no generated column, no ``db_default``, no field with its own placeholder), the SQL is
compiled by Django's own ``SQLInsertCompiler`` with the first row and kept; each later row
only gets its values the way that compiler gets them (``Field.pre_save(add=True)`` then
``get_db_prep_save()``) and runs the kept SQL through the connection's cursor, in
``mark_for_rollback_on_error()`` as ``save_base()`` does.

Anything else takes Django's path for that row: a value that is an expression (``Now()``, a
``DatabaseDefault``), a primary key given in the values, a reverse one-to-one name, a model
or manager this module cannot vouch for, a backend other than PostgreSQL and SQLite (which
``RETURNING`` the id through ``fetchone()``). The instance comes back as ``create()`` leaves
it: its id set, ``_state.adding`` false, ``_state.db`` the alias written to.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, router, transaction
from django.db.models import Manager, Model, QuerySet
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

__all__ = ["create_now", "djangos_create"]

_VENDORS = frozenset({"postgresql", "sqlite"})  # RETURNING read by cursor.fetchone()
# Model methods of a save that must be Django's own for the kept SQL to stand in for it
_SAVING = ("save", "save_base", "_save_parents", "_save_table", "_do_insert")
_NO = object()  # this model (on this database) has no kept SQL: always Django's path

# (model, manager class, alias) -> (sql, fields, pk attname), or _NO
_inserts: dict[tuple[type[Model], type[Any], str], Any] = {}
_MAX = 1024  # models x databases; past it, the memo starts again


def create_now(manager: Manager[Any], values: dict[str, Any]) -> Any:
    """``manager.create(**values)``, the same row and instance (see the module doc)."""
    model = manager.model
    if values.keys() & model._meta._reverse_one_to_one_field_names:
        return manager.create(**values)  # Django's ValueError
    using = manager._db or router.db_for_write(model, **getattr(manager, "_hints", {}))
    key = (model, type(manager), using)
    kept = _inserts.get(key)
    if kept is _NO or pre_save.has_listeners(model) or post_save.has_listeners(model):
        return manager.create(**values)
    obj = model(**values)
    obj._prepare_related_fields_for_save(operation_name="save")
    if kept is None:
        kept = _keep(key, manager, obj)
    connection = connections[using]
    params = None if kept is None or kept is _NO else _values(kept, obj, connection)
    if params is None:
        obj.save(force_insert=True, using=using)  # the rest of create()
        return obj
    sql, _fields, pk_attname = kept
    with transaction.mark_for_rollback_on_error(using=using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    setattr(obj, pk_attname, row[0])
    obj._state.db = using
    obj._state.adding = False
    return obj


def _values(kept: Any, obj: Model, connection: Any) -> list[Any] | None:
    """The kept statement's parameters for ``obj``, as ``SQLInsertCompiler`` prepares them, or
    ``None`` when this row is another statement (an id given, a value that is an expression:
    ``Now()``, ``DatabaseDefault``...)."""
    _sql, fields, pk_attname = kept
    if getattr(obj, pk_attname) is not None:
        return None
    params = []
    for field in fields:
        value = field.pre_save(obj, add=True)
        if hasattr(value, "resolve_expression"):
            return None
        params.append(field.get_db_prep_save(value, connection=connection))
    return params


def _keep(key: tuple[type[Model], type[Any], str], manager: Manager[Any], obj: Model) -> Any:
    """The kept SQL for ``key``, compiled by Django with ``obj``; ``_NO`` (remembered) when
    the model's save is more than that statement; ``None`` (not remembered) when ``obj``'s
    values cannot show it (an expression among them)."""
    kept = _compile(key[0], key[2], obj) if djangos_create(manager) else _NO
    if kept is not None:
        if len(_inserts) >= _MAX:
            _inserts.clear()
        _inserts[key] = kept
    return kept


def djangos_create(manager: Manager[Any]) -> bool:
    """Whether ``manager.create()`` is Django's ``QuerySet.create()`` writing through Django's
    ``_insert()`` (a manager or queryset class of the user's that overrides them: called)."""
    queryset_class = getattr(manager, "_queryset_class", None)
    base_class = getattr(manager.model._base_manager, "_queryset_class", None)
    create = getattr(type(manager), "create", None)
    return (
        queryset_class is not None
        and base_class is not None
        and str(getattr(create, "__module__", "")).startswith("django.db.models.")
        and queryset_class.create is QuerySet.create
        and getattr(base_class, "_insert", None) is getattr(QuerySet, "_insert", False)
    )


def _compile(model: type[Model], using: str, obj: Model) -> Any:
    meta = model._meta
    connection = connections[using]
    pk = meta.pk
    if (
        connection.vendor not in _VENDORS
        or not connection.features.can_return_columns_from_insert
        or any(getattr(model, name) is not getattr(Model, name) for name in _SAVING)
        or meta.parents
        or meta.proxy
        or meta.auto_created
        or meta.order_with_respect_to is not None
        or pk is None
        or pk is not meta.auto_field
        or pk.has_default()
        or list(meta.db_returning_fields) != [pk]
    ):
        return _NO
    fields = [f for f in meta.local_concrete_fields if f is not pk]
    for field in fields:
        if (
            field.generated
            or field.has_db_default()
            or getattr(field, "get_placeholder", None) is not None
            or getattr(field, "get_placeholder_sql", None) is not None
        ):
            return _NO
    if getattr(obj, pk.attname) is not None or any(
        hasattr(field.pre_save(obj, add=True), "resolve_expression") for field in fields
    ):
        return None  # this row shows another statement: the next one may show the SQL
    query = InsertQuery(model)
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [pk]
    try:
        statements = compiler.as_sql()
    except Exception:  # Django's own save() raises it again, as it words it
        return None
    if len(statements) != 1:
        return _NO
    sql, params = statements[0]
    if len(params) != len(fields) or "RETURNING" not in sql.upper():
        return _NO
    if compiler.get_converters([pk.get_col(meta.db_table)]):
        return _NO  # the returned id would need converting: Django's path does that
    return (sql, tuple(fields), pk.attname)
