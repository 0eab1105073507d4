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

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ninja_viewsets._etags import representation_tag
from ninja_viewsets._ninja import (
    response_annotation,
    response_wrapper,
)
from ninja_viewsets._planning import QueryPlan, get_plan
from ninja_viewsets._related_keys import related_keys
from ninja_viewsets._sparse_schemas import (
    EXPAND_PARAM,
    _build_level,
    _copied,
    _expand_paths,
    _field_paths,
    _Level,
    _make_schema,
    documented_schema,
    substitute,
)
from ninja_viewsets._types import list_of
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
# distinct representations kept per operation (schema, plan, serializer); past it, a new one is
# built for its request and dropped after it (correct, slower), so clients cannot grow memory
CACHE_SIZE = 256


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
        return representation_tag(etag, self.key) if self.key else etag


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
    computed = []
    for name in level.names:
        if fields is not None and name not in fields:
            continue
        if name in omit and not omit[name]:
            continue
        if name in level.computed:
            computed.append(name)
            continue
        below_fields = (fields or {}).get(name) or None
        chosen[name] = _entry(level, name, below_fields, omit.get(name, {}), expand)
    if computed:  # it may read any field: the others are read and validated, not sent
        for name in level.names:
            if name not in chosen and name not in level.computed:
                annotation, info = _entry(level, name, None, {}, {})
                chosen[name] = (annotation, _copied(info or FieldInfo(), exclude=True))
    return _make_schema(level, chosen, level.schema.__name__, computed)


def _entry(
    level: _Level, name: str, fields: _Tree | None, omit: _Tree, expand: _Tree
) -> tuple[Any, FieldInfo | None]:
    """Field ``name`` of ``level`` with ``fields`` / ``omit`` chosen below it."""
    if name in level.expand:
        exp = level.expand[name]
        if name in expand:
            sub = _request_schema(exp.level, fields, omit, expand[name])
            return (list_of(sub) if exp.many else (sub | None if exp.null else sub)), None
        if exp.many:
            return list_of(related_keys(exp.key_type)), None
        annotation = exp.key_type | None if exp.null else exp.key_type
        return annotation, FieldInfo(validation_alias=exp.attname)
    original = level.schema.model_fields[name]
    annotation = original.annotation
    if name in level.nested:
        nested = level.nested[name]
        sub = _request_schema(nested, fields, omit, expand.get(name, {}))
        annotation = substitute(annotation, nested.schema, sub)
    return annotation, _copied(original, annotation=None)


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
