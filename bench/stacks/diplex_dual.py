"""diplex, both protocols from one function: ``lambda_handler(registry)``."""

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


handler = lambda_handler(registry)


def asgi_app() -> Any:
    """The app for server mode: FastAPI with the tools' routes and MCP at /mcp."""
    from diplex.rest import create_app

    return create_app(registry)


CASES = ("rest", "mcp-legacy", "mcp-modern", "direct")


def asgi_app_inline() -> Any:
    """The same app with ``add`` registered ``inline=True``: it runs on the loop's thread."""
    from diplex.rest import create_app

    inline = diplex.Registry("bench")
    inline.add(add, inline=True)
    inline.add(echo)
    return create_app(inline)
