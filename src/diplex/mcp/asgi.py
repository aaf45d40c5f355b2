"""The MCP endpoint as an ASGI app: framing only; the HTTP rules are in ``http.py``.

Answers are JSON, except a tool call that asked for progress (a ``progressToken``) from a
client that takes ``text/event-stream``: its answer turns into an event stream when the first
progress notification is sent, and ends with the result. If the client disconnects meanwhile,
the call is cancelled (an async tool gets ``CancelledError``; a sync tool's thread cannot be
stopped, but its result is dropped).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ..wire import JSON_HEADERS, HttpRequest, HttpResponse
from .http import Exchange, McpEndpoint, refusal, sse_event
from .jsonrpc import JsonObject

__all__ = ["McpApp"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_STREAM_HEADERS = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]


_JSON_RAW = (b"content-type", b"application/json")


async def _send_response(send: Send, response: HttpResponse) -> None:
    if response.headers is JSON_HEADERS:  # the usual answer: its header encoded once
        headers = [_JSON_RAW]
    else:
        headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in response.headers]
    headers.append((b"content-length", str(len(response.body)).encode()))  # else servers chunk it
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


class _EventStream:
    """A response that becomes an event stream on its first notification."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._lock = asyncio.Lock()
        self.started = False

    async def notify(self, message: JsonObject) -> None:
        async with self._lock:
            if not self.started:
                self.started = True
                await self._send({"type": "http.response.start", "status": 200, "headers": _STREAM_HEADERS})
            await self._send({"type": "http.response.body", "body": sse_event(message), "more_body": True})

    async def finish(self, message: JsonObject | list[JsonObject]) -> None:
        async with self._lock:
            await self._send({"type": "http.response.body", "body": sse_event(message)})


def _too_large(limit: int) -> HttpResponse:
    return refusal(413, f"Payload too large: the limit is {limit} bytes")


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _other(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
    elif scope["type"] == "websocket":
        await receive()  # websocket.connect
        await send({"type": "websocket.close", "code": 1003})


class McpApp:
    """ASGI app answering MCP at whatever path it is mounted on. Made by ``create_mcp_app``."""

    def __init__(self, endpoint: McpEndpoint) -> None:
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await _other(scope, receive, send)
            return
        request = await self._read(scope, receive)
        if request is None:
            return  # the client left before sending its body
        prepared = request if isinstance(request, HttpResponse) else self.endpoint.prepare(request)
        if isinstance(prepared, HttpResponse):
            await _send_response(send, prepared)
        elif self.endpoint.options.stream_progress and prepared.wants_stream:
            await self._stream(prepared, receive, send)
        else:
            channel = self.endpoint.channel(prepared, "asgi", None, None, None, None)
            await _send_response(send, await self.endpoint.respond_async(prepared, channel))

    async def _read(self, scope: Scope, receive: Receive) -> HttpRequest | HttpResponse | None:
        limit = self.endpoint.options.max_body_bytes
        raw = scope["headers"]
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in raw}
        if len(headers) < len(raw):  # a repeated header: its values joined, in order
            headers = {}
            for raw_name, raw_value in raw:
                name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
                headers[name] = f"{headers[name]}, {value}" if name in headers else value
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            return _too_large(limit)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return _too_large(limit)
            if not message.get("more_body", False):
                break
            chunks.append(chunk)
        body = b"".join((*chunks, chunk)) if chunks else chunk  # (the usual body: one message)
        return tuple.__new__(HttpRequest, (scope["method"], scope.get("path", "/"), headers, body, ""))

    async def _stream(self, exchange: Exchange, receive: Receive, send: Send) -> None:
        stream = _EventStream(send)
        channel = self.endpoint.channel(exchange, "asgi", stream.notify, None, None, None)
        answer = asyncio.ensure_future(self.endpoint.dispatcher.answer_async(exchange.message, channel))
        gone = asyncio.ensure_future(_disconnected(receive))
        try:
            await asyncio.wait((answer, gone), return_when=asyncio.FIRST_COMPLETED)
        finally:
            gone.cancel()
            if not answer.done():  # the client left (or the server is stopping): stop the call
                answer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await answer
        if answer.cancelled():
            return
        reply = answer.result()
        if stream.started and reply.body is not None:
            await stream.finish(reply.body)
        else:
            await _send_response(send, self.endpoint.render(reply, exchange.json_ok))
