"""What the paginators share: the 400 for a bad page, and ``Input`` built from class attributes.

    class LargeResults(PageNumberPagination):
        page_size = 100                 # _Configured rebuilds Input: ?page_size up to 1000
        max_page_size = 1000

Public through ``ninja_viewsets.pagination``; the paginators live there and in ``_cursor``.
"""

from __future__ import annotations

from collections.abc import Callable
from math import inf
from typing import Any

from ninja import Field, Schema
from pydantic import WrapValidator, create_model
from pydantic_core import PydanticCustomError, PydanticUseDefault

from ninja_viewsets.exceptions import APIException

__all__ = ["BlankIsDefault", "InvalidPage"]


class InvalidPage(APIException):
    status_code = 400
    default_detail = "Invalid page."
    default_code = "invalid_page"


def _blank_is_default(value: Any, handler: Callable[[Any], Any]) -> Any:
    """``?page=`` (an empty value) is the parameter left out, as in DRF."""
    if value == "":
        raise PydanticUseDefault()
    return handler(value)


BlankIsDefault = WrapValidator(_blank_is_default)
# documented, so clients and schema checkers know ``?page=`` is accepted (as left out)
_BLANK: dict[str, Any] = {"type": "string", "maxLength": 0}


def _page_validator(last_page_strings: tuple[str, ...]) -> WrapValidator:
    """A page number (>= 1) or one of ``last_page_strings``, in one clear error when neither."""
    expected = " or ".join(repr(s) for s in last_page_strings)

    def validate(value: Any, handler: Callable[[Any], Any]) -> Any:
        if value == "" or value is None:
            raise PydanticUseDefault()
        if isinstance(value, str) and value in last_page_strings:
            return value
        if isinstance(value, bool):
            value = None
        try:
            number = int(value) if isinstance(value, int | str) else None
        except ValueError:
            number = None
        if number is None:
            raise PydanticCustomError(
                "int_parsing",
                "Input should be a valid integer or {expected}",
                {"expected": expected},
            )
        if number < 1:
            raise PydanticCustomError(
                "greater_than_equal", "Input should be greater than or equal to 1", {"ge": 1}
            )
        return number

    return WrapValidator(validate)


def _field(name: str, query_param: str, default: Any, description: str) -> Any:
    alias = query_param if query_param != name else None
    return Field(default, alias=alias, description=description)


def _input_schema(cls: type, fields: dict[str, Any]) -> type[Schema]:
    schema: type[Schema] = create_model(f"{cls.__name__}Input", __base__=Schema, **fields)
    return schema


def _positive(value: Any) -> int | None:
    """A bound from a class attribute: ``None`` for unbounded (``None`` or ``inf``)."""
    return None if value is None or value == inf else int(value)


class _Configured:
    """Builds ``Input`` from the class attributes, for the class and each subclass."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "Input" not in vars(cls):  # a hand-written Input is the user's to keep
            cls.Input = cls.build_input()  # type: ignore[attr-defined]

    @classmethod
    def build_input(cls) -> type[Schema]:  # pragma: no cover - every paginator overrides it
        raise NotImplementedError
