"""The official Python client (``mcp.Client``) against the endpoint, in every negotiation mode,
in-process and through a real uvicorn on 127.0.0.1, serving the example tools."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from examples import tools as example_tools

from diplex.runtime import drive
from mcp import Client, MCPError

from .servers import in_process_client, uvicorn_server

MODES = ["legacy", "auto", "2026-07-28"]
EXPECTED_VERSION = {"legacy": "2025-11-25", "auto": "2026-07-28", "2026-07-28": "2026-07-28"}

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def _fresh_notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DIPLEX_EXAMPLE_DB", str(tmp_path / "notes.db"))
    yield
    drive(example_tools.close_db())


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with uvicorn_server(example_tools.registry.mcp_app()) as url:
        yield url


@pytest.fixture(params=["in-process", "uvicorn"])
def where(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextlib.asynccontextmanager
async def connect(where: str, mode: str, url: str) -> AsyncIterator[Client]:
    if where == "in-process":
        async with in_process_client(example_tools.registry.mcp_app(), mode) as client:
            yield client
    else:
        async with Client(url, mode=mode) as client:
            yield client


@pytest.mark.parametrize("mode", MODES)
async def test_the_client_lists_the_example_tools(where: str, mode: str, server_url: str) -> None:
    async with connect(where, mode, server_url) as client:
        assert client.protocol_version == EXPECTED_VERSION[mode]
        listed = await client.list_tools()
        assert [tool.name for tool in listed.tools] == [tool.name for tool in example_tools.registry]
        greet = next(tool for tool in listed.tools if tool.name == "greet")
        assert greet.input_schema["required"] == ["name"]
        if mode != "legacy":
            assert listed.ttl_ms == 60_000 and listed.cache_scope == "public"


@pytest.mark.parametrize("mode", MODES)
async def test_the_client_calls_sync_and_async_tools(where: str, mode: str, server_url: str) -> None:
    modern = mode != "legacy"
    async with connect(where, mode, server_url) as client:
        added = await client.call_tool("add", {"a": 2, "b": 3})
        assert not added.is_error and added.content[0].text == "5"  # type: ignore[union-attr]
        assert added.structured_content == (5 if modern else {"result": 5})
        greeted = await client.call_tool("greet", {"name": "Ada", "excited": True})
        assert greeted.content[0].text == "Hello, Ada!"  # type: ignore[union-attr]
        assert greeted.structured_content == ("Hello, Ada!" if modern else {"result": "Hello, Ada!"})
        converted = await client.call_tool(
            "convert_temperature", {"value": 100, "from_unit": "celsius", "to_unit": "fahrenheit"}
        )
        assert converted.structured_content == {"value": 212.0, "unit": "fahrenheit"}
        note = await client.call_tool("add_note", {"text": "hello"})
        assert note.structured_content is not None and not note.is_error
        counted = await client.call_tool("count_notes")
        assert counted.content[0].text == "1"  # type: ignore[union-attr]


@pytest.mark.parametrize("mode", MODES)
async def test_the_client_sees_tool_errors_and_invalid_arguments_as_error_results(
    where: str, mode: str, server_url: str
) -> None:
    async with connect(where, mode, server_url) as client:
        failed = await client.call_tool("divide", {"a": 1, "b": 0})
        assert failed.is_error and failed.content[0].text == "cannot divide by zero"  # type: ignore[union-attr]
        assert failed.meta is not None and failed.meta["dev.diplex/error"]["kind"] == "tool_error"
        invalid = await client.call_tool("add", {"a": "two", "b": 3})
        assert invalid.is_error and invalid.meta is not None
        assert invalid.meta["dev.diplex/error"]["kind"] == "invalid_arguments"


@pytest.mark.parametrize("mode", MODES)
async def test_the_client_gets_invalid_params_for_an_unknown_tool(
    where: str, mode: str, server_url: str
) -> None:
    async with connect(where, mode, server_url) as client:
        with pytest.raises(MCPError) as caught:
            await client.call_tool("no_such_tool", {})
        assert caught.value.code == -32602
