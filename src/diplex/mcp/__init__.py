"""The MCP surface: dual-era Streamable HTTP (ASGI, and framework-free for Lambda) and stdio.

Entry points, from the outside in:

* ``create_mcp_app(registry, **options)`` -> ``McpApp``, an ASGI app (``registry.mcp_app()``);
* ``McpEndpoint(registry, options)``: ``handle(HttpRequest) -> HttpResponse`` (sync) and
  ``await handle_async(...)``: the HTTP rules without a framework;
* ``Dispatcher(registry, options)``: ``answer(message, Channel(...)) -> Reply`` (sync) and
  ``await answer_async(...)``: a raw JSON-RPC message (or batch) without HTTP;
* ``serve_stdio(registry)``: newline-delimited JSON-RPC on stdin/stdout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..registry import Registry
from .http import McpEndpoint
from .options import McpOptions
from .protocol import Channel, Dispatcher, Reply

if TYPE_CHECKING:
    from .asgi import McpApp

__all__ = ["Channel", "Dispatcher", "McpApp", "McpEndpoint", "McpOptions", "Reply", "create_mcp_app"]


def create_mcp_app(registry: Registry, **options: Any) -> McpApp:
    """An ASGI app serving ``registry`` over MCP; ``options`` are those of :class:`McpOptions`."""
    from .asgi import McpApp  # here: the Lambda handler answers MCP without the ASGI app

    return McpApp(McpEndpoint(registry, McpOptions.build(**options)))


def __getattr__(name: str) -> Any:
    if name == "McpApp":
        from .asgi import McpApp

        return McpApp
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
