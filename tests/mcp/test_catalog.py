"""Tool descriptors per version, pagination with opaque cursors, and their caching."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

import diplex
from diplex.mcp.catalog import Catalog, describe, wrap_schema
from diplex.mcp.jsonrpc import RpcError
from diplex.mcp.options import McpOptions

from .sample import Point, registry
from .schemas import conforms


def test_a_handshake_version_before_2025_06_18_has_no_titles_or_output_schemas() -> None:
    described = describe(registry["add"], "2025-03-26")
    assert described == {
        "name": "add",
        "description": "Add two integers (a sync tool).",
        "inputSchema": registry["add"].input_schema,
        "annotations": {"readOnlyHint": True, "idempotentHint": True, "title": "Addition"},
    }
    conforms(described, "2025-03-26", "Tool")


@pytest.mark.parametrize("version", ["2025-06-18", "2025-11-25"])
def test_object_only_versions_wrap_output_schemas_that_are_not_objects(version: str) -> None:
    add = describe(registry["add"], version)
    assert add["title"] == "Addition"
    assert add["outputSchema"] == {
        "type": "object",
        "properties": {"result": {"type": "integer"}},
        "required": ["result"],
    }
    assert describe(registry["point"], version)["outputSchema"] == registry["point"].output_schema
    assert "outputSchema" not in describe(registry["untyped"], version)
    for tool in registry:
        conforms(describe(tool, version), version, "Tool")


def test_2026_07_28_publishes_output_schemas_as_they_are() -> None:
    assert describe(registry["pair"], "2026-07-28")["outputSchema"] == registry["pair"].output_schema
    assert describe(registry["greet"], "2026-07-28")["annotations"] == {"openWorldHint": False}
    assert "annotations" not in describe(registry["pair"], "2026-07-28")
    for tool in registry:
        conforms(describe(tool, "2026-07-28"), "2026-07-28", "Tool")


def test_a_wrapped_schema_keeps_its_definitions_where_its_references_point() -> None:
    local = diplex.Registry()

    @local.tool
    def points() -> list[Point]:
        return [Point(x=1, y=2)]

    schema = local["points"].output_schema
    assert schema is not None and "$defs" in schema
    wrapped = wrap_schema(schema)
    assert "$defs" in wrapped and "$defs" not in wrapped["properties"]["result"]
    value: Any = local.call("points").value
    jsonschema.validate({"result": value}, wrapped)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"result": [{"x": 1, "y": 2, "colour": "green"}]}, wrapped)


def constant() -> int:
    return 0


def _registry(count: int) -> diplex.Registry:
    many = diplex.Registry("many")
    for n in range(count):
        many.add(constant, name=f"tool_{n:02d}")
    return many


def _all_pages(catalog: Catalog, version: str, modern: bool) -> list[dict[str, Any]]:
    pages = [catalog.page(version, modern, None)]
    while "nextCursor" in pages[-1]:
        pages.append(catalog.page(version, modern, pages[-1]["nextCursor"]))
    return pages


@pytest.mark.parametrize(("count", "pages"), [(0, 1), (1, 1), (4, 2), (5, 3)])
def test_pages_follow_each_other_until_the_last_has_no_cursor(count: int, pages: int) -> None:
    catalog = Catalog(_registry(count), McpOptions.build(page_size=2, ttl_ms=5, cache_scope="private"))
    listed = _all_pages(catalog, "2026-07-28", True)
    assert len(listed) == pages
    assert [t["name"] for page in listed for t in page["tools"]] == [f"tool_{n:02d}" for n in range(count)]
    for page in listed:
        assert (page["ttlMs"], page["cacheScope"], page["resultType"]) == (5, "private", "complete")
        conforms(page, "2026-07-28", "ListToolsResult")
    legacy = _all_pages(catalog, "2025-11-25", False)
    assert [[t["name"] for t in p["tools"]] for p in legacy] == [
        [t["name"] for t in p["tools"]] for p in listed
    ]
    assert all("ttlMs" not in page for page in legacy)


@pytest.mark.parametrize(
    "cursor",
    ["", "nope", 3, "tools-page:1", "dG9vbHMtcGFnZTow", "dG9vbHMtcGFnZTo5", "dG9vbHMtcGFnZTox="],
)
def test_a_cursor_that_was_not_handed_out_is_invalid_params(cursor: object) -> None:
    catalog = Catalog(_registry(5), McpOptions.build(page_size=2))
    assert catalog.page("2026-07-28", True, None)["nextCursor"] == "dG9vbHMtcGFnZTox"
    with pytest.raises(RpcError) as caught:
        catalog.page("2026-07-28", True, cursor)
    assert caught.value.code == -32602


def test_pages_are_built_once_per_version_and_again_when_the_registry_grows() -> None:
    grows = _registry(1)
    catalog = Catalog(grows, McpOptions())
    first = catalog.page("2026-07-28", True, None)
    assert catalog.page("2026-07-28", True, None) is first
    grows.add(constant, name="late")
    assert [t["name"] for t in catalog.page("2026-07-28", True, None)["tools"]] == ["tool_00", "late"]
