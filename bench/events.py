"""The events every stack answers: API Gateway HTTP API 2.0 payloads; imports nothing (not even typing).

Cold-start runs import this module before the stack under test, so it imports nothing: the
bodies are written out as text. ``CASES`` names each request, says which event answers it and
what the answer must contain.
"""

from __future__ import annotations

LEGACY = "2025-11-25"
MODERN = "2026-07-28"
ACCEPT = "application/json, text/event-stream"
MODERN_META = (
    '{"io.modelcontextprotocol/protocolVersion": "2026-07-28", '
    '"io.modelcontextprotocol/clientCapabilities": {}}'
)

ADD_ARGS = '{"a": 1, "b": 2}'
ECHO_ARGS = '{"text": "hi"}'
ARGS = {"add": ADD_ARGS, "echo": ECHO_ARGS}
# What a correct answer carries, as text inside the response body.
EXPECT = {"add": "3", "echo": "hi"}


def http_event(path: str, body: str, headers: dict[str, str] | None = None) -> dict[str, object]:
    """An API Gateway HTTP API (payload 2.0) POST event, $default stage."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "content-type": "application/json",
            "accept": ACCEPT,
            "host": "abc123.execute-api.us-east-1.amazonaws.com",
            "content-length": str(len(body)),
            **(headers or {}),
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "abc123",
            "http": {
                "method": "POST",
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.9",
                "userAgent": "bench",
            },
            "requestId": "bench-request",
            "routeKey": "$default",
            "stage": "$default",
            "time": "01/Jan/2026:00:00:00 +0000",
            "timeEpoch": 1767225600000,
        },
        "body": body,
        "isBase64Encoded": False,
    }


def rest_body(tool: str) -> str:
    return ARGS[tool]


def mcp_body(method: str, params: str = "{}", id_: int = 1) -> str:
    return f'{{"jsonrpc": "2.0", "id": {id_}, "method": "{method}", "params": {params}}}'


def legacy_call_body(tool: str) -> str:
    return mcp_body("tools/call", f'{{"name": "{tool}", "arguments": {ARGS[tool]}}}')


def modern_call_body(tool: str) -> str:
    params = f'{{"name": "{tool}", "arguments": {ARGS[tool]}, "_meta": {MODERN_META}}}'
    return mcp_body("tools/call", params)


def legacy_headers() -> dict[str, str]:
    return {"mcp-protocol-version": LEGACY}


def modern_headers(method: str, name: str | None = None) -> dict[str, str]:
    headers = {"mcp-protocol-version": MODERN, "mcp-method": method}
    if name is not None:
        headers["mcp-name"] = name
    return headers


def request(kind: str, tool: str) -> tuple[str, str, dict[str, str]]:
    """(path, body, extra headers) of one HTTP request: kind is rest, mcp-legacy or mcp-modern."""
    if kind == "rest":
        return f"/tools/{tool}", rest_body(tool), {}
    if kind == "mcp-legacy":
        return "/mcp", legacy_call_body(tool), legacy_headers()
    if kind == "mcp-modern":
        return "/mcp", modern_call_body(tool), modern_headers("tools/call", tool)
    raise ValueError(f"unknown request kind {kind!r}")


def event(kind: str, tool: str) -> dict[str, object]:
    """The Lambda event of one case: kind is rest, mcp-legacy, mcp-modern or direct."""
    if kind == "direct":
        # A direct invocation carries the arguments as JSON values, not text.
        arguments: dict[str, object] = {"a": 1, "b": 2} if tool == "add" else {"text": "hi"}
        return {"tool": tool, "arguments": arguments}
    path, body, headers = request(kind, tool)
    return http_event(path, body, headers)


def list_event(era: str = "mcp-legacy") -> dict[str, object]:
    """An MCP tools/list request (first page)."""
    if era == "mcp-modern":
        return http_event(
            "/mcp", mcp_body("tools/list", f'{{"_meta": {MODERN_META}}}'), modern_headers("tools/list")
        )
    return http_event("/mcp", mcp_body("tools/list"), legacy_headers())


class FakeContext:
    """The Lambda context object, with the fields handlers read."""

    function_name = "bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    memory_limit_in_mb = 1024
    aws_request_id = "bench-request"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000
