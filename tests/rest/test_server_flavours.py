"""The app under each of uvicorn's HTTP parsers and event loops: plain uvicorn (h11, asyncio)
and ``uvicorn[standard]`` (httptools, uvloop), which ``diplex[server]`` installs."""

from __future__ import annotations

import importlib.util
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from diplex.rest import create_app
from diplex.wire import dumps

from ..servers import uvicorn_server
from . import registries

FLAVOURS = [
    pytest.param("asyncio", "h11", id="h11-asyncio"),
    pytest.param(
        "uvloop",
        "httptools",
        id="httptools-uvloop",
        marks=pytest.mark.skipif(
            importlib.util.find_spec("uvloop") is None or importlib.util.find_spec("httptools") is None,
            reason="uvloop or httptools is not installed (pip install 'diplex[server]')",
        ),
    ),
]
MCP_HEADERS = {
    "content-type": "application/json",
    "accept": "application/json, text/event-stream",
    "mcp-protocol-version": "2025-11-25",
}


def mcp_call(client: httpx.Client, name: str, arguments: dict[str, object], request_id: int) -> object:
    message = {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }
    answer = client.post("/mcp", content=dumps(message), headers=MCP_HEADERS)
    assert answer.status_code == 200, answer.text
    # Sized, not chunked: the answer is whole before it is sent.
    assert answer.headers["content-length"] == str(len(answer.content))
    assert "transfer-encoding" not in answer.headers
    return answer.json()["result"]


@pytest.mark.parametrize(("loop", "http"), FLAVOURS)
def test_every_way_a_call_ends_is_answered_alike_under_each_server(loop: str, http: str) -> None:
    app = create_app(registries.outcomes)
    with uvicorn_server(app, loop=loop, http=http) as url, httpx.Client(base_url=url, timeout=30) as client:
        for request_id, tool in enumerate(["echo_sync", "echo_async"]):
            assert client.post(f"/tools/{tool}", json={"x": 4}).json() == 4
            assert mcp_call(client, tool, {"x": 4}, request_id) == {
                "content": [{"type": "text", "text": "4"}],
                "structuredContent": {"result": 4},
                "isError": False,
            }
        for tool in ["refuse_sync", "refuse_async"]:
            assert client.post(f"/tools/{tool}", json={"status": 409}).status_code == 409
            assert mcp_call(client, tool, {"status": 409}, 9)["isError"] is True  # type: ignore[index]
        for tool in ["crash_sync", "crash_async"]:
            crashed = client.post(f"/tools/{tool}", json={})
            assert crashed.status_code == 500 and "hunter2" not in crashed.text
        registries.release.clear()
        try:
            for tool in ["hang_sync", "hang_async"]:
                assert client.post(f"/tools/{tool}", json={}).status_code == 504
        finally:
            registries.release.set()  # free the worker thread the sync tool is still blocking


@pytest.mark.parametrize(("loop", "http"), FLAVOURS)
def test_sync_tools_run_side_by_side_under_each_server(loop: str, http: str) -> None:
    # `rendezvous` returns only while a second call runs with it: in worker threads, not the loop.
    app = create_app(registries.outcomes)
    with (
        uvicorn_server(app, loop=loop, http=http) as url,
        ThreadPoolExecutor(2) as pool,
        httpx.Client(base_url=url, timeout=30) as first,
        httpx.Client(base_url=url, timeout=30) as second,
    ):
        answers = pool.map(lambda client: client.post("/tools/rendezvous").json(), [first, second])
        assert list(answers) == [True, True]
