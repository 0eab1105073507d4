"""Private: sparse fieldsets and expansion, planned into the query.

    class BookViewSet(ModelViewSet):
        queryset = Book.objects.all()
        output_schema = BookOut                       # id, title, year, author: AuthorOut
        sparse_fields = True                          # ?fields=id,title  ?omit=year
        expandable_fields = {"tags": list[TagOut]}    # ?expand=tags (else: the tags' ids)

    GET /books/?fields=id,title          SELECT book.id, book.title FROM book  (no JOIN)
    GET /books/?fields=id,author.name    ... INNER JOIN author: book.id, author.id, author.name
    GET /books/?expand=tags              one more query: the tags' columns TagOut reads

At ``register()`` each reading operation of an opted-in viewset gets a ``SparseSpec``: what a
client may choose (the output schema's fields, the nested schemas it declares, the expandable
relations), the schema OpenAPI documents, and the query parameters. Per request,
``SparseSpec.resolve()`` reads ``?fields=`` / ``?omit=`` / ``?expand=`` (an unknown name is a
422 listing the allowed ones) into a ``SparseRequest``: a schema holding exactly the chosen
fields, and the query plan derived from it by ``ninja_viewsets._planning`` (columns, JOINs and
prefetches of what is sent, nothing else). Both are cached by the normalized choice.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import operator
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import Model
from ninja import Schema
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ninja_viewsets._ninja import (
    ninja_validators_only,
    response_annotation,
    response_wrapper,
    schema_field_type,
)
from ninja_viewsets._planning import QueryPlan, get_plan, related_keys, unwrap
from ninja_viewsets.conf import get_setting
from ninja_viewsets.exceptions import ValidationFailed

__all__ = [
    "EXPAND_PARAM",
    "FIELDS_PARAM",
    "OMIT_PARAM",
    "SparseRequest",
    "SparseSpec",
    "build_sparse",
    "openapi_parameters",
    "substitute",
]

FIELDS_PARAM = "fields"
OMIT_PARAM = "omit"
EXPAND_PARAM = "expand"
# distinct representations kept per operation (schema, plan, serializer); past it, a new one is
# built for its request and dropped after it (correct, slower), so clients cannot grow memory
CACHE_SIZE = 256
_MAX_DEPTH = 6


# -- what a client may choose -------------------------------------------------------------------


@dataclass(eq=False)
class _Expansion:
    """An expandable relation: its schema when expanded, its key(s) when not."""

    level: _Level
    many: bool
    null: bool
    attname: str  # a forward relation's id attribute (author_id); a many relation's name
    key_type: Any  # the related model's key type


@dataclass(eq=False)
class _Level:
    """One level of a representation: a schema over a model."""

    schema: type[BaseModel]
    model: type[Model]
    names: tuple[str, ...]  # every field, in order: the schema's, then expandable ones
    nested: dict[str, _Level] = field(default_factory=dict)  # declared nested schemas
    expand: dict[str, _Expansion] = field(default_factory=dict)

    def child(self, name: str, expanded: bool) -> _Level | None:
        if name in self.expand:
            return self.expand[name].level if expanded else None
        return self.nested.get(name)


def _relation(model: type[Model], name: str) -> Any:
    try:
        fld = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return fld if fld.is_relation and isinstance(fld.related_model, type) else None


def _check_schema(owner: str, schema: type[BaseModel]) -> None:
    if not ninja_validators_only(schema):
        raise ImproperlyConfigured(
            f"{owner}: sparse fields and expansion build the response schema from "
            f"{schema.__name__}'s fields, and {schema.__name__} has validators, serializers or "
            f"computed fields, which would be lost. Move them into resolve_<field> methods, or "
            f"turn sparse_fields / expandable_fields off for this action."
        )


def _build_level(
    owner: str,
    model: type[Model],
    schema: type[BaseModel],
    expandable: Mapping[str, Any],
    path: str,
    depth: int,
) -> _Level:
    _check_schema(owner, schema)
    own = {k: v for k, v in expandable.items() if "." not in k}
    deeper: dict[str, dict[str, Any]] = {}
    for key, value in expandable.items():
        if "." in key:
            head, rest = key.split(".", 1)
            deeper.setdefault(head, {})[rest] = value
    expand: dict[str, _Expansion] = {}
    for name, target in own.items():
        fld = _relation(model, name)
        where = f"{path}{name}"
        if fld is None or (fld.one_to_one and not fld.concrete):
            raise ImproperlyConfigured(
                f"{owner}.expandable_fields[{where!r}]: {model.__name__} has no forward "
                f"foreign key, many-to-many or reverse foreign key named {name!r}."
            )
        inner, many = unwrap(target)
        to_many = bool(fld.many_to_many or fld.one_to_many)
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)) or many != to_many:
            shape = f"list[{fld.related_model.__name__}Out]" if to_many else "AuthorOut"
            raise ImproperlyConfigured(
                f"{owner}.expandable_fields[{where!r}] must be the schema {name!r} expands to"
                f"{' (a list: a many relation)' if to_many else ''}, e.g. {shape!r}; got "
                f"{target!r}."
            )
        if depth >= _MAX_DEPTH:
            raise ImproperlyConfigured(f"{owner}.expandable_fields[{where!r}]: too deep.")
        related = fld.related_model
        pk = related._meta.pk
        key_type = _python_type(fld.target_field if not to_many else pk)
        level = _build_level(owner, related, inner, deeper.pop(name, {}), f"{where}.", depth + 1)
        attname = fld.attname if not to_many else fld.name
        expand[name] = _Expansion(
            level, to_many, bool(getattr(fld, "null", False)), attname, key_type
        )
    nested: dict[str, _Level] = {}
    for name, info in schema.model_fields.items():
        if name in expand or depth >= _MAX_DEPTH:
            continue
        inner, _ = unwrap(info.annotation)
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            continue
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        fld = _relation(model, alias or name)
        if fld is None or not ninja_validators_only(inner):  # kept whole, as declared
            continue
        sub = deeper.pop(name, {})
        nested[name] = _build_level(
            owner, fld.related_model, inner, sub, f"{path}{name}.", depth + 1
        )
    if deeper:
        first = sorted(deeper)[0]
        raise ImproperlyConfigured(
            f"{owner}.expandable_fields[{path}{first}.…]: {first!r} is neither expandable nor "
            f"a nested schema field of {schema.__name__}; expand {path}{first!r} first."
        )
    names = tuple(schema.model_fields) + tuple(n for n in expand if n not in schema.model_fields)
    return _Level(schema, model, names, nested, expand)


def _python_type(fld: Any) -> Any:
    """The Python type of a key column (``int`` for ``AutoField``...)."""
    return schema_field_type(fld)


def _field_paths(level: _Level, prefix: str = "") -> list[str]:
    paths = []
    for name in level.names:
        paths.append(f"{prefix}{name}")
        sub = level.child(name, expanded=True)
        if sub is not None:
            paths.extend(_field_paths(sub, f"{prefix}{name}."))
    return paths


def _expand_paths(level: _Level, prefix: str = "") -> list[str]:
    paths = []
    for name in level.names:
        if name in level.expand:
            paths.append(f"{prefix}{name}")
            paths.extend(_expand_paths(level.expand[name].level, f"{prefix}{name}."))
        elif name in level.nested:
            paths.extend(_expand_paths(level.nested[name], f"{prefix}{name}."))
    return paths


# -- the schemas: documented (OpenAPI) and per request ------------------------------------------


def _make_schema(
    level: _Level, fields: dict[str, tuple[Any, FieldInfo | None]], name: str
) -> type[BaseModel]:
    """A schema over ``level``'s model with exactly ``fields`` (resolvers and config kept)."""
    base = level.schema
    namespace: dict[str, Any] = {
        "__annotations__": {key: annotation for key, (annotation, _) in fields.items()},
        "__module__": base.__module__,
        "__doc__": base.__doc__,
        "model_config": dict(base.model_config),
    }
    for key, (_, info) in fields.items():
        if info is not None:
            namespace[key] = info
        resolver = inspect.getattr_static(base, f"resolve_{key}", None)
        if resolver is not None:
            namespace[f"resolve_{key}"] = resolver
    bases: tuple[type, ...] = (Schema,) if issubclass(base, Schema) else (BaseModel,)
    return typing.cast(
        type[BaseModel], types.new_class(name, bases, {}, lambda ns: ns.update(namespace))
    )


def _copied(info: FieldInfo, **changes: Any) -> FieldInfo:
    """A copy of ``info`` with ``changes`` (``annotation=None``: the class annotation wins)."""
    new = copy.copy(info)
    attributes = dict(getattr(info, "_attributes_set", {}))  # what pydantic merges from
    for key, value in changes.items():
        setattr(new, key, value)
        if key == "annotation" and value is None:
            attributes.pop(key, None)
        else:
            attributes[key] = value
    new._attributes_set = attributes
    return new


def substitute(tp: Any, old: Any, new: Any, memo: dict[Any, Any] | None = None) -> Any:
    """``tp`` with ``old`` replaced by ``new`` (in ``list[...]``, ``X | None``, page schemas)."""
    if tp is old:
        return new
    args = typing.get_args(tp)
    origin = typing.get_origin(tp)
    if origin is list and len(args) == 1:
        return list[substitute(args[0], old, new, memo)]  # type: ignore[misc]
    if origin in (typing.Union, types.UnionType):
        return functools.reduce(operator.or_, [substitute(a, old, new, memo) for a in args])
    if origin is typing.Annotated:
        return typing.Annotated[(substitute(args[0], old, new, memo), *tp.__metadata__)]
    if isinstance(tp, type) and issubclass(tp, BaseModel) and _mentions(tp, old):
        memo = {} if memo is None else memo
        if tp not in memo:
            changed = {
                name: (substitute(info.annotation, old, new, memo), _copied(info, annotation=None))
                for name, info in tp.model_fields.items()
                if _mentions_annotation(info.annotation, old)
            }
            namespace: dict[str, Any] = {"__annotations__": {k: a for k, (a, _) in changed.items()}}
            namespace.update({k: i for k, (_, i) in changed.items()})
            namespace["__module__"] = tp.__module__
            memo[tp] = types.new_class(tp.__name__, (tp,), {}, lambda ns: ns.update(namespace))
        return memo[tp]
    return tp


def _mentions_annotation(tp: Any, old: Any) -> bool:
    if tp is old:
        return True
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _mentions(tp, old)
    return any(_mentions_annotation(a, old) for a in typing.get_args(tp))


def _mentions(model: type[BaseModel], old: Any) -> bool:
    return any(_mentions_annotation(i.annotation, old) for i in model.model_fields.values())


_documented: dict[Any, type[BaseModel]] = {}


def _signature(level: _Level) -> Any:
    return (
        level.schema,
        tuple((n, e.many, _signature(e.level)) for n, e in level.expand.items()),
        tuple((n, _signature(s)) for n, s in level.nested.items()),
    )


def _changes(level: _Level) -> bool:
    return bool(level.expand) or any(_changes(s) for s in level.nested.values())


def documented_schema(level: _Level, optional: bool) -> type[BaseModel]:
    """The schema OpenAPI shows: every field optional when sparse fields are on; an expandable
    relation as its key(s) or its schema. One class per configuration (component names)."""
    if not optional and not _changes(level):
        return level.schema
    key = (_signature(level), optional)
    if key in _documented:
        return _documented[key]
    fields: dict[str, tuple[Any, FieldInfo | None]] = {}
    for name in level.names:
        if name in level.expand:
            exp = level.expand[name]
            sub = documented_schema(exp.level, optional)
            if exp.many:
                annotation: Any = list[exp.key_type] | list[sub]  # type: ignore[name-defined,valid-type]
            else:
                annotation = exp.key_type | sub
                if exp.null:
                    annotation = annotation | None
            info = FieldInfo(description=f"Its key; the object with ?{EXPAND_PARAM}={name}.")
        else:
            original = level.schema.model_fields[name]
            annotation = original.annotation
            if name in level.nested:
                nested = level.nested[name]
                annotation = substitute(
                    annotation, nested.schema, documented_schema(nested, optional)
                )
            info = _copied(original, annotation=None)
        if optional:
            info = _copied(info, default=None, default_factory=None)
        fields[name] = (annotation, info)
    suffix = ("Sparse" if optional else "") + ("Expandable" if level.expand else "")
    schema = _documented[key] = _make_schema(level, fields, f"{level.schema.__name__}{suffix}")
    return schema


# -- per request ----------------------------------------------------------------------------------

# a choice at one level: {name: choice below it} (empty: no choice below)
_Tree = dict[str, "_Tree"]


def _invalid(param: str, message: str, value: str) -> ValidationFailed:
    return ValidationFailed(
        [{"type": "value_error", "loc": ["query", param], "msg": message, "input": value}]
    )


def _parse(param: str, values: list[str]) -> tuple[_Tree, list[str]]:
    """``"a,b.c"`` into ``{"a": {}, "b": {"c": {}}}`` (and the paths as given)."""
    raw = ",".join(values)
    limit = get_setting("FILTER_MAX_VALUE_LENGTH")
    if (limit is not None and len(raw) > limit) or "\x00" in raw:
        message = "Null characters are not allowed."
        if "\x00" not in raw:
            message = f"Ensure this value has at most {limit} characters."
        raise _invalid(param, message, raw[: limit or None])
    tree: _Tree = {}
    paths = [p.strip() for p in raw.split(",") if p.strip()]
    for path in paths:
        node = tree
        for part in path.split("."):
            node = node.setdefault(part.strip(), {})
    return tree, paths


def _canon(tree: _Tree) -> tuple[Any, ...]:
    return tuple((k, _canon(v)) for k, v in sorted(tree.items()))


@dataclass(eq=False)
class SparseRequest:
    """The representation one request asked for: its item schema and query plan."""

    schema: type[BaseModel]
    plan: QueryPlan
    key: str  # "" for the default representation
    cached: bool = True
    documented: type[BaseModel] | None = None  # the item schema OpenAPI shows
    render_plans: dict[Any, Any] = field(default_factory=dict)  # see renderers.render
    _wrappers: dict[Any, type[BaseModel]] = field(default_factory=dict)

    def response_model(self, documented_model: type[BaseModel]) -> type[BaseModel]:
        """The operation's response model (Ninja's wrapper) for this representation."""
        try:
            return self._wrappers[documented_model]
        except KeyError:
            pass
        annotation = substitute(response_annotation(documented_model), self.documented, self.schema)
        wrapper = self._wrappers[documented_model] = response_wrapper(annotation)
        return wrapper

    def item_annotation(self, documented: Any) -> Any:
        return substitute(documented, self.documented, self.schema)

    def tag(self, etag: str) -> str:
        """The ETag of this representation of an object whose full ETag is ``etag``."""
        if not self.key:
            return etag
        digest = hashlib.sha256(f"{etag}|{self.key}".encode()).hexdigest()[:32]
        return f'"{digest}"'


@dataclass(eq=False)
class SparseSpec:
    """An operation's sparse fields and expansions, resolved at ``register()``."""

    owner: str
    level: _Level
    sparse: bool  # ?fields= / ?omit=
    documented: type[BaseModel]  # the item schema OpenAPI shows
    field_paths: tuple[str, ...]
    expand_paths: tuple[str, ...]
    default: SparseRequest = field(init=False)
    _by_query: dict[tuple[str | None, ...], SparseRequest] = field(default_factory=dict)
    _by_key: dict[str, SparseRequest] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.default = self._build(None, {}, {}, "", cached=True)

    def params(self) -> tuple[str, ...]:
        names = (FIELDS_PARAM, OMIT_PARAM) if self.sparse else ()
        return names + ((EXPAND_PARAM,) if self.expand_paths else ())

    def resolve(self, query: Any) -> SparseRequest:
        """The representation ``query`` (``request.GET``) asks for; 422 for an unknown name."""
        raw = tuple(
            ",".join(query.getlist(name)) if name in query else None for name in self.params()
        )
        found = self._by_query.get(raw)
        if found is not None:
            return found
        given = dict(zip(self.params(), raw, strict=True))
        trees: dict[str, _Tree] = {
            name: self._checked(name, value) for name, value in given.items() if value is not None
        }
        fields, omit, expand = (trees.get(n) for n in (FIELDS_PARAM, OMIT_PARAM, EXPAND_PARAM))
        fields_tree = fields or None  # `?fields=` (empty): every field
        key = repr((_canon(fields_tree or {}), _canon(omit or {}), _canon(expand or {})))
        if fields_tree is None and not omit and not expand:
            key = ""
        found = self._by_key.get(key) if key else self.default
        if found is None:
            self._check_choice(given, fields_tree, omit or {}, expand or {})
            cached = len(self._by_key) < CACHE_SIZE
            found = self._build(fields_tree, omit or {}, expand or {}, key, cached=cached)
            if cached:
                self._by_key[key] = found
        if found.cached and len(self._by_query) < CACHE_SIZE:
            self._by_query[raw] = found
        return found

    def _checked(self, param: str, value: str) -> _Tree:
        tree, paths = _parse(param, [value])
        allowed = self.expand_paths if param == EXPAND_PARAM else self.field_paths
        for path in paths:
            if path not in allowed:
                what = "expansion" if param == EXPAND_PARAM else "field"
                raise _invalid(
                    param,
                    f"Unknown {what} {path!r}; choose from: {', '.join(allowed)}.",
                    value,
                )
        return tree

    def _check_choice(
        self, given: dict[str, str | None], fields: _Tree | None, omit: _Tree, expand: _Tree
    ) -> None:
        """A field below an expandable relation needs the relation expanded."""
        for param, tree in ((FIELDS_PARAM, fields or {}), (OMIT_PARAM, omit)):
            problem = _unexpanded(self.level, tree, expand, "")
            if problem is not None:
                raise _invalid(
                    param,
                    f"{problem!r} is a key until it is expanded: add ?{EXPAND_PARAM}={problem} "
                    f"to choose its fields.",
                    given.get(param) or "",
                )

    def _build(
        self, fields: _Tree | None, omit: _Tree, expand: _Tree, key: str, *, cached: bool
    ) -> SparseRequest:
        schema = _request_schema(self.level, fields, omit, expand)
        plan_of = get_plan if cached else get_plan.__wrapped__
        plan: QueryPlan = plan_of(self.level.model, schema)
        return SparseRequest(schema, plan, key, cached, self.documented)


def _unexpanded(level: _Level, tree: _Tree, expand: _Tree, prefix: str) -> str | None:
    for name, below in tree.items():
        if not below:
            continue
        if name in level.expand and name not in expand:
            return f"{prefix}{name}"
        sub = level.child(name, expanded=True)
        if sub is not None:
            found = _unexpanded(sub, below, expand.get(name, {}), f"{prefix}{name}.")
            if found is not None:
                return found
    return None


def _request_schema(
    level: _Level, fields: _Tree | None, omit: _Tree, expand: _Tree
) -> type[BaseModel]:
    """The schema of exactly the chosen fields at ``level`` (``fields`` ``None``: all)."""
    chosen: dict[str, tuple[Any, FieldInfo | None]] = {}
    for name in level.names:
        if fields is not None and name not in fields:
            continue
        if name in omit and not omit[name]:
            continue
        below_fields = (fields or {}).get(name) or None
        below_omit = omit.get(name, {})
        if name in level.expand:
            exp = level.expand[name]
            if name in expand:
                sub = _request_schema(exp.level, below_fields, below_omit, expand[name])
                annotation: Any = list[sub] if exp.many else (sub | None if exp.null else sub)  # type: ignore[valid-type]
                chosen[name] = (annotation, None)
            elif exp.many:
                chosen[name] = (list[related_keys(exp.key_type)], None)  # type: ignore[misc]
            else:
                annotation = exp.key_type | None if exp.null else exp.key_type
                chosen[name] = (annotation, FieldInfo(validation_alias=exp.attname))
            continue
        original = level.schema.model_fields[name]
        annotation = original.annotation
        if name in level.nested:
            nested = level.nested[name]
            sub = _request_schema(nested, below_fields, below_omit, expand.get(name, {}))
            annotation = substitute(annotation, nested.schema, sub)
        chosen[name] = (annotation, _copied(original, annotation=None))
    return _make_schema(level, chosen, level.schema.__name__)


# -- registration -----------------------------------------------------------------------------


def build_sparse(view: Any, item_schema: Any) -> SparseSpec | None:
    """The ``SparseSpec`` of an operation answering ``item_schema`` on ``view`` (configured for
    its action), or ``None`` when the viewset does not opt in."""
    sparse = bool(view.get_sparse_fields())
    expandable = dict(view.get_expandable_fields() or {})
    if not sparse and not expandable:
        return None
    owner = type(view).__name__
    model = view.get_model()
    if model is None:
        raise ImproperlyConfigured(
            f"{owner}: sparse_fields / expandable_fields plan the query of the viewset's "
            f"model; set `queryset` (none could be read from get_queryset() at register())."
        )
    if not (isinstance(item_schema, type) and issubclass(item_schema, BaseModel)):
        return None
    level = _build_level(owner, model, item_schema, expandable, "", 0)
    return SparseSpec(
        owner=owner,
        level=level,
        sparse=sparse,
        documented=documented_schema(level, sparse),
        field_paths=tuple(_field_paths(level)),
        expand_paths=tuple(_expand_paths(level)),
    )


def openapi_parameters(spec: SparseSpec) -> list[dict[str, Any]]:
    """``?fields=`` / ``?omit=`` / ``?expand=``: comma-separated, with their allowed values."""

    def parameter(name: str, values: tuple[str, ...], description: str) -> dict[str, Any]:
        return {
            "in": "query",
            "name": name,
            "required": False,
            "style": "form",
            "explode": False,
            "schema": {"type": "array", "items": {"type": "string", "enum": list(values)}},
            "description": description,
        }

    found = []
    if spec.sparse:
        found.append(
            parameter(
                FIELDS_PARAM,
                spec.field_paths,
                "Only these fields, comma-separated (dotted for a nested object's fields).",
            )
        )
        found.append(parameter(OMIT_PARAM, spec.field_paths, "Every field but these."))
    if spec.expand_paths:
        found.append(
            parameter(
                EXPAND_PARAM,
                spec.expand_paths,
                "Relations sent as objects rather than keys, comma-separated.",
            )
        )
    return found
