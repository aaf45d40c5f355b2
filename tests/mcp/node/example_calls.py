"""The calls the Node clients make to the example tools (examples/tools.py), and what they must get.

Shared by the TypeScript client and the Inspector CLI tests. ``era`` is "legacy" (handshake,
2025-11-25: a non-object value is wrapped as ``{"result": value}`` in ``structuredContent``) or
"modern" (2026-07-28: ``structuredContent`` is the value itself).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any, Literal

from examples import tools as example_tools

__all__ = ["CALLS", "SERVER_NAME", "TARGET", "TOOL_NAMES", "Call", "Era", "check_call", "check_tool_list"]

Era = Literal["legacy", "modern"]

TARGET = "examples.tools:registry"
SERVER_NAME = example_tools.registry.name
TOOL_NAMES = [tool.name for tool in example_tools.registry]  # listed in registration order
ERROR_META = "dev.diplex/error"
SERVER_INFO_META = "io.modelcontextprotocol/serverInfo"


@dataclasses.dataclass(frozen=True)
class Call:
    """One call: ``value`` is the tool's result, or ``error`` the diplex error kind of an isError result."""

    label: str
    name: str
    arguments: Mapping[str, Any]
    value: Any = None
    error: str | None = None
    text: str | None = None  # the text block, when it is not the value as JSON


CALLS = (
    Call("add", "add", {"a": 2, "b": 3}, value=5),
    Call("divide", "divide", {"a": 7, "b": 2}, value=3.5),
    Call("divide_by_zero", "divide", {"a": 1, "b": 0}, error="tool_error", text="cannot divide by zero"),
    Call("greet_async", "greet", {"name": "Ada", "excited": True}, value="Hello, Ada!", text="Hello, Ada!"),
    Call(
        "convert_structured",
        "convert_temperature",
        {"value": 100, "from_unit": "celsius", "to_unit": "fahrenheit"},
        value={"value": 212.0, "unit": "fahrenheit"},
    ),
    Call("invalid_arguments", "add", {"a": "two", "b": 3}, error="invalid_arguments"),
)


def check_call(call: Call, result: Mapping[str, Any], era: Era) -> None:
    """Assert that a CallToolResult (as JSON) is what ``call`` must give in ``era``."""
    where = f"{call.label} ({era}): {json.dumps(result)[:600]}"
    content = result.get("content")
    assert isinstance(content, list) and content, where
    assert content[0].get("type") == "text", where
    text = content[0].get("text")
    assert isinstance(text, str), where
    meta = result.get("_meta") or {}
    if era == "modern":
        assert meta.get(SERVER_INFO_META, {}).get("name") == SERVER_NAME, where
    else:
        assert SERVER_INFO_META not in meta, where
    if call.error is not None:
        assert result.get("isError") is True, where
        assert meta.get(ERROR_META, {}).get("kind") == call.error, where
        assert result.get("structuredContent") is None, where
        if call.text is not None:
            assert call.text in text, where
        return
    assert result.get("isError") in (False, None), where
    if call.text is not None:
        assert text == call.text, where
    else:
        assert json.loads(text) == call.value, where
    expected = call.value if era == "modern" or isinstance(call.value, dict) else {"result": call.value}
    assert result.get("structuredContent") == expected, where


def check_tool_list(tools: list[Mapping[str, Any]], era: Era) -> None:
    """Assert that a tools/list result's tools are the example tools, with their schemas."""
    assert [tool.get("name") for tool in tools] == TOOL_NAMES
    by_name = {tool["name"]: tool for tool in tools}
    for tool in tools:
        assert tool.get("description"), tool
        assert tool.get("inputSchema", {}).get("type") == "object", tool
    add = by_name["add"]
    assert add["inputSchema"]["properties"]["a"]["type"] == "integer"
    assert add["inputSchema"]["required"] == ["a", "b"]
    assert add["annotations"]["readOnlyHint"] is True
    wrapped = {"type": "object", "properties": {"result": {"type": "integer"}}, "required": ["result"]}
    assert add["outputSchema"] == ({"type": "integer"} if era == "modern" else wrapped)
    convert = by_name["convert_temperature"]["outputSchema"]
    assert convert["type"] == "object" and set(convert["properties"]) == {"value", "unit"}
