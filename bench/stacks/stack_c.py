"""C: B plus the official MCP SDK server (``mcp``), stateless JSON Streamable HTTP, in one app.

The SDK's session manager owns a task group that must be started once (``Task group is not
initialized`` otherwise) and can be started only once (``.run() can only be called once per
instance``), while Mangum would run the ASGI lifespan around every invocation. So the app's
lifespan (which runs the session manager) is started once, on a persistent loop that Mangum then
reuses (``asyncio.get_event_loop()`` finds it), and Mangum runs with ``lifespan="off"``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import _once
from fastapi import FastAPI
from mangum import Mangum
from mcp.server import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import BaseModel


def add(a: int, b: int) -> int:
    return a + b


async def echo(text: str) -> str:
    return text


class AddArgs(BaseModel):
    a: int
    b: int


class EchoArgs(BaseModel):
    text: str


def build_app() -> FastAPI:
    # The SDK configures root logging at INFO by default, which prints two lines per call (its own
    # and Mangum's); production settings, and every other stack here, log warnings only.
    server = MCPServer("bench", log_level="WARNING")
    server.tool()(add)
    server.tool()(echo)
    # API Gateway (or uvicorn on loopback) is the front door: no Host/Origin allow-list here.
    mcp_app = server.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with server.session_manager.run():
            yield

    app = FastAPI(lifespan=lifespan)

    @app.post("/tools/add")
    def add_route(args: AddArgs) -> int:
        return add(args.a, args.b)

    @app.post("/tools/echo")
    async def echo_route(args: EchoArgs) -> str:
        return await echo(args.text)

    # Mounted last, at the root, so /tools/* stays FastAPI's and /mcp (no trailing slash) is the SDK's.
    app.mount("/", mcp_app)
    return app


app = build_app()
_mangum = Mangum(app, lifespan="off")
_started = False


def handler(event: dict[str, Any], context: Any) -> Any:
    global _started
    if not _started:
        _once.start_lifespan(app)
        _started = True
    return _mangum(event, context)


def asgi_app() -> Any:
    """The app for server mode (uvicorn --factory runs its lifespan)."""
    return build_app()


CASES = ("rest", "mcp-legacy", "mcp-modern")
