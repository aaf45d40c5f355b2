"""Named builders of MCP requests, for the raw-message and raw-HTTP tests."""

from __future__ import annotations

from typing import Any

from diplex.wire import HttpRequest, dumps

MODERN = "2026-07-28"
ACCEPT_BOTH = "application/json, text/event-stream"
CLIENT_INFO = {"name": "diplex-tests", "version": "0.0.1"}

JsonObject = dict[str, Any]


def envelope(version: str = MODERN, **extra: Any) -> JsonObject:
    """The modern request ``_meta``."""
    return {
        "io.modelcontextprotocol/protocolVersion": version,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": CLIENT_INFO,
        **extra,
    }


def request(method: str, params: JsonObject | None = None, request_id: Any = 1) -> JsonObject:
    message: JsonObject = {"jsonrpc": "2.0", "id": request_id, "method": method}
    if params is not None:
        message["params"] = params
    return message


def notification(method: str, params: JsonObject | None = None) -> JsonObject:
    message: JsonObject = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        message["params"] = params
    return message


def modern(method: str, params: JsonObject | None = None, request_id: Any = 1, **meta: Any) -> JsonObject:
    """A 2026-07-28 request: ``params`` plus the ``_meta`` envelope."""
    return request(method, {**(params or {}), "_meta": envelope(**meta)}, request_id)


def modern_call(name: str, arguments: JsonObject | None = None, **meta: Any) -> JsonObject:
    params: JsonObject = {"name": name}
    if arguments is not None:
        params["arguments"] = arguments
    return modern("tools/call", params, **meta)


def legacy_call(name: str, arguments: JsonObject | None = None, request_id: Any = 1) -> JsonObject:
    return request("tools/call", {"name": name, "arguments": arguments or {}}, request_id)


def initialize(version: str = "2025-11-25") -> JsonObject:
    return request(
        "initialize", {"protocolVersion": version, "capabilities": {}, "clientInfo": CLIENT_INFO}, 0
    )


def modern_headers(method: str, name: str | None = None, version: str = MODERN) -> dict[str, str]:
    """The routing headers a 2026-07-28 client sends."""
    headers = {"mcp-protocol-version": version, "mcp-method": method}
    if name is not None:
        headers["mcp-name"] = name
    return headers


def post(body: Any, headers: dict[str, str] | None = None, *, raw: bytes | None = None) -> HttpRequest:
    """A POST to the endpoint, with the headers every client sends unless overridden."""
    merged = {"content-type": "application/json", "accept": ACCEPT_BOTH, **(headers or {})}
    return HttpRequest(
        "POST",
        "/mcp",
        {k: v for k, v in merged.items() if v is not None},
        raw if raw is not None else dumps(body),
    )


def post_modern(message: JsonObject, **overrides: str) -> HttpRequest:
    """A modern request with the routing headers matching its body (then ``overrides``)."""
    params = message.get("params") or {}
    name = params.get("name") if message["method"] == "tools/call" else None
    headers = modern_headers(message["method"], name)
    return post(message, {**headers, **{k.replace("_", "-"): v for k, v in overrides.items()}})
