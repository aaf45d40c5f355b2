"""Named factories for every Lambda event shape diplex answers, so tests run anywhere."""

from __future__ import annotations

import base64
import json
from typing import Any

Headers = dict[str, str]


def _body(body: bytes | str | None, encode: bool) -> tuple[str | None, bool]:
    if body is None:
        return None, False
    raw = body.encode() if isinstance(body, str) else body
    if encode:
        return base64.b64encode(raw).decode(), True
    return raw.decode(), False


def http_v2_event(
    method: str = "POST",
    path: str = "/",
    *,
    body: bytes | str | None = None,
    headers: Headers | None = None,
    cookies: list[str] | None = None,
    query: str = "",
    stage: str = "$default",
    base64_body: bool = False,
    domain: str = "abc123.execute-api.us-east-1.amazonaws.com",
) -> dict[str, Any]:
    """An HTTP API payload 2.0 event; a named stage appears in rawPath, as API Gateway sends it."""
    raw_path = path if stage == "$default" else f"/{stage}{path}"
    text, encoded = _body(body, base64_body)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": {"content-type": "application/json", **(headers or {})},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": domain,
            "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.9"},
            "requestId": "req-v2",
            "routeKey": "$default",
            "stage": stage,
        },
        "isBase64Encoded": encoded,
    }
    if cookies:
        event["cookies"] = cookies
    if text is not None:
        event["body"] = text
    return event


def function_url_event(method: str = "POST", path: str = "/", **kwargs: Any) -> dict[str, Any]:
    """A Lambda Function URL event (2.0 shaped, a lambda-url domain, no named stage)."""
    return http_v2_event(method, path, domain="abcdefg.lambda-url.us-east-1.on.aws", **kwargs)


def rest_v1_event(
    method: str = "POST",
    path: str = "/",
    *,
    body: bytes | str | None = None,
    headers: Headers | None = None,
    query: dict[str, list[str]] | None = None,
    stage: str = "prod",
    base64_body: bool = False,
    version: str | None = None,
) -> dict[str, Any]:
    """An API Gateway REST API proxy event (payload 1.0); ``version="1.0"`` for the HTTP API's."""
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    text, encoded = _body(body, base64_body)
    event: dict[str, Any] = {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in (query or {}).items()} or None,
        "multiValueQueryStringParameters": query or None,
        "requestContext": {
            "stage": stage,
            "requestId": "req-v1",
            "path": f"/{stage}{path}",
            "identity": {"sourceIp": "203.0.113.7"},
        },
        "body": text,
        "isBase64Encoded": encoded,
    }
    if version:
        event["version"] = version
    return event


def alb_event(
    method: str = "POST",
    path: str = "/",
    *,
    body: bytes | str | None = None,
    headers: Headers | None = None,
    query: dict[str, str] | None = None,
    multi_value: bool = False,
    base64_body: bool = False,
) -> dict[str, Any]:
    """An Application Load Balancer event, with single- or multi-value headers."""
    all_headers = {"content-type": "application/json", **(headers or {})}
    text, encoded = _body(body, base64_body)
    event: dict[str, Any] = {
        "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:::targetgroup/tg/1"}},
        "httpMethod": method,
        "path": path,
        "body": text or "",
        "isBase64Encoded": encoded,
    }
    if multi_value:
        event["multiValueHeaders"] = {k: [v] for k, v in all_headers.items()}
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in (query or {}).items()}
    else:
        event["headers"] = all_headers
        event["queryStringParameters"] = query or {}
    return event


def direct_event(tool: Any, arguments: Any = None) -> dict[str, Any]:
    """A direct invocation: Step Functions, EventBridge or the SDK's Invoke."""
    event: dict[str, Any] = {"tool": tool}
    if arguments is not None:
        event["arguments"] = arguments
    return event


def rpc(method: str, params: dict[str, Any] | None = None, id_: int | None = 1) -> dict[str, Any]:
    """A JSON-RPC message (a notification when ``id_`` is None)."""
    message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if id_ is not None:
        message["id"] = id_
    if params is not None:
        message["params"] = params
    return message


MODERN = "2026-07-28"
MODERN_META = {
    "io.modelcontextprotocol/protocolVersion": MODERN,
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": {"name": "tests", "version": "1"},
}


def modern_call(name: str, arguments: dict[str, Any], id_: int = 1) -> dict[str, Any]:
    """A 2026-07-28 tools/call message with its _meta envelope."""
    return rpc("tools/call", {"name": name, "arguments": arguments, "_meta": MODERN_META}, id_)


def modern_headers(method: str, name: str | None = None) -> Headers:
    headers = {
        "mcp-protocol-version": MODERN,
        "mcp-method": method,
        "accept": "application/json, text/event-stream",
    }
    if name is not None:
        headers["mcp-name"] = name
    return headers


def json_body(event: dict[str, Any]) -> Any:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return json.loads(body)
