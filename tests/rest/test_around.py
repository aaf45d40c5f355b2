"""What users put around the tools still applies to them: dependencies, middleware, a mount.

The app answers its tool calls and MCP by shorter ways than FastAPI's general ones (see
``_DirectRoute`` and ``_App`` in ``diplex.rest.app``); these tests hold that those ways never
skip what the user declared.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from fastapi import Depends, FastAPI, Header, HTTPException, Request, Response

from diplex.rest import create_app
from diplex.wire import dumps

from ..servers import uvicorn_server
from . import registries

MCP_HEADERS = {
    "content-type": "application/json",
    "accept": "application/json, text/event-stream",
    "mcp-protocol-version": "2025-11-25",
}
CALL = {
    "jsonrpc": "2.0",
    "id": 7,
    "method": "tools/call",
    "params": {"name": "echo_sync", "arguments": {"x": 5}},
}


def require_key(x_key: str | None = Header(default=None)) -> None:
    if x_key != "secret":
        raise HTTPException(401, "a key is needed")


def call_mcp(client: httpx.Client, path: str = "/mcp") -> httpx.Response:
    return client.post(path, content=dumps(CALL), headers=MCP_HEADERS)


def stamped(app: FastAPI) -> FastAPI:
    """``app`` with a middleware of the user's that stamps each answer with its path."""

    @app.middleware("http")
    async def stamp(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers["x-seen"] = request.url.path
        return response

    return app


def check_guarded(client: httpx.Client, prefix: str) -> None:
    key = {"x-key": "secret"}
    # A tool's own route, and the by-name route (here: its 404 for an unknown name).
    assert client.post(f"{prefix}/echo_sync", json={"x": 1}).status_code == 401
    assert client.post(f"{prefix}/echo_sync", json={"x": 1}, headers=key).json() == 1
    assert client.post(f"{prefix}/nosuch", json={}).status_code == 401
    assert client.post(f"{prefix}/nosuch", json={}, headers=key).status_code == 404


def test_dependencies_declared_on_the_app_guard_every_tool_call() -> None:
    app = create_app(registries.outcomes, mcp=False, dependencies=[Depends(require_key)])
    with uvicorn_server(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        check_guarded(client, "/tools")


def test_dependencies_of_an_inclusion_guard_the_router() -> None:
    app = FastAPI()
    app.include_router(registries.outcomes.router(), prefix="/api", dependencies=[Depends(require_key)])
    with uvicorn_server(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        check_guarded(client, "/api/tools")


def test_the_users_middleware_sees_mcp_and_tool_calls() -> None:
    plain = create_app(registries.outcomes)
    app = stamped(create_app(registries.outcomes))

    with uvicorn_server(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        answer = call_mcp(client)
        assert answer.status_code == 200 and answer.headers["x-seen"] == "/mcp"
        assert answer.json()["result"]["structuredContent"] == {"result": 5}
        rest = client.post("/tools/echo_sync", json={"x": 2})
        assert rest.json() == 2 and rest.headers["x-seen"] == "/tools/echo_sync"
    with uvicorn_server(plain) as url, httpx.Client(base_url=url, timeout=30) as client:
        direct = call_mcp(client)
        assert "x-seen" not in direct.headers
    # The short way answers exactly what the whole stack answers.
    assert direct.status_code == answer.status_code and direct.json() == answer.json()
    assert direct.headers["content-type"] == answer.headers["content-type"]


def test_middleware_added_after_a_rebuild_sees_mcp_too() -> None:
    app = create_app(registries.outcomes)
    with uvicorn_server(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        assert "x-seen" not in call_mcp(client).headers  # the short way, stack built
    app.middleware_stack = None  # what a test harness or a reconfiguration may do
    stamped(app)
    with uvicorn_server(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        assert call_mcp(client).headers["x-seen"] == "/mcp"


def test_an_app_mounted_under_a_path_answers_mcp_there() -> None:
    outer = FastAPI()
    outer.mount("/api", create_app(registries.outcomes))
    with uvicorn_server(outer) as url, httpx.Client(base_url=url, timeout=30) as client:
        assert call_mcp(client, "/api/mcp").json()["result"]["structuredContent"] == {"result": 5}
        assert client.post("/api/tools/echo_sync", json={"x": 3}).json() == 3
        assert call_mcp(client).status_code == 404


def test_an_app_behind_a_proxy_prefix_answers_mcp() -> None:
    # The server's root path: a proxy took /prefix off the path it forwards.
    app = create_app(registries.outcomes)
    with uvicorn_server(app, root_path="/prefix") as url, httpx.Client(base_url=url, timeout=30) as client:
        assert call_mcp(client).json()["result"]["structuredContent"] == {"result": 5}
        assert client.post("/tools/echo_sync", json={"x": 3}).json() == 3


@pytest.mark.skipif(not hasattr(FastAPI(), "max_body_size"), reason="this FastAPI has no app-wide body limit")
def test_an_app_wide_body_limit_covers_mcp() -> None:
    app = create_app(registries.outcomes)
    app.max_body_size = 64  # FastAPI's own limit, which create_app's max_body_size is not
    with uvicorn_server(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        assert call_mcp(client).status_code == 413
