"""The MCP surface stays light: no MCP SDK, no web framework, and ``import diplex`` imports none of it."""

from __future__ import annotations

from tests.conftest import run_isolated


def test_importing_diplex_imports_neither_the_mcp_sdk_nor_its_types() -> None:
    out = run_isolated(
        """
        import sys
        import diplex
        print(sorted(m for m in ("mcp", "mcp_types", "diplex.mcp") if m in sys.modules))
        """
    )
    assert out.strip() == "[]"


def test_serving_mcp_imports_no_sdk_and_no_framework() -> None:
    out = run_isolated(
        """
        import sys
        import diplex
        from diplex.mcp import McpEndpoint
        from diplex.wire import HttpRequest

        registry = diplex.Registry()
        registry.add(lambda a: a, name="echo")
        app = registry.mcp_app()
        body = b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"a":1}}}'
        response = McpEndpoint(registry).handle(HttpRequest("POST", "/mcp", {}, body))
        assert response.status == 200, response
        heavy = ["mcp", "mcp_types", "fastapi", "starlette", "mangum", "uvicorn", "httpx", "anyio"]
        print(sorted(m for m in heavy if m in sys.modules))
        """
    )
    assert out.strip() == "[]"
