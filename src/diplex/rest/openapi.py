"""The OpenAPI description of a tool's route, built from the tool's own schemas.

A tool's JSON Schema keeps its sub-schemas in ``$defs`` and points at them with
``#/$defs/Name``. Inside an OpenAPI document such a pointer resolves against the document's
root, where there is no ``$defs``. The router may be included anywhere, under any prefix, in an
app whose ``components`` diplex does not own, so each schema is made self-contained: its
references are replaced by the definitions they name. A recursive reference cannot be inlined:
see :func:`inline_refs`. The invoker still validates fully: the document only describes.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from diplex.tool import Tool

__all__ = [
    "ERROR_RESPONSES",
    "NAME_PARAMETER",
    "ErrorResponse",
    "ToolDescription",
    "ToolList",
    "ValidationErrorResponse",
    "generic_operation",
    "inline_refs",
    "tool_operation",
]

_DEFS_PREFIX = "#/$defs/"


def inline_refs(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` with every ``#/$defs/...`` reference replaced by its definition.

    A recursive reference cannot be inlined: where a definition recurs inside itself it becomes
    ``{}`` (any JSON) with a description naming it. (A ``$defs`` kept beside an ``$id`` or an
    ``$anchor`` would be exact, but openapi-spec-validator resolves neither inside a document.)
    """
    defs: Mapping[str, Any] = schema.get("$defs", {})
    root = {key: value for key, value in schema.items() if key != "$defs"}
    inlined: dict[str, Any] = _inline(root, defs, ())
    return inlined


def _inline(node: Any, defs: Mapping[str, Any], seen: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_inline(item, defs, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    name = ref[len(_DEFS_PREFIX) :] if isinstance(ref, str) and ref.startswith(_DEFS_PREFIX) else None
    if name is None or name not in defs:
        return {key: _inline(value, defs, seen) for key, value in node.items()}
    siblings = {key: _inline(value, defs, seen) for key, value in node.items() if key != "$ref"}
    if name in seen:
        return {"description": f"a {name} (recursive: as described above)", **siblings}
    return {**_inline(defs[name], defs, (*seen, name)), **siblings}


class ErrorResponse(BaseModel):
    """Why a request failed: ``detail`` says what is wrong; ``kind`` is the error kind the other
    surfaces report too (not_found, invalid_arguments, tool_error, timeout, internal)."""

    detail: str
    kind: str | None = None
    data: Any = None
    request_id: str | None = None


class FieldErrorResponse(BaseModel):
    """One problem with one argument; ``loc`` starts with ``"body"``."""

    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorResponse(BaseModel):
    """The arguments failed their schema: one entry per problem."""

    detail: list[FieldErrorResponse]
    kind: str | None = None


class ToolAnnotationsResponse(BaseModel):
    """Hints about a tool's behaviour (null: not said)."""

    read_only: bool | None
    destructive: bool | None
    idempotent: bool | None
    open_world: bool | None


class ExampleResponse(BaseModel):
    """A set of arguments for the tool, with the result it gives when ``result`` is present."""

    arguments: dict[str, Any]
    result: Any = None
    description: str | None = None


class ToolDescription(BaseModel):
    """A tool: what it does, the JSON Schemas of its arguments and result, and hints."""

    name: str
    title: str | None
    description: str | None
    input_schema: dict[str, Any]
    output_schema: dict[str, Any] | None
    annotations: ToolAnnotationsResponse
    tags: list[str]
    examples: list[ExampleResponse]


class ToolList(BaseModel):
    """Every tool the server has, in registration order."""

    tools: list[ToolDescription]


def _error(description: str, model: Any = ErrorResponse) -> dict[str, Any]:
    return {"description": description, "model": model}


# A ToolError may carry any 4xx/5xx status, so every error status admits ErrorResponse, and the
# ranges cover statuses a tool picks that are not listed.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("The body is not JSON or not a JSON object, or the tool refused the call (ToolError)."),
    404: _error("No tool of this name."),
    413: _error("The body is larger than the configured limit."),
    415: _error("The content type is not application/json."),
    422: _error(
        "The arguments do not match the tool's input schema.",
        ValidationErrorResponse | ErrorResponse,
    ),
    500: _error("Internal error: the detail holds a request id to find the log entry."),
    504: _error("The tool did not finish before its deadline."),
    "4XX": _error("A ToolError with the status the tool gave it."),
    "5XX": _error("A ToolError with the status the tool gave it."),
}


def tool_operation(tool: Tool) -> dict[str, Any]:
    """The ``openapi_extra`` of a tool's route: its request body and its 200 response."""
    input_schema = inline_refs(tool.input_schema)
    output = tool.output_schema
    request: dict[str, Any] = {"schema": input_schema}
    success: dict[str, Any] = {"schema": inline_refs(output) if output is not None else {}}
    if tool.examples:
        request["examples"] = {
            f"example{i}": {
                "value": dict(e.arguments),
                **({"summary": e.description} if e.description else {}),
            }
            for i, e in enumerate(tool.examples, 1)
        }
        results = [e for e in tool.examples if e.has_result]
        if results:
            success["example"] = copy.deepcopy(tool.serializer.to_json(results[0].result))
    return {
        "requestBody": {
            "required": bool(input_schema.get("required")),
            "content": {"application/json": request},
        },
        "responses": {"200": {"description": "The tool's result.", "content": {"application/json": success}}},
    }


NAME_PARAMETER: dict[str, Any] = {
    "name": "name",
    "in": "path",
    "required": True,
    "description": "The tool's name.",
    "schema": {"type": "string"},
}


def generic_operation() -> dict[str, Any]:
    """The ``openapi_extra`` of ``POST {prefix}/{name}``: any tool, any arguments object."""
    return {
        "parameters": [NAME_PARAMETER],
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        "responses": {
            "200": {"description": "The tool's result.", "content": {"application/json": {"schema": {}}}}
        },
    }
