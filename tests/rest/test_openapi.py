"""The OpenAPI document: valid OpenAPI 3.1, built from the tools' own schemas, every error
status documented on every tool route."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from openapi_spec_validator import validate

import diplex
from diplex.rest import create_app
from diplex.rest.openapi import inline_refs

from . import registries

APPS = {
    "outcomes": registries.app,
    "typed": registries.typed_app,
    "examples": registries.example_app,
    "sets": create_app(registries.sets, mcp=False),
    "recursive": create_app(registries.recursive, mcp=False),
}


@pytest.mark.parametrize("name", APPS)
def test_the_document_is_valid_openapi_3_1(name: str) -> None:
    spec = APPS[name].openapi()
    assert spec["openapi"].startswith("3.1")
    validate(spec)


@pytest.mark.parametrize("name", APPS)
def test_no_schema_points_into_a_missing_defs(name: str) -> None:
    assert "#/$defs/" not in json.dumps(APPS[name].openapi())


def operation(app: FastAPI, path: str, method: str = "post") -> dict[str, Any]:
    found: dict[str, Any] = app.openapi()["paths"][path][method]
    return found


def test_each_tool_is_one_operation_named_after_it() -> None:
    add = operation(registries.example_app, "/tools/add")
    assert add["operationId"] == "add"
    assert add["summary"] == "add"
    assert add["description"] == "Add two integers."
    assert add["tags"] == ["math"]


def without_null_defaults(schema: Any) -> Any:
    # FastAPI writes its document with exclude_none, which drops `"default": null` (an
    # annotation: it changes no validation).
    if isinstance(schema, dict):
        return {k: without_null_defaults(v) for k, v in schema.items() if not (k == "default" and v is None)}
    return [without_null_defaults(v) for v in schema] if isinstance(schema, list) else schema


def test_the_request_body_is_the_tools_input_schema() -> None:
    tool = registries.typed["scalars"]
    body = operation(registries.typed_app, "/tools/scalars")["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == without_null_defaults(tool.input_schema)


def test_the_success_response_is_the_tools_output_schema() -> None:
    tool = registries.typed["scalars"]
    ok = operation(registries.typed_app, "/tools/scalars")["responses"]["200"]
    assert ok["content"]["application/json"]["schema"] == tool.output_schema


def test_definitions_are_inlined() -> None:
    schema = operation(registries.example_app, "/tools/convert_temperature")["requestBody"]
    unit = schema["content"]["application/json"]["schema"]["properties"]["from_unit"]
    assert unit["enum"] == ["celsius", "fahrenheit", "kelvin"]


def test_examples_are_documented() -> None:
    add = operation(registries.example_app, "/tools/add")
    assert add["requestBody"]["content"]["application/json"]["examples"] == {
        "example1": {"value": {"a": 2, "b": 3}}
    }
    assert add["responses"]["200"]["content"]["application/json"]["example"] == 5


@pytest.mark.parametrize("tool", [tool.name for tool in registries.outcomes])
def test_every_error_status_is_documented_on_every_tool_route(tool: str) -> None:
    responses = operation(registries.app, f"/tools/{tool}")["responses"]
    assert {"200", "400", "404", "413", "415", "422", "500", "504", "4XX", "5XX"} <= set(responses)
    for status, response in responses.items():
        if status != "200":  # a tool without a return annotation returns any JSON: schema {}
            assert response["content"]["application/json"]["schema"], status


def test_a_tool_without_required_arguments_has_an_optional_body() -> None:
    assert operation(registries.app, "/tools/no_arguments")["requestBody"]["required"] is False


def test_the_listing_and_the_generic_call_are_documented() -> None:
    paths = registries.app.openapi()["paths"]
    assert paths["/tools"]["get"]["operationId"] == "diplex:list_tools"
    assert paths["/tools/{name}"]["get"]["operationId"] == "diplex:show_tool"
    assert paths["/tools/{name}"]["post"]["operationId"] == "diplex:call_tool"
    assert paths["/tools/echo_sync"]["get"]["operationId"] == "describe:echo_sync"


def test_inline_refs_replaces_references_by_definitions() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/A", "description": "kept"}},
        "$defs": {
            "A": {"type": "object", "properties": {"b": {"$ref": "#/$defs/B"}}},
            "B": {"type": "integer"},
        },
    }
    assert inline_refs(schema) == {
        "type": "object",
        "properties": {
            "a": {"type": "object", "properties": {"b": {"type": "integer"}}, "description": "kept"}
        },
    }


def test_inline_refs_cuts_recursion_where_it_recurs() -> None:
    schema = registries.recursive["depth"].input_schema
    inlined = inline_refs(schema)
    children = inlined["properties"]["tree"]["properties"]["children"]
    assert children["items"] == {"description": "a Tree (recursive: as described above)"}


def test_a_registry_with_no_tools_still_documents_its_routes() -> None:
    spec = create_app(diplex.Registry("empty"), mcp=False).openapi()
    validate(spec)
    assert set(spec["paths"]) == {"/tools", "/tools/{name}", "/health"}
