"""HTTP exchanges as plain data, shared by every framing (ASGI, Lambda events, tests).

The REST and MCP surfaces each have ONE function from an ``HttpRequest`` to an
``HttpResponse``; the ASGI apps and the Lambda handler only frame these. Nothing here imports
an HTTP framework.

On the per-request path, records (these and the MCP dispatcher's) are built as
``tuple.__new__(Record, (every field, in order))``: a NamedTuple's own constructor is a Python
function, which costs twice as much as the tuple it makes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import pydantic_core

__all__ = [
    "JSON_HEADERS",
    "HttpRequest",
    "HttpResponse",
    "dumps",
    "json_response",
    "loads",
    "may_name_non_finite",
]

# The strict encoder, consulted only when the fast one wrote what may be a non-finite number.
_strict = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode
_N, _I = ord("N"), ord("I")


def dumps(value: Any) -> bytes:
    """JSON-encode ``value`` to compact UTF-8 bytes; raise ValueError for what is not JSON.

    pydantic-core's encoder (about 4x faster than the json module's) writes NaN and Infinity
    as bare constants, which are not JSON: when its output contains those words, the strict
    encoder decides (they may only be inside a string) and raises ValueError for a real one.
    """
    data = pydantic_core.to_json(value)  # PydanticSerializationError is a ValueError
    if may_name_non_finite(data):
        _strict(value)
    return data


def may_name_non_finite(data: bytes) -> bool:
    """Whether JSON text holds the word NaN or Infinity (as a value, or inside a string)."""
    # Each word only where its first letter occurs: an int needle is a memchr, a tenth of the
    # cost of a bytes needle (most documents have no capital N, and no capital I).
    return (_N in data and b"NaN" in data) or (_I in data and b"Infinity" in data)


def loads(data: bytes | str) -> Any:
    """Decode one JSON document; raise ValueError for what is not JSON.

    pydantic-core's parser (about 3x faster than the json module's on a small message): NaN
    and Infinity are refused, as are invalid UTF-8, lone surrogate escapes and nesting deeper
    than about 200 (the limit pydantic applies to REST bodies too).
    """
    return pydantic_core.from_json(data, allow_inf_nan=False)


class HttpRequest(NamedTuple):
    """An HTTP request. ``headers`` keys are lower-case; repeated headers are joined by ', '.

    ``path`` is percent-decoded; ``query`` is the raw query string (without '?').
    """

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes = b""
    query: str = ""


class HttpResponse(NamedTuple):
    """An HTTP response; ``headers`` is a list of (name, value) pairs, names lower-case."""

    status: int
    body: bytes = b""
    headers: Sequence[tuple[str, str]] = ()


JSON_HEADERS: tuple[tuple[str, str], ...] = (("content-type", "application/json"),)


def json_response(status: int, value: Any, headers: list[tuple[str, str]] | None = None) -> HttpResponse:
    """A response whose body is ``value`` as JSON; without ``headers`` its headers are
    ``JSON_HEADERS`` itself, which framings may recognise by identity."""
    all_headers = JSON_HEADERS if headers is None else (*JSON_HEADERS, *headers)
    return tuple.__new__(HttpResponse, (status, dumps(value), all_headers))
