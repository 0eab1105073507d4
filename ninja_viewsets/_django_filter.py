"""``DjangoFilterBackend``: a django-filter ``FilterSet`` as typed query parameters.

    class BookViewSet(ModelViewSet):
        queryset = Book.objects.all()
        filter_backends = [DjangoFilterBackend, OrderingFilter]
        filterset_fields = ["year", "author"]          # ?year=1965&author=1

Needs the ``filter`` extra (``pip install ninja-viewsets[filter]``); public through
``ninja_viewsets.filters``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import QuerySet
from ninja import Query

from ninja_viewsets._filtering import (
    BaseFilterBackend,
    QueryParameters,
    _is_collection,
    _list_level,
    _python_name,
    check_value_length,
)
from ninja_viewsets.exceptions import ValidationFailed

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["DjangoFilterBackend"]


class DjangoFilterBackend(BaseFilterBackend):
    """A django-filter ``FilterSet`` (``pip install ninja-viewsets[filter]``): the viewset's
    ``filterset_class``, or one built from ``filterset_fields``. Its filters become query
    parameters (typed in OpenAPI, validated by the FilterSet's form: an invalid value is a 422
    naming the parameter); each raw value is bounded by ``FILTER_MAX_VALUE_LENGTH``.

        class BookViewSet(ModelViewSet):
            queryset = Book.objects.all()
            filter_backends = [DjangoFilterBackend, OrderingFilter]
            filterset_fields = ["year", "author"]          # ?year=1965&author=1
    """

    def __init__(self) -> None:
        try:
            import django_filters
        except ImportError:  # pragma: no cover - the extra is installed in the test env
            raise ImproperlyConfigured(
                "DjangoFilterBackend needs django-filter: pip install 'ninja-viewsets[filter]'."
            ) from None
        self.filterset_base = django_filters.FilterSet

    def get_filterset_class(self, view: Any, queryset: QuerySet[Any] | None = None) -> Any:
        """``view.filterset_class``, or a FilterSet over ``view.filterset_fields`` (cached)."""
        filterset_class = getattr(view, "filterset_class", None)
        filterset_fields = getattr(view, "filterset_fields", None)
        model = queryset.model if queryset is not None else view.get_model()
        if filterset_class is not None:
            filterset_model = filterset_class._meta.model
            if filterset_model and model is not None and not issubclass(model, filterset_model):
                raise ImproperlyConfigured(
                    f"{type(view).__name__}.filterset_class {filterset_class.__name__} is for "
                    f"{filterset_model.__name__}, but the queryset's model is {model.__name__}."
                )
            return filterset_class
        if filterset_fields and model is not None:
            key = (type(self), model, repr(filterset_fields))
            try:
                return _autofiltersets[key]
            except KeyError:
                pass
            meta_base: Any = getattr(self.filterset_base, "Meta", object)
            meta = type("Meta", (meta_base,), {"model": model, "fields": filterset_fields})
            name = f"{model.__name__}FilterSet"
            cls = _autofiltersets[key] = type(name, (self.filterset_base,), {"Meta": meta})
            return cls
        return None

    def get_filterset_kwargs(
        self, request: HttpRequest, queryset: QuerySet[Any], view: Any
    ) -> dict[str, Any]:
        return {"data": request.GET, "queryset": queryset, "request": request}

    def get_filterset(self, request: HttpRequest, queryset: QuerySet[Any], view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return None
        return filterset_class(**self.get_filterset_kwargs(request, queryset, view))

    @_list_level
    async def filter_queryset(
        self, request: HttpRequest, queryset: QuerySet[Any], view: Any
    ) -> Any:
        if not _is_collection(view):
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        given = [name for name in _filterset_query_names(type(filterset)) if name in request.GET]
        for name in given:
            check_value_length(name, request.GET.getlist(name))
        # the form may query the database (a model choice): off the event loop, and only
        # when the request filters at all
        valid = await sync_to_async(filterset.is_valid)() if given else filterset.is_valid()
        if not valid:
            errors = []
            for filter_name, messages in filterset.errors.items():
                flt = filterset.filters.get(filter_name)
                names = _filter_query_names(filter_name, flt) if flt else [filter_name]
                # a range's error is the filter's: name the parameters the client sent
                for name in [n for n in names if n in request.GET] or names[:1]:
                    errors.append(
                        {
                            "type": "value_error",
                            "loc": ["query", name],
                            "msg": " ".join(str(m) for m in messages),
                            "input": request.GET.get(name),
                        }
                    )
            raise ValidationFailed(errors)
        return filterset.qs

    def get_query_parameters(self, view: Any) -> QueryParameters:
        filterset_class = self.get_filterset_class(view)
        if filterset_class is None:
            return {}
        params: QueryParameters = {}
        for filter_name, flt in filterset_class.base_filters.items():
            for query_name in _filter_query_names(filter_name, flt):
                name, alias = _python_name(query_name)
                params[name] = _filter_parameter(flt, alias)
        return params


_autofiltersets: dict[Any, Any] = {}


def _filter_query_names(filter_name: str, flt: Any) -> list[str]:
    widget = flt.field.widget
    suffixes = getattr(widget, "suffixes", None)
    if suffixes:  # a range: name_min / name_max, name_after / name_before
        return [f"{filter_name}_{s}" if s else filter_name for s in suffixes]
    return [filter_name]


_filterset_names_cache: dict[Any, tuple[str, ...]] = {}


def _filterset_query_names(filterset_class: Any) -> tuple[str, ...]:
    try:
        return _filterset_names_cache[filterset_class]
    except KeyError:
        names = tuple(
            q for n, f in filterset_class.base_filters.items() for q in _filter_query_names(n, f)
        )
        _filterset_names_cache[filterset_class] = names
        return names


def _filter_parameter(flt: Any, alias: dict[str, Any]) -> tuple[Any, Any]:
    """An optional query parameter documented with the filter's type (the FilterSet
    validates the value, so Ninja reads it as a string)."""
    from typing import Annotated

    import django_filters as df
    from pydantic import WithJsonSchema

    schema: dict[str, Any] = {"type": "string"}
    if isinstance(flt, df.DateTimeFromToRangeFilter | df.IsoDateTimeFromToRangeFilter):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(flt, df.DateFromToRangeFilter):
        schema = {"type": "string", "format": "date"}
    elif isinstance(flt, df.RangeFilter | df.NumericRangeFilter):
        schema = {"type": "number"}
    elif isinstance(flt, df.BaseCSVFilter):
        schema = {"type": "string", "description": "Comma-separated values."}
    elif isinstance(flt, df.NumberFilter):
        schema = {"type": "number"}
    elif isinstance(flt, df.BooleanFilter):
        schema = {"type": "boolean"}
    elif isinstance(flt, df.DateTimeFilter):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(flt, df.DateFilter):
        schema = {"type": "string", "format": "date"}
    elif isinstance(flt, df.UUIDFilter):
        schema = {"type": "string", "format": "uuid"}
    elif isinstance(flt, df.ModelChoiceFilter | df.ModelMultipleChoiceFilter):
        pk = flt.queryset.model._meta.pk if flt.queryset is not None else None
        if isinstance(pk, models.AutoField | models.BigAutoField | models.IntegerField):
            schema = {"type": "integer"}
    elif isinstance(flt, df.ChoiceFilter | df.MultipleChoiceFilter):
        choices = [str(value) for value, _ in flt.extra.get("choices") or () if value != ""]
        if choices:
            schema = {"type": "string", "enum": choices}
    description = flt.label if isinstance(flt.label, str) else None
    if isinstance(flt, df.MultipleChoiceFilter | df.ModelMultipleChoiceFilter):
        annotation: Any = list[str] | None  # Ninja reads a list from repeated parameters
    else:
        annotation = Annotated[str | None, WithJsonSchema(schema)]
    return annotation, Query(None, description=description, **alias)
