"""One small adapter per surface: send a tool call the way a real client would, observe the answer.

    python               ``registry.call``: the invoker itself, the reference
    rest                 the FastAPI app in process (httpx ASGI transport), POST /tools/{name}
    mcp-2026-07-28       the MCP ASGI app in process, modern era (``_meta`` envelope, routing headers)
    mcp-2025-11-25       the MCP ASGI app in process, handshake era (stateless: no initialize)
    lambda-http-v2-rest  the Lambda handler, HTTP API payload 2.0 event, POST /tools/{name}
    lambda-http-v2-mcp   the Lambda handler, HTTP API payload 2.0 event, POST /mcp (2026-07-28)
    lambda-rest-v1       the Lambda handler, REST API payload 1.0 event, POST /tools/{name}
    lambda-mcp-message   the Lambda handler, a raw MCP JSON-RPC message as the event
    lambda-direct        the Lambda handler, a direct invocation {"tool": ..., "arguments": ...}
    url-rest, url-mcp    a running deployment (``url=``): {url}/tools/{name} and {url}/mcp

The in-process ASGI apps run on diplex's process loop (``diplex.runtime.drive``), so a check
is run from sync code, never inside a running event loop.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

import httpx

from diplex import runtime
from diplex.registry import Registry
from diplex.tool import Tool
from diplex.wire import dumps

from .events import direct_event, http_v2_event, rest_v1_event
from .normalize import Observation, from_direct, from_jsonrpc, from_mcp, from_rest

__all__ = ["IN_PROCESS", "MODERN", "URL_SURFACES", "Surface", "build_surfaces", "mcp_request"]

MODERN = "2026-07-28"
HANDSHAKE = "2025-11-25"
IN_PROCESS = (
    "python",
    "rest",
    "mcp-2026-07-28",
    "mcp-2025-11-25",
    "lambda-http-v2-rest",
    "lambda-http-v2-mcp",
    "lambda-rest-v1",
    "lambda-mcp-message",
    "lambda-direct",
)
URL_SURFACES = ("url-rest", "url-mcp")
_ACCEPT = "application/json, text/event-stream"
_CLIENT_INFO = {"name": "diplex-check", "version": "1"}


class Surface(Protocol):
    """A way to call a tool; ``tool`` is None for a name the registry does not know."""

    name: str

    def call(self, name: str, tool: Tool | None, arguments: Any) -> Observation: ...


def _schema(tool: Tool | None) -> Mapping[str, Any] | None:
    return tool.output_schema if tool is not None else None


# -- MCP requests ----------------------------------------------------------------------------------

_ids = itertools.count(1)


def mcp_request(
    version: str, name: str, arguments: Any, tool: Tool | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """A ``tools/call`` message and the HTTP headers a client of ``version`` sends with it."""
    params: dict[str, Any] = {"name": name, "arguments": arguments}
    headers = {"content-type": "application/json", "accept": _ACCEPT, "mcp-protocol-version": version}
    if version == MODERN:
        params["_meta"] = {
            "io.modelcontextprotocol/protocolVersion": version,
            "io.modelcontextprotocol/clientCapabilities": {},
            "io.modelcontextprotocol/clientInfo": _CLIENT_INFO,
        }
        headers.update({"mcp-method": "tools/call", "mcp-name": name})
        if tool is not None and isinstance(arguments, Mapping):
            headers.update(_param_headers(tool.input_schema, arguments))
    return {"jsonrpc": "2.0", "id": next(_ids), "method": "tools/call", "params": params}, headers


def _param_headers(schema: Mapping[str, Any], arguments: Mapping[str, Any]) -> dict[str, str]:
    """``Mcp-Param-X`` for every argument the schema marks ``"x-mcp-header": "X"``."""
    found: dict[str, str] = {}
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return found
    for key, sub in properties.items():
        if not isinstance(sub, Mapping) or key not in arguments:
            continue
        value = arguments[key]
        header = sub.get("x-mcp-header")
        if isinstance(header, str) and header and value is not None:
            found[f"mcp-param-{header.lower()}"] = _header_value(value)
        if isinstance(value, Mapping):
            found.update(_param_headers(sub, value))
    return found


def _header_value(value: Any) -> str:
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if text.isascii() and text.isprintable() and text == text.strip():
        return text
    return f"=?base64?{base64.b64encode(text.encode()).decode()}?="


# -- HTTP in process or over the network -------------------------------------------------------------


class _Http:
    """An httpx client driven on diplex's process loop."""

    def __init__(self, base_url: str, transport: httpx.AsyncBaseTransport | None) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, transport=transport, timeout=60)

    def post(self, path: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, bytes]:
        response = runtime.drive(self._client.post(path, content=body, headers=dict(headers)))
        return response.status_code, response.content

    def close(self) -> None:
        runtime.drive(self._client.aclose())


class _RestHttp:
    def __init__(self, name: str, http: _Http, prefix: str) -> None:
        self.name, self._http, self._prefix = name, http, prefix

    def call(self, name: str, tool: Tool | None, arguments: Any) -> Observation:
        headers = {"content-type": "application/json"}
        return from_rest(*self._http.post(f"{self._prefix}/{name}", dumps(arguments), headers))


class _McpHttp:
    def __init__(self, name: str, http: _Http, path: str, version: str) -> None:
        self.name, self._http, self._path, self._version = name, http, path, version

    def call(self, name: str, tool: Tool | None, arguments: Any) -> Observation:
        message, headers = mcp_request(self._version, name, arguments, tool)
        status, body = self._http.post(self._path, dumps(message), headers)
        return from_mcp(status, body, self._version, _schema(tool))


# -- Lambda -------------------------------------------------------------------------------------------


class LambdaContext:
    """The parts of a Lambda context object diplex reads."""

    function_name = "diplex-check"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:diplex-check"

    def __init__(self) -> None:
        self.aws_request_id = f"check-{next(_ids)}"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


Handler = Callable[[Any, Any], Any]


class _LambdaHttp:
    def __init__(self, name: str, handler: Handler, event: str, path: str, version: str | None) -> None:
        self.name, self._handler, self._event, self._path, self._version = name, handler, event, path, version

    def call(self, name: str, tool: Tool | None, arguments: Any) -> Observation:
        if self._version is None:
            path, body, headers = (
                f"{self._path}/{name}",
                dumps(arguments),
                {"content-type": "application/json"},
            )
        else:
            message, headers = mcp_request(self._version, name, arguments, tool)
            path, body = self._path, dumps(message)
        build = http_v2_event if self._event == "http-v2" else rest_v1_event
        answer = self._handler(build("POST", path, body=body, headers=headers), LambdaContext())
        raw = answer.get("body") or ""
        data = base64.b64decode(raw) if answer.get("isBase64Encoded") else raw.encode()
        if self._version is None:
            return from_rest(answer["statusCode"], data)
        return from_mcp(answer["statusCode"], data, self._version, _schema(tool))


class _LambdaMessage:
    name = "lambda-mcp-message"

    def __init__(self, handler: Handler) -> None:
        self._handler = handler

    def call(self, name: str, tool: Tool | None, arguments: Any) -> Observation:
        message, _ = mcp_request(MODERN, name, arguments, tool)
        return from_jsonrpc(self._handler(message, LambdaContext()), MODERN, _schema(tool))


class _LambdaDirect:
    name = "lambda-direct"

    def __init__(self, handler: Handler) -> None:
        self._handler = handler

    def call(self, name: str, tool: Tool | None, arguments: Any) -> Observation:
        try:
            value = self._handler(direct_event(name, arguments), LambdaContext())
        except Exception as exc:
            return from_direct(exc=exc)
        return from_direct(value)


class _Python:
    name = "python"

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def call(self, name: str, tool: Tool | None, arguments: Any) -> Observation:
        outcome = self._registry.call(name, arguments)
        if outcome.error is None:
            return from_direct(outcome.value)
        return Observation(False, kind=outcome.error.kind, raw=outcome.error.message)


# -- building them ------------------------------------------------------------------------------------


class Surfaces:
    """The chosen surfaces, built once; ``close()`` releases their clients."""

    def __init__(self, surfaces: Sequence[Surface], clients: Iterable[_Http]) -> None:
        self.surfaces = list(surfaces)
        self._clients = list(clients)

    def close(self) -> None:
        for client in self._clients:
            client.close()


def build_surfaces(
    registry: Registry,
    names: Iterable[str],
    *,
    url: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Surfaces:
    """The surfaces ``names`` for ``registry``; ``url`` (and, in tests, ``transport``) for the url ones."""
    chosen = list(dict.fromkeys(names))
    unknown = [n for n in chosen if n not in IN_PROCESS + URL_SURFACES]
    if unknown:
        raise ValueError(f"unknown surfaces {unknown}; choose from {list(IN_PROCESS + URL_SURFACES)}")
    if url is None and any(n in URL_SURFACES for n in chosen):
        raise ValueError("the url-rest and url-mcp surfaces need a url")
    made: dict[str, Surface] = {}
    clients: list[_Http] = []
    if "python" in chosen:
        made["python"] = _Python(registry)
    if "rest" in chosen:
        from diplex.rest import create_app

        rest = _Http("http://diplex.check", httpx.ASGITransport(app=create_app(registry, mcp=False)))
        clients.append(rest)
        made["rest"] = _RestHttp("rest", rest, "/tools")
    if any(n.startswith("mcp-") for n in chosen):
        mcp = _Http("http://diplex.check", httpx.ASGITransport(app=registry.mcp_app()))
        clients.append(mcp)
        for version in (MODERN, HANDSHAKE):
            made[f"mcp-{version}"] = _McpHttp(f"mcp-{version}", mcp, "/", version)
    if any(n.startswith("lambda-") for n in chosen):
        from diplex.aws.handler import lambda_handler

        handler = lambda_handler(registry)
        made["lambda-http-v2-rest"] = _LambdaHttp("lambda-http-v2-rest", handler, "http-v2", "/tools", None)
        made["lambda-http-v2-mcp"] = _LambdaHttp("lambda-http-v2-mcp", handler, "http-v2", "/mcp", MODERN)
        made["lambda-rest-v1"] = _LambdaHttp("lambda-rest-v1", handler, "rest-v1", "/tools", None)
        made["lambda-mcp-message"] = _LambdaMessage(handler)
        made["lambda-direct"] = _LambdaDirect(handler)
    if url is not None and any(n in URL_SURFACES for n in chosen):
        remote = _Http(url.rstrip("/"), transport)
        clients.append(remote)
        made["url-rest"] = _RestHttp("url-rest", remote, "/tools")
        made["url-mcp"] = _McpHttp("url-mcp", remote, "/mcp", MODERN)
    return Surfaces([made[n] for n in chosen], clients)
