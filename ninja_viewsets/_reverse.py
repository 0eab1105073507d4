"""Reversing the API's URL names: ``reverse()`` in the API's namespace, integer values from a
template; absolute URLs for a request.

Every ``201 Created`` carries the new object's ``Location``, and ``reverse()`` walks the URL
resolver (namespaces, patterns, converters, quoting) each time: a tenth of a create's CPU. The URL
of a route whose values are integers (``pk``, nested parents' ids) differs from one object to the
next only by the digits of those integers, so it is reversed once with probe values and then
filled in. A template is kept only when it is proven to be a plain substitution (the probes agree on
everything but the digits); any other route, value or converter goes through ``reverse()``.

Making it absolute is the other half of that header's cost: ``build_absolute_uri()`` validates
the request's host against ``ALLOWED_HOSTS`` for every request and parses and quotes the path.
:func:`absolute_uri` gives the same string, remembering the ``scheme://host`` a request's
host headers were validated to (the same headers and settings validate the same way; a changed
setting forgets them all), and prefixing it to a path that is already what
``build_absolute_uri()`` would make of it (``reverse()``'s quoted paths are).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

from django.core.signals import setting_changed
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.urls.resolvers import URLResolver

__all__ = ["absolute_uri", "reverse_in_api"]

# probes per value: digits no URL prefix of an API has, the second differing in every digit;
# then a small one (a converter that pads or encodes its integer shows there)
_PROBES = (7_314_862_905_531_478_926, 8_425_973_016_642_589_037, 5)
_PROBE_DIGITS = tuple(str(_PROBES[0] + i) for i in range(16))  # the first probe, per key
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
    keys = tuple(sorted(kwargs)) if len(kwargs) > 1 else tuple(kwargs)
    if len(keys) > len(_PROBE_DIGITS):
        return None
    key = (first, name, keys, get_script_prefix())
    cache = _templates.get(resolver)
    if cache is None:
        cache = _templates.setdefault(resolver, {})
    try:
        template = cache[key]
    except KeyError:
        template = cache[key] = _template(first, name, keys)
    if template is None:
        return None
    for probe, k in zip(_PROBE_DIGITS, keys, strict=False):
        template = template.replace(probe, str(kwargs[k]))
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


# -- absolute URLs ---------------------------------------------------------------------------

# a path build_absolute_uri() leaves as it is: absolute ("/", not "//"), no dot segment to
# resolve, nothing iri_to_uri() would quote (reverse() and storages quote their paths)
_PLAIN_PATH = re.compile(r"/(?!/)[A-Za-z0-9_.~/%!$&'()*+,;=:@?#\[\]-]*")
# (scheme, the host headers) -> "scheme://host" as validated by get_host() with today's settings
_hosts: dict[tuple[Any, ...], str] = {}
_MAX_HOSTS = 256  # ALLOWED_HOSTS = ["*"] validates any host: the memo stays bounded


def absolute_uri(request: HttpRequest, location: str) -> str:
    """``request.build_absolute_uri(location)``, the same string, without validating the same
    host headers again for every request (``DisallowedHost`` as Django raises it)."""
    if (
        "/./" in location
        or "/../" in location
        or not _PLAIN_PATH.fullmatch(location)
        or not _djangos_own(request)
    ):
        return request.build_absolute_uri(location)
    meta = request.META
    key = (
        type(request),
        request.scheme,
        meta.get("HTTP_X_FORWARDED_HOST"),
        meta.get("HTTP_HOST"),
        meta.get("SERVER_NAME"),
        meta.get("SERVER_PORT"),
        meta.get("HTTP_X_FORWARDED_PORT"),
    )
    base = _hosts.get(key)
    if base is None:
        base = f"{request.scheme}://{request.get_host()}"  # DisallowedHost: not remembered
        if len(_hosts) >= _MAX_HOSTS:
            _hosts.clear()
        _hosts[key] = base
    return base + location


def _djangos_own(request: HttpRequest) -> bool:
    """Whether ``request`` builds absolute URIs and finds its host as Django's requests do
    (Ninja's ``TestClient`` sets its own ``build_absolute_uri`` on the request)."""
    cls = type(request)  # Ninja 1.5's TestClient: a Mock with HttpRequest's spec
    return (
        getattr(cls, "build_absolute_uri", None) is HttpRequest.build_absolute_uri
        and getattr(cls, "get_host", None) is HttpRequest.get_host
        and "build_absolute_uri" not in vars(request)
    )


def _forget_hosts(**kwargs: Any) -> None:  # ALLOWED_HOSTS, DEBUG, USE_X_FORWARDED_HOST...
    _hosts.clear()


setting_changed.connect(_forget_hosts)
