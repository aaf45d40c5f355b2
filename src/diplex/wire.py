"""HTTP exchanges as plain data, shared by every framing (ASGI, Lambda events, tests).

The REST and MCP surfaces each have ONE function from an ``HttpRequest`` to an
``HttpResponse``; the ASGI apps and the Lambda handler only frame these. Nothing here imports
an HTTP framework.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["HttpRequest", "HttpResponse", "dumps", "json_response"]

# One prebuilt encoder: compact, UTF-8, refuses NaN/Infinity (not JSON).
_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def dumps(value: Any) -> bytes:
    """JSON-encode ``value`` to compact UTF-8 bytes."""
    return _encode(value).encode()


@dataclasses.dataclass
class HttpRequest:
    """An HTTP request. ``headers`` keys are lower-case; repeated headers are joined by ', '.

    ``path`` is percent-decoded; ``query`` is the raw query string (without '?').
    """

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes = b""
    query: str = ""


@dataclasses.dataclass
class HttpResponse:
    """An HTTP response; ``headers`` is a list of (name, value) pairs, names lower-case."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = dataclasses.field(default_factory=list)


def json_response(status: int, value: Any, headers: list[tuple[str, str]] | None = None) -> HttpResponse:
    """A response whose body is ``value`` as JSON."""
    return HttpResponse(status, dumps(value), [("content-type", "application/json"), *(headers or ())])
