"""Lambda events as API Gateway and the Lambda API send them, for the checker's Lambda surfaces."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["direct_event", "http_v2_event", "rest_v1_event"]


def http_v2_event(method: str, path: str, *, body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    """An HTTP API payload 2.0 event on the ``$default`` stage."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": dict(headers),
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "check",
            "domainName": "check.execute-api.us-east-1.amazonaws.com",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.9"},
            "requestId": "check-v2",
            "routeKey": "$default",
            "stage": "$default",
        },
        "body": body.decode(),
        "isBase64Encoded": False,
    }


def rest_v1_event(method: str, path: str, *, body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    """An API Gateway REST API proxy event (payload 1.0) on the ``prod`` stage."""
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": dict(headers),
        "multiValueHeaders": {key: [value] for key, value in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "requestContext": {
            "stage": "prod",
            "requestId": "check-v1",
            "path": f"/prod{path}",
            "identity": {"sourceIp": "203.0.113.7"},
        },
        "body": body.decode(),
        "isBase64Encoded": False,
    }


def direct_event(tool: str, arguments: Any) -> dict[str, Any]:
    """A direct invocation (Step Functions, EventBridge, the SDK's ``Invoke``)."""
    return {"tool": tool, "arguments": arguments}
