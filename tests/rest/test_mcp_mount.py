"""create_app serves MCP at exactly /mcp (no redirect), next to the REST routes."""

from __future__ import annotations

import httpx
import pytest
from examples.tools import registry

import diplex
from diplex.runtime import drive

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"},
    },
}
HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}


@pytest.mark.parametrize("path", ["/mcp", "/mcp/"])
def test_mcp_answers_at_its_path_without_a_redirect(path: str) -> None:
    app = diplex.create_app(registry)

    async def exchange() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
            return await client.post(path, json=INIT, headers=HEADERS)

    response = drive(exchange())
    assert response.status_code == 200
    assert response.json()["result"]["serverInfo"]["name"] == registry.name


def test_mcp_is_not_in_the_openapi_document_and_can_be_left_out() -> None:
    assert not any(p.startswith("/mcp") for p in diplex.create_app(registry).openapi()["paths"])
    app = diplex.create_app(registry, mcp=False)

    async def exchange() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
            return await client.post("/mcp", json=INIT, headers=HEADERS)

    assert drive(exchange()).status_code == 404
