"""The ASGI framing: JSON by default, an event stream for progress, cancellation on disconnect."""

from __future__ import annotations

import asyncio
import json
from collections.abc import MutableMapping
from typing import Any

import httpx2
import pytest

import diplex
from diplex.mcp import create_mcp_app
from diplex.wire import dumps
from mcp import Client

from .messages import ACCEPT_BOTH, legacy_call, modern_call, modern_headers, request
from .sample import registry
from .servers import BASE, in_process_client, uvicorn_server

pytestmark = pytest.mark.anyio

Message = MutableMapping[str, Any]


def events(body: bytes) -> list[Message]:
    """The JSON-RPC messages of an event-stream body."""
    found = []
    for block in body.decode().split("\n\n"):
        lines = block.strip().splitlines()
        if lines:
            assert lines[0] == "event: message"
            found.append(json.loads(lines[1].removeprefix("data: ")))
    return found


async def post_http(app: Any, body: Any, headers: dict[str, str]) -> httpx2.Response:
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=BASE) as http:
        response: httpx2.Response = await http.post("/mcp", content=dumps(body), headers=headers)
        return response


def streaming_headers(name: str, accept: str = ACCEPT_BOTH) -> dict[str, str]:
    return {"content-type": "application/json", "accept": accept, **modern_headers("tools/call", name)}


@pytest.mark.parametrize("tool", ["count_up", "count_up_sync"])
async def test_a_call_that_asks_for_progress_is_answered_as_an_event_stream(tool: str) -> None:
    message = modern_call(tool, {"steps": 3}, progressToken="p1")
    response = await post_http(create_mcp_app(registry), message, streaming_headers(tool))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream"
    assert response.headers["x-accel-buffering"] == "no" and "mcp-session-id" not in response.headers
    *progress, final = events(response.content)
    assert [p["params"]["progress"] for p in progress] == [1, 2, 3]
    assert {p["params"]["progressToken"] for p in progress} == {"p1"}
    assert final["id"] == 1 and final["result"]["structuredContent"] == 3


async def test_a_call_that_reports_nothing_is_answered_as_json_even_when_it_asked_for_progress() -> None:
    message = modern_call("add", {"a": 1, "b": 2}, progressToken="p1")
    response = await post_http(create_mcp_app(registry), message, streaming_headers("add"))
    assert response.headers["content-type"] == "application/json"
    assert response.json()["result"]["structuredContent"] == 3


@pytest.mark.parametrize(
    ("accept", "options"), [("application/json", {}), (ACCEPT_BOTH, {"stream_progress": False})]
)
async def test_progress_is_not_streamed_to_a_client_that_takes_json_only_or_when_turned_off(
    accept: str, options: dict[str, Any]
) -> None:
    message = modern_call("count_up", {"steps": 3}, progressToken="p1")
    response = await post_http(
        create_mcp_app(registry, **options), message, streaming_headers("count_up", accept)
    )
    assert response.headers["content-type"] == "application/json"
    assert response.json()["result"]["structuredContent"] == 3


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
async def test_the_official_client_receives_progress_in_process(mode: str) -> None:
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async with in_process_client(create_mcp_app(registry), mode) as client:
        result = await client.call_tool("count_up", {"steps": 2}, progress_callback=on_progress)
    assert result.content[0].text == "2"  # type: ignore[union-attr]
    assert seen == [(1, 2, "step 1"), (2, 2, "step 2")]


async def test_the_official_client_receives_progress_streamed_by_uvicorn() -> None:
    seen: list[float] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(progress)

    with uvicorn_server(create_mcp_app(registry)) as url:
        async with Client(url, mode="2026-07-28") as client:
            result = await client.call_tool("count_up_sync", {"steps": 3}, progress_callback=on_progress)
    assert result.structured_content == 3 and seen == [1, 2, 3]


async def test_a_client_that_disconnects_from_a_stream_cancels_the_tool() -> None:
    started = asyncio.Event()
    cancelled = asyncio.Event()
    hanging = diplex.Registry()

    @hanging.tool
    async def wait_forever(ctx: diplex.ToolContext) -> int:
        await ctx.report_progress(1)
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return 0

    body = dumps(modern_call("wait_forever", progressToken=9))
    incoming: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[Message] = []

    async def receive() -> Message:
        if incoming:
            return incoming.pop(0)
        await started.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    headers = [(k.encode(), v.encode()) for k, v in streaming_headers("wait_forever").items()]
    scope = {"type": "http", "method": "POST", "path": "/mcp", "headers": headers}
    await asyncio.wait_for(create_mcp_app(hanging)(scope, receive, send), timeout=10)
    assert cancelled.is_set()
    assert sent[0]["status"] == 200 and all(m.get("more_body") for m in sent[1:])  # never finished


async def call_app(app: Any, scope: Message, incoming: list[Message]) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def http_scope(headers: dict[str, str]) -> Message:
    pairs = [(k.encode(), v.encode()) for k, v in headers.items()]
    return {"type": "http", "method": "POST", "path": "/mcp", "headers": pairs}


async def test_a_body_over_the_limit_is_refused_before_it_is_read_whole() -> None:
    app = create_mcp_app(registry, max_body_bytes=10)
    declared = await call_app(app, http_scope({"content-length": "11"}), [])
    assert declared[0]["status"] == 413
    chunks: list[Message] = [{"type": "http.request", "body": b"123456", "more_body": True}] * 2
    streamed = await call_app(app, http_scope({}), chunks)
    assert streamed[0]["status"] == 413


async def test_a_body_sent_in_chunks_is_joined() -> None:
    body = dumps(request("ping", request_id=3))
    chunks: list[Message] = [
        {"type": "http.request", "body": body[:5], "more_body": True},
        {"type": "http.request", "body": body[5:], "more_body": False},
    ]
    sent = await call_app(create_mcp_app(registry), http_scope({"content-type": "application/json"}), chunks)
    assert sent[0]["status"] == 200 and json.loads(sent[1]["body"]) == {
        "jsonrpc": "2.0",
        "id": 3,
        "result": {},
    }


async def test_a_client_that_leaves_before_its_body_gets_no_answer() -> None:
    assert await call_app(create_mcp_app(registry), http_scope({}), [{"type": "http.disconnect"}]) == []


async def test_header_names_are_matched_in_any_case() -> None:
    headers = {
        "Content-Type": "application/json",
        "ACCEPT": ACCEPT_BOTH,
        "MCP-PROTOCOL-VERSION": "2026-07-28",
        "mcp-METHOD": "tools/call",
        "Mcp-Name": "add",
    }
    response = await post_http(create_mcp_app(registry), modern_call("add", {"a": 1, "b": 1}), headers)
    assert response.json()["result"]["structuredContent"] == 2
    scope = http_scope(headers)
    sent = await call_app(
        create_mcp_app(registry),
        scope,
        [{"type": "http.request", "body": dumps(modern_call("add", {"a": 1, "b": 1}))}],
    )
    assert json.loads(sent[1]["body"])["result"]["structuredContent"] == 2


async def test_repeated_headers_are_joined() -> None:
    scope = http_scope({})
    scope["headers"] = [(b"accept", b"text/html"), (b"accept", b"application/json")]
    sent = await call_app(
        create_mcp_app(registry), scope, [{"type": "http.request", "body": dumps(request("ping"))}]
    )
    assert sent[0]["status"] == 200


async def test_the_lifespan_is_acknowledged() -> None:
    incoming: list[Message] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent = await call_app(create_mcp_app(registry), {"type": "lifespan"}, incoming)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


async def test_a_websocket_is_closed() -> None:
    sent = await call_app(create_mcp_app(registry), {"type": "websocket"}, [{"type": "websocket.connect"}])
    assert sent == [{"type": "websocket.close", "code": 1003}]


async def test_get_is_405_through_asgi() -> None:
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=create_mcp_app(registry)), base_url=BASE
    ) as http:
        response = await http.get("/mcp", headers={"accept": "text/event-stream"})
    assert response.status_code == 405 and response.headers["allow"] == "POST"


async def test_a_handshake_call_is_json(anyio_backend: str) -> None:
    response = await post_http(
        create_mcp_app(registry), legacy_call("add", {"a": 1, "b": 1}), {"accept": ACCEPT_BOTH}
    )
    assert response.headers["content-type"] == "application/json" and response.json()["result"]["content"]
