"""D: FastMCP (PyPI ``fastmcp``) under Mangum, stateless JSON Streamable HTTP, MCP only.

FastMCP's HTTP app has a lifespan that starts the SDK's session manager (and FastMCP's own);
under Lambda it is started once on a persistent loop that Mangum reuses, and Mangum runs with
``lifespan="off"``, the same arrangement as stack C.
"""

from __future__ import annotations

from typing import Any

import _once
from fastmcp import FastMCP
from mangum import Mangum


def add(a: int, b: int) -> int:
    return a + b


async def echo(text: str) -> str:
    return text


def build_app() -> Any:
    server = FastMCP("bench")
    server.tool(add)
    server.tool(echo)
    # API Gateway (or uvicorn on loopback) is the front door: no Host/Origin checks here.
    return server.http_app(path="/mcp", stateless_http=True, json_response=True, host_origin_protection=False)


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


CASES = ("mcp-legacy", "mcp-modern")
