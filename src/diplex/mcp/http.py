"""MCP over HTTP without a framework: an ``HttpRequest`` in, an ``HttpResponse`` out.

The rules of the Streamable HTTP transport (both eras) live here once; the ASGI app and the
Lambda handler only frame them. ``McpEndpoint.handle`` (sync: the Lambda path) and
``McpEndpoint.handle_async`` (ASGI) share every step: :meth:`McpEndpoint.prepare` checks the
request and parses its body, the dispatcher answers it, :meth:`McpEndpoint.render` frames the reply.

Checks, in order: Host (only when an allow-list is configured, else 421), Origin (absent or
loopback or configured, else 403), POST only (405 with ``Allow``), body size (413),
``Content-Type`` (415 unless JSON), ``Accept`` (406 unless it admits JSON or an event
stream), JSON (-32700, 400). No session id is ever minted or required.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from ..context import Transport
from ..registry import Registry
from ..wire import HttpRequest, HttpResponse, dumps, json_response, loads
from .jsonrpc import INVALID_REQUEST, PARSE_ERROR, JsonObject, error_message
from .notify import Notify
from .options import McpOptions
from .protocol import Channel, Dispatcher, Reply, run_steps, run_steps_async
from .routing import RoutingHeaders

__all__ = ["Exchange", "McpEndpoint", "refusal", "sse_event"]

HTTP_DEFAULT_VERSION = "2025-03-26"  # a handshake-era request without MCP-Protocol-Version


def sse_event(message: JsonObject | list[JsonObject]) -> bytes:
    """One server-sent event carrying a JSON-RPC message."""
    return b"event: message\ndata: " + dumps(message) + b"\n\n"


class Exchange(NamedTuple):
    """A request that passed the HTTP rules, with its parsed body."""

    message: Any
    headers: RoutingHeaders
    json_ok: bool  # Accept admits application/json (else the answer is an event stream)
    stream_ok: bool  # Accept lists text/event-stream

    @property
    def wants_stream(self) -> bool:
        """A tool call that asked for progress, from a client that takes an event stream."""
        message = self.message
        if not self.stream_ok or not isinstance(message, dict) or message.get("method") != "tools/call":
            return False
        params = message.get("params")
        meta = params.get("_meta") if isinstance(params, dict) else None
        return isinstance(meta, dict) and "progressToken" in meta


def refusal(status: int, message: str, headers: list[tuple[str, str]] | None = None) -> HttpResponse:
    """An HTTP-level refusal, with an id-less JSON-RPC error as its body."""
    return json_response(status, error_message(None, INVALID_REQUEST, message), headers)


def _media_type(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


@functools.lru_cache(maxsize=64)  # clients send the same few Accept headers again and again
def _accepts(accept: str | None) -> tuple[bool, bool, bool]:
    """(admits JSON, lists text/event-stream, admits some text/*) for an Accept header."""
    if accept is None or not accept.strip():
        return True, True, True
    json_ok = stream_ok = text_ok = False
    for part in accept.split(","):
        media, *parameters = part.split(";")
        if any(_is_q_zero(p) for p in parameters):
            continue
        media = media.strip().lower()
        json_ok = json_ok or media in ("*/*", "application/*", "application/json")
        stream_ok = stream_ok or media == "text/event-stream"
        text_ok = text_ok or media in ("*/*", "text/*")
    return json_ok, stream_ok, text_ok


def _is_q_zero(parameter: str) -> bool:
    name, _, value = parameter.strip().partition("=")
    if name.strip().lower() != "q":
        return False
    try:
        return float(value) == 0
    except ValueError:
        return False


def _is_loopback(origin: str) -> bool:
    try:
        parts = urlsplit(origin)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host or parts.path or parts.query:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0]


class McpEndpoint:
    """The MCP endpoint of one registry, as a function from HTTP request to HTTP response."""

    def __init__(self, registry: Registry, options: McpOptions | None = None) -> None:
        self.registry = registry
        self.options = options if options is not None else McpOptions()
        self.dispatcher = Dispatcher(registry, self.options)

    # -- entry points -------------------------------------------------------------------------

    def handle(
        self,
        request: HttpRequest,
        *,
        transport: Transport = "lambda",
        deadline: float | None = None,
        platform: Any = None,
        request_id: str | None = None,
    ) -> HttpResponse:
        """Answer from sync code (the Lambda path): sync tools run on this thread."""
        prepared = self.prepare(request)
        if isinstance(prepared, HttpResponse):
            return prepared
        channel = self.channel(prepared, transport, None, deadline, platform, request_id)
        reply = run_steps(self.dispatcher.exchange(prepared.message, channel), self.dispatcher.tools)
        return self.render(reply, prepared.json_ok)

    async def handle_async(
        self,
        request: HttpRequest,
        *,
        transport: Transport = "asgi",
        notify: Notify | None = None,
        deadline: float | None = None,
        platform: Any = None,
        request_id: str | None = None,
    ) -> HttpResponse:
        """Answer on the running event loop; ``notify`` receives progress notifications."""
        prepared = self.prepare(request)
        if isinstance(prepared, HttpResponse):
            return prepared
        channel = self.channel(prepared, transport, notify, deadline, platform, request_id)
        return await self.respond_async(prepared, channel)

    # -- the shared steps ---------------------------------------------------------------------

    def prepare(self, request: HttpRequest) -> HttpResponse | Exchange:
        """Apply the HTTP rules and parse the body: a refusal, or the exchange to answer."""
        headers = request.headers
        if self.options.allowed_hosts is not None and (refused := self._check_host(headers)):
            return refused
        if "origin" in headers and (refused := self._check_origin(headers)):
            return refused
        if request.method != "POST":
            return refusal(405, "Method not allowed: this MCP endpoint takes POST only", [("allow", "POST")])
        if len(request.body) > self.options.max_body_bytes:
            return refusal(413, f"Payload too large: the limit is {self.options.max_body_bytes} bytes")
        content_type = headers.get("content-type")
        if (
            content_type is not None
            and content_type != "application/json"
            and _media_type(content_type) != "application/json"
        ):
            return refusal(415, "Unsupported media type: send Content-Type: application/json")
        json_ok, stream_ok, text_ok = _accepts(headers.get("accept"))
        if not (json_ok or stream_ok or text_ok):
            return refusal(406, "Not acceptable: accept application/json and text/event-stream")
        try:
            message = loads(request.body)
        except ValueError as exc:
            error = error_message(None, PARSE_ERROR, f"Parse error: {type(exc).__name__}")
            return json_response(400, error)
        return tuple.__new__(Exchange, (message, RoutingHeaders.read(headers), json_ok, stream_ok))

    def channel(
        self,
        exchange: Exchange,
        transport: Transport,
        notify: Notify | None,
        deadline: float | None,
        platform: Any,
        request_id: str | None,
    ) -> Channel:
        notify = notify if exchange.stream_ok else None
        # (tuple.__new__: see diplex.wire)
        return tuple.__new__(
            Channel,
            (transport, exchange.headers, HTTP_DEFAULT_VERSION, notify, deadline, platform, request_id),
        )

    async def respond_async(self, exchange: Exchange, channel: Channel) -> HttpResponse:
        steps = self.dispatcher.exchange(exchange.message, channel)
        reply = await run_steps_async(steps, self.dispatcher.tools)
        return self.render(reply, exchange.json_ok)

    @staticmethod
    def render(reply: Reply, json_ok: bool = True) -> HttpResponse:
        if reply.body is None:
            return HttpResponse(reply.status)
        if json_ok:
            return json_response(reply.status, reply.body)
        return HttpResponse(reply.status, sse_event(reply.body), [("content-type", "text/event-stream")])

    # -- guards ---------------------------------------------------------------------------------

    def _check_host(self, headers: Mapping[str, str]) -> HttpResponse | None:
        allowed = self.options.allowed_hosts
        if allowed is None:
            return None
        host = headers.get("host", "").strip().lower()
        if host and (host in allowed or _host_name(host) in allowed):
            return None
        return refusal(421, f"Misdirected request: host {host!r} is not served here")

    def _check_origin(self, headers: Mapping[str, str]) -> HttpResponse | None:
        origin = headers.get("origin")
        if origin is None:
            return None  # not a browser: DNS rebinding needs one
        normal = origin.strip().lower().rstrip("/")
        allowed = self.options.allowed_origins
        if "*" in allowed or normal in allowed or (self.options.allow_loopback and _is_loopback(normal)):
            return None
        return refusal(403, f"Forbidden: origin {origin!r} is not allowed")
