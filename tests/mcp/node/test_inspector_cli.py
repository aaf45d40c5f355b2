"""The MCP Inspector's CLI (@modelcontextprotocol/inspector --cli) against diplex's MCP endpoint.

Each invocation is one connection: in the "legacy" era an initialize handshake (2025-11-25), in
the "modern" era 2026-07-28 without one. The Inspector writes its catalog under ``$HOME``, so
HOME points at a temporary directory. Output is ``--format json``: ``{"result": ...}`` on
stdout; a result with ``isError: true`` exits with status 5.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .example_calls import CALLS, TARGET, Call, Era, check_call, check_tool_list
from .launch import serving
from .nodejs import NodeTools, NodeUnavailable, node_tools

RUN_TIMEOUT = 60.0
TOOL_IS_ERROR_STATUS = 5  # the Inspector CLI's exit status for an isError result

ERAS: list[Era] = ["legacy", "modern"]


@pytest.fixture(scope="module")
def node() -> NodeTools:
    try:
        return node_tools()
    except NodeUnavailable as exc:
        pytest.skip(f"the Inspector CLI needs Node >= 22: {exc}")


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serving(TARGET) as endpoint:
        yield endpoint


def _inspect(node: NodeTools, home: Path, url: str, era: Era, *args: str) -> tuple[int, dict[str, Any], str]:
    command = node.inspector("--cli", url, "--protocol-era", era, "--format", "json", *args)
    done = node.run(command, timeout=RUN_TIMEOUT, env={"HOME": str(home)}, cwd=home)
    lines = done.stdout.strip().splitlines()
    assert lines, f"the Inspector printed nothing (status {done.returncode}); stderr:\n{done.stderr[-3000:]}"
    output = json.loads(lines[-1])
    assert isinstance(output, dict) and "result" in output, f"{output}\n{done.stderr[-3000:]}"
    return done.returncode, output["result"], done.stderr


@pytest.mark.parametrize("era", ERAS)
def test_inspector_lists_the_example_tools(node: NodeTools, url: str, tmp_path: Path, era: Era) -> None:
    status, result, stderr = _inspect(node, tmp_path, url, era, "--method", "tools/list")
    assert status == 0, stderr
    check_tool_list(result["tools"], era)


def _arguments(call: Call) -> list[str]:
    if all(isinstance(v, int) and not isinstance(v, bool) for v in call.arguments.values()):
        # key=value pairs, as a person types them (the CLI turns numbers into numbers)
        return ["--tool-arg", *(f"{key}={value}" for key, value in call.arguments.items())]
    return ["--tool-args-json", json.dumps(call.arguments)]


@pytest.mark.parametrize("era", ERAS)
@pytest.mark.parametrize("call", CALLS, ids=[call.label for call in CALLS])
def test_inspector_calls_the_example_tools(
    node: NodeTools, url: str, tmp_path: Path, era: Era, call: Call
) -> None:
    status, result, stderr = _inspect(
        node, tmp_path, url, era, "--method", "tools/call", "--tool-name", call.name, *_arguments(call)
    )
    assert status == (TOOL_IS_ERROR_STATUS if call.error else 0), f"status {status}: {result}\n{stderr}"
    check_call(call, result, era)
