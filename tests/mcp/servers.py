"""Ways to reach an ASGI app with the official client: in-process, or through a real uvicorn."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx2
from mcp.client.streamable_http import streamable_http_client

from mcp import Client
from tests.servers import uvicorn_server as serve

BASE = "http://127.0.0.1:8000"


@contextlib.asynccontextmanager
async def in_process_client(app: Any, mode: str, **options: Any) -> AsyncIterator[Client]:
    """The official client talking to ``app`` through an in-memory ASGI transport."""
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=BASE) as http:
        transport = streamable_http_client(f"{BASE}/mcp", http_client=http)
        async with Client(transport, mode=mode, **options) as client:
            yield client


@contextlib.contextmanager
def uvicorn_server(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1 (see ``tests.servers``); yields the MCP URL."""
    with serve(app) as base:
        yield f"{base}/mcp"
