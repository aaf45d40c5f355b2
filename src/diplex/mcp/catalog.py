"""The registry's tools as each protocol version describes them, in pages.

Pages are built on first use and cached per version (not per request); a registry only
grows, so a changed tool count is the signal to start over. A cached page costs a cursor
decode and a list index.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import threading

from ..registry import Registry
from ..tool import Tool
from .jsonrpc import INVALID_PARAMS, JsonObject, RpcError
from .options import McpOptions
from .versions import SERVER_INFO_KEY, structure

__all__ = ["Catalog", "is_object_schema", "wrap_schema"]


def is_object_schema(schema: JsonObject) -> bool:
    """Whether every value a schema admits is an object: decided by the schema, never a value."""
    return schema.get("type") == "object"


def wrap_schema(schema: JsonObject) -> JsonObject:
    """The schema of ``{"result": value}``; ``$defs`` stay at the root, where ``$ref``s point."""
    inner = {key: value for key, value in schema.items() if key != "$defs"}
    wrapped: JsonObject = {"type": "object", "properties": {"result": inner}, "required": ["result"]}
    if "$defs" in schema:
        wrapped["$defs"] = schema["$defs"]
    return wrapped


def _annotations(tool: Tool, version: str) -> JsonObject | None:
    hints = {
        "readOnlyHint": tool.annotations.read_only,
        "destructiveHint": tool.annotations.destructive,
        "idempotentHint": tool.annotations.idempotent,
        "openWorldHint": tool.annotations.open_world,
    }
    found: JsonObject = {key: value for key, value in hints.items() if value is not None}
    if tool.title is not None and version == "2025-03-26":
        found["title"] = tool.title  # 2025-03-26 has no Tool.title, only this one
    return found or None


def describe(tool: Tool, version: str) -> JsonObject:
    """One ``Tool`` object of ``tools/list`` in ``version``'s shape."""
    descriptor: JsonObject = {"name": tool.name}
    if tool.title is not None and version != "2025-03-26":
        descriptor["title"] = tool.title
    if tool.description is not None:
        descriptor["description"] = tool.description
    descriptor["inputSchema"] = tool.input_schema
    output = tool.output_schema
    mode = structure(version)
    if output is not None and mode != "none":
        descriptor["outputSchema"] = (
            output if mode == "any" or is_object_schema(output) else wrap_schema(output)
        )
    annotations = _annotations(tool, version)
    if annotations is not None:
        descriptor["annotations"] = annotations
    return descriptor


def encode_cursor(page: int) -> str:
    return base64.urlsafe_b64encode(f"tools-page:{page}".encode()).decode().rstrip("=")


def decode_cursor(cursor: object, pages: int) -> int:
    """The page a cursor of ours stands for; anything else is -32602."""
    if isinstance(cursor, str) and 0 < len(cursor) <= 40:
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        except (binascii.Error, ValueError):
            text = ""
        prefix, _, digits = text.partition(":")
        if (
            prefix == "tools-page"
            and digits.isascii()
            and digits.isdigit()
            and 0 < int(digits) < pages
            and encode_cursor(int(digits)) == cursor  # only the spelling we hand out
        ):
            return int(digits)
    raise RpcError(INVALID_PARAMS, "invalid cursor: pass the nextCursor of an earlier tools/list")


class Catalog:
    """``tools/list`` results per version, and each version's server identity."""

    def __init__(self, registry: Registry, options: McpOptions) -> None:
        self.registry = registry
        self.options = options
        self.server_info: JsonObject = {"name": registry.name, "version": registry.version}
        self.server_meta: JsonObject = {SERVER_INFO_KEY: self.server_info}
        self._pages: dict[str, tuple[int, list[JsonObject | None]]] = {}
        self._lock = threading.Lock()

    def page(self, version: str, modern: bool, cursor: object) -> JsonObject:
        """The ``tools/list`` result for ``cursor`` (None: the first page).

        Each page is built when first asked for: the first page of 1,000 tools describes 100.
        """
        count = len(self.registry)
        cached = self._pages.get(version)
        if cached is None or cached[0] != count:
            cached = (count, [None] * max(1, -(-count // self.options.page_size)))
            self._pages[version] = cached
        pages = cached[1]
        index = 0 if cursor is None else decode_cursor(cursor, len(pages))
        result = pages[index]
        if result is None:
            with self._lock:
                result = pages[index] = self._build_page(version, modern, index, count)
        return result

    def cache_fields(self) -> JsonObject:
        return {"ttlMs": self.options.ttl_ms, "cacheScope": self.options.cache_scope}

    def _build_page(self, version: str, modern: bool, index: int, count: int) -> JsonObject:
        size = self.options.page_size
        start = index * size
        chosen = itertools.islice(self.registry.tools.values(), start, start + size)
        result: JsonObject = {"tools": [describe(tool, version) for tool in chosen]}
        if start + size < count:
            result["nextCursor"] = encode_cursor(index + 1)
        if modern:
            result = {"resultType": "complete", **result, **self.cache_fields(), "_meta": self.server_meta}
        return result
