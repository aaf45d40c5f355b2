"""diplex, MCP only (a split deployment's MCP function): ``lambda_handler(registry, surfaces={"mcp"})``."""

from __future__ import annotations

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
