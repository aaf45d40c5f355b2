"""What ``GET /tools`` and ``GET /tools/{name}`` answer: each tool's metadata and schemas."""

from __future__ import annotations

from typing import Any

import pydantic_core

from diplex.tool import Tool

__all__ = ["describe_tool"]


def describe_tool(tool: Tool) -> dict[str, Any]:
    """A tool as JSON data: name, title, description, schemas, annotations, tags, examples."""
    annotations = tool.annotations
    examples: list[dict[str, Any]] = []
    for example in tool.examples:
        entry: dict[str, Any] = {"arguments": pydantic_core.to_jsonable_python(example.arguments)}
        if example.has_result:
            entry["result"] = tool.serializer.to_json(example.result)
        if example.description is not None:
            entry["description"] = example.description
        examples.append(entry)
    return {
        "name": tool.name,
        "title": tool.title,
        "description": tool.description,
        "input_schema": tool.input_schema,
        "output_schema": tool.output_schema,
        "annotations": {
            "read_only": annotations.read_only,
            "destructive": annotations.destructive,
            "idempotent": annotations.idempotent,
            "open_world": annotations.open_world,
        },
        "tags": list(tool.tags),
        "examples": examples,
    }
