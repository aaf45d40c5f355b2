"""The official TypeScript client (@modelcontextprotocol/client) against diplex's MCP endpoint.

``ts_client.mjs`` runs under Node 22, connects to the example tools served by uvicorn, lists
them and calls them; it prints one JSON object, asserted on here. Negotiation modes: "legacy"
(initialize handshake at 2025-11-25), "auto" (probes server/discover, so against diplex it must
settle on 2026-07-28) and the modern version pinned.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .example_calls import CALLS, SERVER_NAME, TARGET, Era, check_call, check_tool_list
from .launch import serving
from .nodejs import NodeTools, NodeUnavailable, node_tools

RUN_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def node() -> NodeTools:
    try:
        return node_tools()
    except NodeUnavailable as exc:
        pytest.skip(f"the TypeScript client needs Node >= 22: {exc}")


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serving(TARGET) as endpoint:
        yield endpoint


@pytest.mark.parametrize(
    ("mode", "era", "version"),
    [
        ("legacy", "legacy", "2025-11-25"),
        ("auto", "modern", "2026-07-28"),
        ("2026-07-28", "modern", "2026-07-28"),
    ],
)
def test_ts_client_lists_and_calls_the_example_tools(
    node: NodeTools, url: str, tmp_path: Path, mode: str, era: Era, version: str
) -> None:
    calls = tmp_path / "calls.json"
    unknown = {"label": "unknown_tool", "name": "no_such_tool", "arguments": {}}
    calls.write_text(json.dumps([*(dataclasses.asdict(call) for call in CALLS), unknown]))
    done = node.run(node.script("ts_client.mjs", url, mode, str(calls)), timeout=RUN_TIMEOUT)
    report = _report(done.stdout, done.stderr)
    assert done.returncode == 0 and "fatal" not in report, f"{report}\n{done.stderr[-3000:]}"
    assert (report["protocolVersion"], report["era"]) == (version, era)
    assert report["serverVersion"]["name"] == SERVER_NAME
    check_tool_list(report["tools"], era)
    for call in CALLS:
        result = report["calls"][call.label]
        assert "thrown" not in result, f"{call.label}: {result}"
        check_call(call, result, era)
    # An unknown tool is a JSON-RPC error (-32602), which the client throws, not an isError result.
    thrown = report["calls"]["unknown_tool"].get("thrown")
    assert thrown is not None and thrown["code"] == -32602, report["calls"]["unknown_tool"]
    assert thrown["data"]["kind"] == "not_found", thrown


def _report(stdout: str, stderr: str) -> dict[str, Any]:
    lines = stdout.strip().splitlines()
    assert lines, f"ts_client.mjs printed nothing; stderr:\n{stderr[-3000:]}"
    report = json.loads(lines[-1])
    assert isinstance(report, dict)
    return report
