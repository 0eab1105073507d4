"""ViewSets: one class, many related operations, DRF's model on Django Ninja.

    class UserViewSet(ViewSet):
        async def list(self, request) -> list[UserOut]:
            return [u async for u in User.objects.all()]

        async def retrieve(self, request, pk: int) -> UserOut:
            return await User.objects.aget(pk=pk)

    class MovieViewSet(ModelViewSet):
        queryset = Movie.objects.all()
        output_schema = MovieOut
        input_schema = MovieIn

A new instance serves each request, with ``request``, ``kwargs``, ``action``, ``detail``,
``basename``, ``name``, ``description`` and ``suffix`` set before permissions run.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch
from django.utils.functional import classproperty

from ninja_viewsets import mixins
from ninja_viewsets._reverse import absolute_uri, reverse_in_api
from ninja_viewsets.decorators import Action, is_action
from ninja_viewsets.generics import _MT, NOT_GIVEN, GenericAPIView, _NotGiven
from ninja_viewsets.views import APIView

HTTP_METHOD_NAMES = ("get", "post", "put", "patch", "delete", "head", "options", "trace")
# ``as_view()``'s builder, from the router layer (``ninja_viewsets._as_view``, imported with the
# package): registered there, so that this module never imports the routers.
_view_builder: list[Callable[..., Callable[..., Any]]] = []


def register_view_builder(
    builder: Callable[..., Callable[..., Any]],
) -> Callable[..., Callable[..., Any]]:
    _view_builder[:] = [builder]
    return builder


__all__ = [
    "CreateAPIView",
    "DestroyAPIView",
    "GenericAPIViewSet",
    "GenericViewSet",
    "ListAPIView",
    "ListCreateAPIView",
    "ModelViewSet",
    "ReadOnlyModelViewSet",
    "RetrieveAPIView",
    "RetrieveDestroyAPIView",
    "RetrieveUpdateAPIView",
    "RetrieveUpdateDestroyAPIView",
    "UpdateAPIView",
    "ViewSet",
    "ViewSetMixin",
]


class ViewSetMixin(APIView):
    """Binds HTTP methods to actions (``{"get": "list"}``); :class:`~ninja_viewsets.views.APIView`
    runs one request."""

    # route-level attributes, set by the router (or as_view initkwargs)
    basename: str | None = None
    detail: bool | None = None
    suffix: str | None = None
    name: str | None = None
    description: str | None = None
    action_map: dict[str, str]

    # -- binding -------------------------------------------------------------------------

    @classmethod
    def as_view(
        cls, actions: dict[str, str] | None = None, **initkwargs: Any
    ) -> Callable[..., Any]:
        """A Django async view serving ``actions`` (``{"get": "list", "post": "create"}``).

        Usable directly in ``urlpatterns``; requests are validated and permission-checked
        exactly as through a router. URL keyword arguments become path parameters.
        """
        if not actions:
            raise TypeError(
                "The `actions` argument must be provided when calling `.as_view()` on a "
                "ViewSet. For example `.as_view({'get': 'list'})`"
            )
        for key in initkwargs:
            if key in HTTP_METHOD_NAMES:
                raise TypeError(
                    f"You tried to pass in the {key} method name as a keyword argument to "
                    f"{cls.__name__}(). Don't do that."
                )
            if not hasattr(cls, key):
                raise TypeError(
                    f"{cls.__name__}() received an invalid keyword {key!r}. as_view only "
                    f"accepts arguments that are already attributes of the class."
                )
        if "name" in initkwargs and "suffix" in initkwargs:
            raise TypeError(
                f"{cls.__name__}() received both `name` and `suffix`, which are mutually "
                f"exclusive arguments."
            )
        return _view_builder[0](cls, actions, initkwargs)

    @classmethod
    def get_extra_actions(cls) -> list[Action]:
        """The methods decorated with ``@action`` (inherited ones too), sorted by name."""
        members: dict[str, Any] = {}
        for klass in cls.__mro__:  # the first definition of a name wins, as for getattr
            for attr, member in vars(klass).items():
                members.setdefault(attr, member)
        found = []
        for attr in sorted(members):
            member = members[attr]
            if not is_action(member):
                continue
            if member.__name__ != attr:
                raise ValueError(
                    f"Expected function (`{member.__name__}`) to match its attribute name "
                    f"(`{attr}`). If using a decorator, ensure the inner function is decorated "
                    f"with `functools.wraps`, or that `{member.__name__}.__name__` is otherwise "
                    f"set to `{attr}`."
                )
            found.append(member)
        return found

    @classproperty
    def view_name(cls) -> str:
        name: str = cls.__name__  # type: ignore[attr-defined]
        for suffix in ("ViewSet", "View"):
            name = name.removesuffix(suffix)
        return _split_camel(name)

    def get_view_name(self) -> str:
        """``name`` if set, else the class name minus "ViewSet" plus the route's suffix."""
        if self.name:
            return self.name
        name = type(self).view_name
        return f"{name} {self.suffix}" if self.suffix else name

    def get_view_description(self) -> str:
        """``description`` if set (an action's docstring), else the class's own docstring, as
        DRF's: never a base class's (a viewset without one has none, not ``ModelViewSet``'s)."""
        description = self.description
        if description is None:
            description = type(self).__doc__ or ""
        return inspect.cleandoc(description)

    # -- reversing -----------------------------------------------------------------------

    def reverse_action(
        self,
        url_name: str,
        args: Sequence[Any] | None = None,
        kwargs: dict[str, Any] | None = None,
        request: HttpRequest | _NotGiven | None = NOT_GIVEN,
    ) -> str:
        """The URL of another route of this viewset: ``reverse_action("set-password", ["1"])``.

        Absolute when built for a request (by default the one this viewset serves), relative
        with ``request=None`` or outside a request, as DRF's.
        """
        name = f"{self.basename}-{url_name}"
        if isinstance(request, _NotGiven):
            request = getattr(self, "request", None)
        if self.nesting is not None:  # the parents in the URL come along
            own = getattr(self, "kwargs", {})
            parents = {k.kwarg: own[k.kwarg] for k in self.nesting.links if k.kwarg in own}
            if args:
                lookup = str(
                    getattr(self, "lookup_url_kwarg", None) or getattr(self, "lookup_field", "pk")
                )
                kwargs = {lookup: args[0], **(kwargs or {})}
                args = None
            kwargs = {**parents, **(kwargs or {})}
        url = reverse_in_api(name, args=args, kwargs=kwargs, request=request)
        return absolute_uri(request, url) if request is not None else url

    def get_extra_action_url_map(self) -> dict[str, str]:
        """``{action name: URL}`` for the extra actions on the same level (list or detail)."""
        if self.detail is None:
            return {}
        result = {}
        for extra in self.get_extra_actions():
            if extra.detail != self.detail:
                continue
            try:
                url = self.reverse_action(
                    extra.url_name,
                    kwargs=self.kwargs if self.detail else None,
                )
            except NoReverseMatch:
                continue
            result[self._action_display_name(extra)] = url
        return result

    def _action_display_name(self, extra: Any) -> str:
        """An action's ``name``, else this viewset's name with the action's ``suffix`` (DRF)."""
        options = getattr(extra, "kwargs", {})
        if options.get("name"):
            return str(options["name"])
        suffix = options.get("suffix")
        name = type(self).view_name
        return f"{name} {suffix}" if suffix else name


def _split_camel(name: str) -> str:
    words, current = [], ""
    for char in name:
        if char.isupper() and current and not current[-1].isupper():
            words.append(current)
            current = char
        else:
            current += char
    if current:
        words.append(current)
    return " ".join(words)


class ViewSet(ViewSetMixin):
    """No actions of its own: write ``list``, ``retrieve``, ... and ``@action`` methods."""


class GenericViewSet(ViewSetMixin, GenericAPIView[_MT]):
    """Queryset, lookups and schemas, no actions: compose it with the mixins."""


class ReadOnlyModelViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, GenericViewSet[_MT]):
    """``list`` and ``retrieve``."""


class ModelViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    GenericViewSet[_MT],
):
    """``list``, ``create``, ``retrieve``, ``update``, ``partial_update`` and ``destroy``."""


# -- DRF's single-purpose generic views ----------------------------------------------------

_LIST_LEVEL = {"get": "list", "post": "create"}
_DETAIL_LEVEL = {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}


class GenericAPIViewSet(GenericViewSet[_MT]):
    """A generic view: one URL, its HTTP methods bound to the mixins' actions.

        class BookList(ListCreateAPIView):
            queryset = Book.objects.all()

        urlpatterns = [path("books/", BookList.as_view())]         # DRF's way, or
        router.register("books", BookList, basename="book-list")   # in the API's OpenAPI

    ``as_view()`` needs no ``actions``: ``http_actions()`` maps ``get`` to ``list`` or
    ``retrieve``, ``post`` to ``create``, and so on, from the mixins the view has.
    """

    @classmethod
    def http_actions(cls) -> dict[str, str]:
        """``{http method: action}`` of this view (list level, else detail level)."""
        for level in (_LIST_LEVEL, _DETAIL_LEVEL):
            found = {m: a for m, a in level.items() if callable(getattr(cls, a, None))}
            if found:
                return found
        return {}

    @classmethod
    def as_view(
        cls, actions: dict[str, str] | None = None, **initkwargs: Any
    ) -> Callable[..., Any]:
        """A Django async view of this generic view's methods (``actions`` to override)."""
        return super().as_view(actions or cls.http_actions(), **initkwargs)


class CreateAPIView(mixins.CreateModelMixin, GenericAPIViewSet[_MT]):
    """``POST``: create an object."""


class ListAPIView(mixins.ListModelMixin, GenericAPIViewSet[_MT]):
    """``GET``: the (filtered, paginated) list of objects."""


class RetrieveAPIView(mixins.RetrieveModelMixin, GenericAPIViewSet[_MT]):
    """``GET``: one object."""


class DestroyAPIView(mixins.DestroyModelMixin, GenericAPIViewSet[_MT]):
    """``DELETE``: delete one object."""


class UpdateAPIView(mixins.UpdateModelMixin, GenericAPIViewSet[_MT]):
    """``PUT`` and ``PATCH``: update one object."""


class ListCreateAPIView(mixins.ListModelMixin, mixins.CreateModelMixin, GenericAPIViewSet[_MT]):
    """``GET`` the list, ``POST`` a new object."""


class RetrieveUpdateAPIView(
    mixins.RetrieveModelMixin, mixins.UpdateModelMixin, GenericAPIViewSet[_MT]
):
    """``GET``, ``PUT`` and ``PATCH`` one object."""


class RetrieveDestroyAPIView(
    mixins.RetrieveModelMixin, mixins.DestroyModelMixin, GenericAPIViewSet[_MT]
):
    """``GET`` and ``DELETE`` one object."""


class RetrieveUpdateDestroyAPIView(
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    GenericAPIViewSet[_MT],
):
    """``GET``, ``PUT``, ``PATCH`` and ``DELETE`` one object."""
