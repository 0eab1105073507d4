"""Private: what differs between the supported django-ninja releases (1.5 to 1.7)."""

from __future__ import annotations

from typing import Any

try:  # django-ninja >= 1.6
    from ninja import Status
except ImportError:  # pragma: no cover - django-ninja 1.5 answers (status, body) tuples

    class Status:  # type: ignore[no-redef]
        """Stand-in for ``ninja.Status`` on django-ninja 1.5."""

        __slots__ = ("status_code", "value")

        def __init__(self, status_code: int, value: Any) -> None:
            self.status_code = status_code
            self.value = value


NATIVE_STATUS = Status.__module__.split(".")[0] == "ninja"


def respond(status_code: int, value: Any) -> Any:
    """A body with an explicit status code, in the form this django-ninja understands."""
    return Status(status_code, value) if NATIVE_STATUS else (status_code, value)


def split_status(result: Any) -> tuple[int | None, Any]:
    """``(status, body)`` of an action's result (``Status``, or a 2-tuple on Ninja 1.5)."""
    if isinstance(result, Status):
        return result.status_code, result.value
    if not NATIVE_STATUS and isinstance(result, tuple) and len(result) == 2:
        return result[0], result[1]
    return None, result


__all__ = ["Status", "respond", "split_status"]
