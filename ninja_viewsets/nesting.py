"""Nested resources: ``/authors/{author_pk}/books/``, scoped, typed and checked.

    router = DefaultRouter()
    authors = router.register("authors", AuthorViewSet)
    books = authors.register("books", BookViewSet, parent_query_lookup="author")
    books.register("reviews", ReviewViewSet, parent_query_lookup="book")

    # /authors/{author_pk}/books/                      author-book-list
    # /authors/{author_pk}/books/{pk}/                 author-book-detail
    # /authors/{author_pk}/books/{book_pk}/reviews/    author-book-review-list

``parent_query_lookup`` names the child's relation to the parent (``Book.author``). For every
nested request the viewset:

- types the parent lookups from the parent models and puts them in ``self.kwargs``;
- scopes ``get_queryset()`` to the parents (applied on top of any override), so an object under
  another parent is 404;
- fetches the parent (one query, through the parent viewset's own ``get_queryset()``) and
  answers 404 when it is missing; it is then ``self.parent_object``;
- on create, sets the relation to the parent from the URL (a body cannot choose another parent);
- with ``parent_permissions = True`` on the child viewset, also requires the parent viewset's
  object permissions on the parent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import (
    FieldDoesNotExist,
    ImproperlyConfigured,
    ObjectDoesNotExist,
    ValidationError,
)
from django.db.models import Model
from pydantic import BaseModel, create_model

from ninja_viewsets.exceptions import NotFound

if TYPE_CHECKING:
    from django.http import HttpRequest

    from ninja_viewsets.routers import SimpleRouter
    from ninja_viewsets.viewsets import GenericViewSet, ViewSetMixin

__all__ = ["Nesting", "ParentLink", "RegisteredViewSet", "apply_scope", "without_fields"]


@dataclass(frozen=True)
class ParentLink:
    """One ancestor of a nested viewset: its URL kwarg and how the child reaches it."""

    kwarg: str  # "author_pk"
    type: type  # int, UUID, str
    query: str  # from the child model: "author", "book__author"
    lookup_field: str  # the ancestor's own lookup field ("pk", "slug")

    def filter(self, value: Any) -> dict[str, Any]:
        return {f"{self.query}__{self.lookup_field}": value}


@dataclass(frozen=True)
class Nesting:
    """What a nested viewset knows about its parents (set on every instance)."""

    links: tuple[ParentLink, ...]  # outermost first; the last is the direct parent
    parent: RegisteredViewSet
    fk_name: str  # the child's relation to the direct parent ("author")

    def scope(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Filters restricting the child queryset to the parents named in the URL."""
        result: dict[str, Any] = {}
        for link in self.links:
            result.update(link.filter(kwargs[link.kwarg]))
        return result

    async def fetch_parent(self, request: HttpRequest, kwargs: dict[str, Any]) -> Any:
        """The direct parent, looked up through its own viewset (404 when it is missing)."""
        parent = self.parent
        # a parent resource is a generic viewset: the child's queryset is scoped through its own
        view = cast(
            "GenericViewSet[Any]",
            parent.viewset(basename=parent.basename, detail=True, nesting=parent.nesting),
        )
        view.request = request
        view.action = "retrieve"
        view.params = {}
        own = self.links[-1]
        view.kwargs = {k: v for k, v in kwargs.items() if k != own.kwarg}
        view.kwargs[parent.lookup_kwarg] = kwargs[own.kwarg]
        apply_scope(view)
        queryset = view.get_queryset()  # scoped to the grandparents when the parent is nested
        try:
            obj = await queryset.aget(**{parent.lookup_field: kwargs[own.kwarg]})
        except (ObjectDoesNotExist, ValueError, TypeError, ValidationError):
            raise NotFound(
                f"No {queryset.model._meta.object_name} matches the given query."
            ) from None
        return view, obj


def apply_scope(view: Any) -> None:
    """Scope ``view.get_queryset()`` to the parents in ``view.kwargs`` (on top of overrides)."""
    nesting: Nesting | None = getattr(view, "nesting", None)
    if nesting is None:
        return
    original = view.get_queryset
    filters = nesting.scope(view.kwargs)

    def get_queryset() -> Any:
        return original().filter(**filters)

    view.get_queryset = get_queryset


class RegisteredViewSet:
    """What ``router.register()`` returns: register children under it with ``register()``."""

    def __init__(
        self,
        router: SimpleRouter,
        prefix: str,
        viewset: type[ViewSetMixin],
        basename: str,
        nesting: Nesting | None = None,
    ) -> None:
        self.router = router
        self.prefix = prefix  # the full path template, e.g. "authors/{author_pk}/books"
        self.viewset = viewset
        self.basename = basename
        self.nesting = nesting
        self.top = nesting is None  # listed by the DefaultRouter root
        self.lookup_field: str = getattr(viewset, "lookup_field", "pk")
        self.lookup_kwarg: str = getattr(viewset, "lookup_url_kwarg", None) or self.lookup_field

    def __repr__(self) -> str:
        return f"<RegisteredViewSet {self.prefix!r} {self.viewset.__name__} {self.basename!r}>"

    @property
    def child_kwarg(self) -> str:
        """The URL kwarg naming this resource under its children: ``author_pk``."""
        return f"{self.basename.rsplit('-', 1)[-1]}_{self.lookup_kwarg}"

    def register(
        self,
        prefix: str,
        viewset: type[ViewSetMixin],
        *,
        parent_query_lookup: str,
        basename: str | None = None,
    ) -> RegisteredViewSet:
        """Route ``viewset`` under one object of this resource: ``{prefix}/{parent}/{child}/``.

        ``parent_query_lookup`` is the child's relation to this resource (``"author"``).
        ``basename`` defaults to ``{parent basename}-{child basename}``.
        """
        child_model = _model(viewset)
        parent_model = _model(self.viewset)
        fk_name = parent_query_lookup.split("__")[0]
        if child_model is not None:
            try:
                fk = child_model._meta.get_field(fk_name)
            except FieldDoesNotExist:
                raise ImproperlyConfigured(
                    f"{viewset.__name__}: parent_query_lookup={parent_query_lookup!r} is not a "
                    f"field of {child_model.__name__}; name its relation to "
                    f"{parent_model.__name__ if parent_model else 'the parent'}."
                ) from None
            if not fk.is_relation or (
                parent_model is not None
                and "__" not in parent_query_lookup
                and not issubclass(parent_model, fk.related_model)  # type: ignore[arg-type]
            ):
                raise ImproperlyConfigured(
                    f"{viewset.__name__}: {child_model.__name__}.{fk_name} does not point to "
                    f"{parent_model.__name__ if parent_model else 'the parent model'}."
                )
        from ninja_viewsets.generics import lookup_type

        own = ParentLink(
            kwarg=self.child_kwarg,
            type=lookup_type(parent_model, self.lookup_field),
            query=parent_query_lookup,
            lookup_field=self.lookup_field,
        )
        ancestors = tuple(
            ParentLink(
                kwarg=link.kwarg,
                type=link.type,
                query=f"{parent_query_lookup}__{link.query}",
                lookup_field=link.lookup_field,
            )
            for link in (self.nesting.links if self.nesting else ())
        )
        nesting = Nesting(links=(*ancestors, own), parent=self, fk_name=fk_name)
        if basename is None:
            basename = f"{self.basename}-{self.router.get_default_basename(viewset)}"
        converter = self.router.get_lookup_converter(self.viewset)  # the parent's regex
        parent = f"{converter}:{own.kwarg}" if converter else own.kwarg
        path = f"{self.prefix}/{{{parent}}}/{prefix.strip('/')}"
        return self.router._register(path, viewset, basename, nesting=nesting, top=False)


def _model(viewset: type[ViewSetMixin]) -> type[Model] | None:
    queryset = getattr(viewset, "queryset", None)
    return queryset.model if queryset is not None else None


_without_cache: dict[tuple[type[BaseModel], frozenset[str]], type[BaseModel]] = {}


def without_fields(schema: type[BaseModel], names: set[str]) -> type[BaseModel]:
    """``schema`` minus ``names`` (the parent relation of a nested create/update body)."""
    drop = frozenset(n for n in schema.model_fields if n in names)
    if not drop:
        return schema
    key = (schema, drop)
    if key not in _without_cache:
        fields: dict[str, Any] = {
            name: (info.annotation, info)
            for name, info in schema.model_fields.items()
            if name not in drop
        }
        suffix = "".join(n.title().replace("_", "") for n in sorted(drop))
        _without_cache[key] = create_model(
            f"{schema.__name__}Without{suffix}",
            __config__=schema.model_config,
            **fields,
        )
    return _without_cache[key]
