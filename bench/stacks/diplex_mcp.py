"""diplex, MCP only (a split deployment's MCP function): ``lambda_handler(registry, surfaces={"mcp"})``."""

from __future__ import annotations

from typing import Any

import diplex
from diplex.aws import lambda_handler

registry = diplex.Registry("bench")


@registry.tool
def add(a: int, b: int) -> int:
    return a + b


@registry.tool
async def echo(text: str) -> str:
    return text


handler = lambda_handler(registry, surfaces={"mcp"})

CASES = ("mcp-legacy", "mcp-modern", "direct")


def asgi_app() -> Any:
    """The app for server mode: ``registry.mcp_app()``, MCP alone, no FastAPI."""
    return registry.mcp_app()
