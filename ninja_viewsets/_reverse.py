"""Reversing the API's URL names: ``reverse()`` in the API's namespace, integer values from a
template.

Every ``201 Created`` carries the new object's ``Location``, and ``reverse()`` walks the URL
resolver (namespaces, patterns, converters, quoting) each time: a tenth of a create's CPU. The URL
of a route whose values are integers (``pk``, nested parents' ids) differs from one object to the
next only by the digits of those integers, so it is reversed once with probe values and then
filled in. A template is kept only when it is proven to be a plain substitution (the probes agree on
everything but the digits); any other route, value or converter goes through ``reverse()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.urls.resolvers import URLResolver

__all__ = ["reverse_in_api"]

# probes per value: digits no URL prefix of an API has, the second differing in every digit;
# then a small one (a converter that pads or encodes its integer shows there)
_PROBES = (7_314_862_905_531_478_926, 8_425_973_016_642_589_037, 5)
_MAX = 10**18  # integers up to this many digits: a converter's regex sees no other shape

# per URL resolver (a new one after clear_url_caches()): (namespace, name, keys, script prefix)
# -> the URL with probe digits, or None (no plain substitution: reverse() each time)
_templates: WeakKeyDictionary[URLResolver, dict[tuple[Any, ...], str | None]] = WeakKeyDictionary()


def reverse_in_api(
    name: str,
    *,
    args: Sequence[Any] | None = None,
    kwargs: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> str:
    """``reverse(name)`` in the API's URL namespace (the request's, or the one that has it)."""
    match = getattr(request, "resolver_match", None) if request is not None else None
    first = match.namespace if match is not None and match.namespace else None
    if not args and kwargs and all(_plain_int(v) for v in kwargs.values()):
        url = _from_template(first, name, kwargs)
        if url is not None:
            return url
    return _reverse(first, name, args, kwargs)


def _reverse(
    first: str | None, name: str, args: Sequence[Any] | None, kwargs: dict[str, Any] | None
) -> str:
    if first is not None:  # the request's own API: usually the one (the others: on a miss)
        try:
            return reverse(f"{first}:{name}", args=args, kwargs=kwargs)
        except NoReverseMatch:
            pass
    namespaces = [ns for ns in get_resolver().namespace_dict if ns != first]
    for namespace in [*namespaces, ""]:
        try:
            return reverse(f"{namespace}:{name}" if namespace else name, args=args, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise NoReverseMatch(f"Reverse for {name!r} not found in any URL namespace.")


def _plain_int(value: Any) -> bool:
    return type(value) is int and 0 <= value < _MAX


def _from_template(first: str | None, name: str, kwargs: dict[str, Any]) -> str | None:
    resolver = get_resolver(get_urlconf())
    keys = tuple(sorted(kwargs))
    key = (first, name, keys, get_script_prefix())
    cache = _templates.setdefault(resolver, {})
    try:
        template = cache[key]
    except KeyError:
        template = cache[key] = _template(first, name, keys)
    if template is None:
        return None
    for i, k in enumerate(keys):
        template = template.replace(str(_PROBES[0] + i), str(kwargs[k]))
    return template


def _template(first: str | None, name: str, keys: tuple[str, ...]) -> str | None:
    """The URL of ``name`` with probe digits for ``keys``, when filling in integers is exactly
    what ``reverse()`` would do; ``None`` otherwise."""
    try:
        urls = [
            _reverse(first, name, None, {k: probe + i for i, k in enumerate(keys)})
            for probe in _PROBES
        ]
    except NoReverseMatch:
        return None
    template, other, small = urls
    for i in range(len(keys)):
        one, two = str(_PROBES[0] + i), str(_PROBES[1] + i)
        if template.count(one) != 1 or other.count(two) != 1:
            return None
        other = other.replace(two, one)
    if template != other:
        return None
    filled = template
    for i in range(len(keys)):
        filled = filled.replace(str(_PROBES[0] + i), str(_PROBES[2] + i))
    return template if filled == small else None
