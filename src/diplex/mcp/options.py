"""``McpOptions``: how an MCP endpoint is configured, checked once when it is built."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, NamedTuple

__all__ = ["CacheScope", "McpOptions"]

CacheScope = Literal["public", "private"]


class McpOptions(NamedTuple):
    """The options of ``registry.mcp_app(...)`` / ``create_mcp_app(registry, ...)``.

    page_size           tools per ``tools/list`` page (the cursor is opaque to clients)
    ttl_ms              how long clients may cache ``tools/list`` and ``server/discover`` (2026-07-28)
    cache_scope         "public" (any client may share the cached list) or "private"
    allowed_origins     browser origins accepted besides loopback ones, e.g. "https://app.example.com";
                        "*" accepts any origin. A request without an Origin header is always accepted.
    allow_loopback      accept http(s) origins on localhost, 127.0.0.1 and [::1] (any port)
    allowed_hosts       when given, the Host header must be one of these ("host" matches any port,
                        "host:port" only that port); by default the Host is not checked, since
                        behind API Gateway it is the gateway's
    max_body_bytes      larger request bodies are refused with 413
    stream_progress     on an ASGI server, answer a call that asked for progress as an SSE stream
    """

    page_size: int = 100
    ttl_ms: int = 60_000
    cache_scope: CacheScope = "public"
    allowed_origins: frozenset[str] = frozenset()
    allow_loopback: bool = True
    allowed_hosts: frozenset[str] | None = None
    max_body_bytes: int = 4 * 1024 * 1024
    stream_progress: bool = True

    @classmethod
    def build(
        cls,
        *,
        page_size: int = 100,
        ttl_ms: int = 60_000,
        cache_scope: CacheScope = "public",
        allowed_origins: Iterable[str] = (),
        allow_loopback: bool = True,
        allowed_hosts: Iterable[str] | None = None,
        max_body_bytes: int = 4 * 1024 * 1024,
        stream_progress: bool = True,
    ) -> McpOptions:
        """Check and normalise the options; raise ValueError or TypeError naming the bad one."""
        _positive_int("page_size", page_size)
        _positive_int("max_body_bytes", max_body_bytes)
        if isinstance(ttl_ms, bool) or not isinstance(ttl_ms, int) or ttl_ms < 0:
            raise ValueError(f"ttl_ms must be an integer >= 0 (milliseconds), not {ttl_ms!r}")
        if cache_scope not in ("public", "private"):
            raise ValueError(f'cache_scope must be "public" or "private", not {cache_scope!r}')
        return cls(
            page_size=page_size,
            ttl_ms=ttl_ms,
            cache_scope=cache_scope,
            allowed_origins=frozenset(_origin(o) for o in _strings("allowed_origins", allowed_origins)),
            allow_loopback=bool(allow_loopback),
            allowed_hosts=(
                None
                if allowed_hosts is None
                else frozenset(h.strip().lower() for h in _strings("allowed_hosts", allowed_hosts))
            ),
            max_body_bytes=max_body_bytes,
            stream_progress=bool(stream_progress),
        )


def _positive_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, not {value!r}")


def _strings(name: str, values: Iterable[str]) -> list[str]:
    if isinstance(values, str):
        raise TypeError(f"{name} must be a list of strings, not the single string {values!r}")
    values = list(values)
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise TypeError(f"{name} must hold non-empty strings, not {value!r}")
    return values


def _origin(value: str) -> str:
    value = value.strip().lower().rstrip("/")
    if value != "*" and "://" not in value:
        raise ValueError(f"an allowed origin is scheme://host[:port] (or '*'), not {value!r}")
    return value
