"""Checks of what the server sends against the specification's own JSON schemas.

The schemas are read from ``../shared/mcp-schema`` (next to the repository) when it is there;
the ``mcp_types`` models check the 2025-11-25 and 2026-07-28 shapes everywhere.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
import mcp_types._v2025_11_25 as handshake_models
import mcp_types._v2026_07_28 as modern_models

SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "mcp-schema"


@functools.cache
def _schema(version: str) -> dict[str, Any] | None:
    path = SCHEMAS / version / "schema.json"
    if not path.exists():
        return None
    schema: dict[str, Any] = json.loads(path.read_text())
    return schema


def conforms(instance: Any, version: str, definition: str) -> None:
    """Raise unless ``instance`` is a valid ``definition`` (e.g. "CallToolResult") of ``version``."""
    schema = _schema(version)
    if schema is not None:
        key = "definitions" if "definitions" in schema else "$defs"
        root = {**schema, "$ref": f"#/{key}/{definition}"}
        cls = jsonschema.validators.validator_for(schema)
        cls(root).validate(instance)
    models = {"2026-07-28": modern_models, "2025-11-25": handshake_models}.get(version)
    model = getattr(models, definition, None) if models is not None else None
    if model is not None:
        model.model_validate(instance)


def error_definition(version: str) -> str:
    return "JSONRPCError" if version in ("2025-03-26", "2025-06-18") else "JSONRPCErrorResponse"
