"""``diplex stdio``: newline-delimited JSON-RPC on stdin/stdout, answering the official client."""

from __future__ import annotations

import asyncio
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp.client.stdio import stdio_client

import diplex
from diplex.mcp.stdio import serve_stdio
from diplex.wire import dumps
from mcp import Client, StdioServerParameters

from .messages import initialize, legacy_call, modern_call, notification, request
from .sample import registry

ROOT = Path(__file__).resolve().parents[2]


def server_parameters(tmp_path: Path) -> StdioServerParameters:
    env = {
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "DIPLEX_EXAMPLE_DB": str(tmp_path / "notes.db"),
        "PYTHONWARNINGS": "error",
    }
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "diplex.cli", "stdio", "examples.tools:registry"],
        env=env,
        cwd=str(ROOT),
    )


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "auto", "2026-07-28"])
async def test_diplex_stdio_answers_the_official_client(mode: str, tmp_path: Path) -> None:
    with (tmp_path / "stderr.log").open("w") as errlog:
        transport = stdio_client(server_parameters(tmp_path), errlog=errlog)
        async with Client(transport, mode=mode) as client:
            listed = await client.list_tools()
            added = await client.call_tool("add", {"a": 2, "b": 3})
            greeted = await client.call_tool("greet", {"name": "Ada"})
            failed = await client.call_tool("divide", {"a": 1, "b": 0})
    assert "add" in [tool.name for tool in listed.tools]
    assert added.content[0].text == "5" and greeted.content[0].text == "Hello, Ada."  # type: ignore[union-attr]
    assert added.structured_content == (5 if mode != "legacy" else {"result": 5})
    assert (
        failed.is_error
        and failed.meta is not None
        and failed.meta["dev.diplex/error"]["kind"] == "tool_error"
    )


def run_stdio(lines: list[Any], served: diplex.Registry = registry) -> list[Any]:
    """Serve ``lines`` (messages, or raw bytes) and return what was written to stdout."""
    stdin = io.BytesIO(b"".join(line if isinstance(line, bytes) else dumps(line) + b"\n" for line in lines))
    stdout = io.BytesIO()
    assert serve_stdio(served, stdin=stdin, stdout=stdout) == 0
    return [json.loads(line) for line in stdout.getvalue().splitlines()]


def test_a_line_that_is_not_json_is_a_parse_error_and_blank_lines_are_skipped() -> None:
    out = run_stdio([b"{nope\n", b"\n", request("ping", request_id=2)])
    assert out == [
        {"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error: a line that is not JSON"}},
        {"jsonrpc": "2.0", "id": 2, "result": {}},
    ]


def test_the_version_negotiated_by_initialize_shapes_later_results() -> None:
    out = run_stdio([initialize("2025-03-26"), notification("notifications/initialized")])
    assert out[0]["result"]["protocolVersion"] == "2025-03-26"
    # After a 2025-03-26 handshake: no structured content, and batches are allowed.
    lines: list[Any] = [initialize("2025-03-26"), [legacy_call("add", {"a": 1, "b": 1}, 5)]]
    _, batch = run_stdio(lines)
    assert batch[0]["id"] == 5 and "structuredContent" not in batch[0]["result"]


def test_progress_notifications_are_written_before_the_result() -> None:
    out = run_stdio([modern_call("count_up", {"steps": 2}, progressToken="t")])
    assert [m.get("method") for m in out] == ["notifications/progress", "notifications/progress", None]
    assert out[-1]["result"]["structuredContent"] == 2


def test_a_cancelled_request_gets_no_answer() -> None:
    hanging = diplex.Registry()

    @hanging.tool
    async def wait_forever() -> int:
        await asyncio.Event().wait()
        return 0

    out = run_stdio(
        [
            legacy_call("wait_forever", request_id=5),
            notification("notifications/cancelled", {"requestId": 5}),
            request("ping", request_id=6),
        ],
        hanging,
    )
    assert out == [{"jsonrpc": "2.0", "id": 6, "result": {}}]


def test_what_a_tool_prints_goes_to_stderr_not_into_the_protocol(capsys: pytest.CaptureFixture[str]) -> None:
    chatty = diplex.Registry()

    @chatty.tool
    def shout() -> str:
        print("stray output")
        return "done"

    out = run_stdio([legacy_call("shout")], chatty)
    assert out[0]["result"]["content"][0]["text"] == "done"
    assert "stray output" in capsys.readouterr().err
