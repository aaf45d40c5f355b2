"""What API Gateway, an ALB or a Function URL do around a Lambda function, for ``diplex local``.

Inbound, an HTTP request becomes the event its source would send (one named factory per
shape); outbound, the function's proxy response becomes the HTTP response that source would
return. ``events.py`` reads events; this module writes them, as AWS does:

    http-v2       HTTP API payload 2.0: lower-case headers joined by ",", ``cookies`` taken out
                  of the headers, ``rawPath``/``rawQueryString`` as received
    rest-v1       REST API (proxy resource ``/{proxy+}``): ``headers`` and
                  ``multiValueHeaders``, decoded query parameters (single and multi), the
                  percent-decoded ``path``
    alb           Application Load Balancer, single-value headers (lower-case, last value
                  wins), query parameters still percent-encoded, ``body`` "" when empty
    function-url  as http-v2, with a ``<id>.lambda-url.<region>.on.aws`` domain name

A body that is not text (by its content type, or not UTF-8) is sent base64-encoded with
``isBase64Encoded: true``. Every event's ``requestContext`` has a request id, the stage
``$default`` and the time of the request.

Outbound: ``statusCode``, ``headers``, ``multiValueHeaders``, ``cookies`` (2.0 shapes only),
``body`` and ``isBase64Encoded``. An HTTP API or Function URL answer without ``statusCode`` is
taken as a 200 JSON body, as AWS infers it; for REST and ALB it is a malformed response (502).
A function error is a 500 ``{"message": "Internal Server Error"}`` from an HTTP API and a 502
from the others.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "EVENT_FORMATS",
    "EventFormat",
    "GatewayRequest",
    "GatewayResponse",
    "alb_event",
    "build_event",
    "error_response",
    "function_url_event",
    "http_v2_event",
    "proxy_response",
    "rest_v1_event",
]

EventFormat = Literal["http-v2", "rest-v1", "alb", "function-url"]
EVENT_FORMATS: tuple[EventFormat, ...] = ("http-v2", "rest-v1", "alb", "function-url")

ACCOUNT_ID = "123456789012"
_TEXT_TYPES = (
    "application/json",
    "application/xml",
    "application/javascript",
    "application/x-www-form-urlencoded",
)
_HOP_BY_HOP = frozenset({"connection", "content-length", "keep-alive", "transfer-encoding"})


@dataclass(frozen=True)
class GatewayRequest:
    """An HTTP request as it reached the gateway: headers in order, names as sent."""

    method: str
    target: str  # the request line's target: path and query, still percent-encoded
    headers: Sequence[tuple[str, str]] = ()
    body: bytes = b""
    source_ip: str = "127.0.0.1"
    request_id: str = "local-request"
    time_epoch_ms: int = field(default_factory=lambda: int(time.time() * 1000))

    @property
    def raw_path(self) -> str:
        return urllib.parse.urlsplit(self.target).path or "/"

    @property
    def raw_query(self) -> str:
        return urllib.parse.urlsplit(self.target).query

    def header(self, name: str, default: str = "") -> str:
        """The last value of header ``name`` (case-insensitive)."""
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return values[-1] if values else default


@dataclass
class GatewayResponse:
    """The HTTP response the gateway sends back; ``headers`` as (name, value) pairs."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def _is_text(request: GatewayRequest) -> bool:
    try:
        request.body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    media_type = request.header("content-type").split(";")[0].strip().lower()
    return (
        not media_type
        or media_type.startswith("text/")
        or media_type in _TEXT_TYPES
        or media_type.endswith(("+json", "+xml"))
    )


def _body(request: GatewayRequest) -> tuple[str, bool]:
    if _is_text(request):
        return request.body.decode("utf-8"), False
    return base64.b64encode(request.body).decode("ascii"), True


def _query_pairs(request: GatewayRequest) -> list[tuple[str, str]]:
    return urllib.parse.parse_qsl(request.raw_query, keep_blank_values=True)


def _grouped(pairs: Sequence[tuple[str, str]], *, lower: bool = False) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name.lower() if lower else name, []).append(value)
    return grouped


def _request_time(request: GatewayRequest) -> str:
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(request.time_epoch_ms / 1000))


def http_v2_event(request: GatewayRequest, *, domain_name: str | None = None) -> dict[str, Any]:
    """An HTTP API payload 2.0 event (``$default`` route and stage)."""
    cookies: list[str] = []
    headers: list[tuple[str, str]] = []
    for name, value in request.headers:
        if name.lower() == "cookie":
            cookies += [c.strip() for c in value.split(";") if c.strip()]
        else:
            headers.append((name, value))
    domain = domain_name or request.header("host", "localhost").split(":")[0]
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": request.raw_path,
        "rawQueryString": request.raw_query,
        "headers": {name: ",".join(values) for name, values in _grouped(headers, lower=True).items()},
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": "diplexlocal",
            "domainName": domain,
            "domainPrefix": domain.split(".")[0],
            "http": {
                "method": request.method,
                "path": request.raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": request.source_ip,
                "userAgent": request.header("user-agent"),
            },
            "requestId": request.request_id,
            "routeKey": "$default",
            "stage": "$default",
            "time": _request_time(request),
            "timeEpoch": request.time_epoch_ms,
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if pairs := _query_pairs(request):
        event["queryStringParameters"] = {k: ",".join(vs) for k, vs in _grouped(pairs).items()}
    if request.body:
        event["body"], event["isBase64Encoded"] = _body(request)
    return event


def function_url_event(request: GatewayRequest, *, region: str = "us-east-1") -> dict[str, Any]:
    """A Lambda Function URL event: the 2.0 shape, on a ``lambda-url`` domain."""
    return http_v2_event(request, domain_name=f"diplexlocal.lambda-url.{region}.on.aws")


def rest_v1_event(request: GatewayRequest, *, stage: str = "$default") -> dict[str, Any]:
    """A REST API proxy event (resource ``/{proxy+}``; payload 1.0)."""
    path = urllib.parse.unquote(request.raw_path)
    multi_headers = _grouped(request.headers)
    multi_query = _grouped(_query_pairs(request))
    body, is_base64 = _body(request) if request.body else (None, False)
    domain = request.header("host", "localhost").split(":")[0]
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": request.method,
        "headers": {name: values[-1] for name, values in multi_headers.items()} or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {k: vs[-1] for k, vs in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {"proxy": path.lstrip("/")} if path.strip("/") else None,
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": "diplexlocal",
            "domainName": domain,
            "domainPrefix": domain.split(".")[0],
            "extendedRequestId": request.request_id,
            "httpMethod": request.method,
            "identity": {"sourceIp": request.source_ip, "userAgent": request.header("user-agent") or None},
            "path": path,
            "protocol": "HTTP/1.1",
            "requestId": request.request_id,
            "requestTime": _request_time(request),
            "requestTimeEpoch": request.time_epoch_ms,
            "resourceId": "proxy",
            "resourcePath": "/{proxy+}",
            "stage": stage,
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


def alb_event(request: GatewayRequest) -> dict[str, Any]:
    """An Application Load Balancer event, single-value headers (the target group default)."""
    query = [
        pair.split("=", 1) if "=" in pair else [pair, ""] for pair in request.raw_query.split("&") if pair
    ]
    body, is_base64 = _body(request) if request.body else ("", False)
    return {
        "requestContext": {
            "elb": {
                "targetGroupArn": (
                    f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT_ID}:targetgroup/diplex-local/0123456789abcdef"
                )
            }
        },
        "httpMethod": request.method,
        "path": request.raw_path,
        "queryStringParameters": dict(query),
        "headers": {name: values[-1] for name, values in _grouped(request.headers, lower=True).items()},
        "body": body,
        "isBase64Encoded": is_base64,
    }


def build_event(request: GatewayRequest, event_format: EventFormat) -> dict[str, Any]:
    """The event ``event_format``'s source would send for ``request``."""
    if event_format == "http-v2":
        return http_v2_event(request)
    if event_format == "function-url":
        return function_url_event(request)
    if event_format == "rest-v1":
        return rest_v1_event(request)
    if event_format == "alb":
        return alb_event(request)
    raise ValueError(f"unknown event format {event_format!r}; expected one of {', '.join(EVENT_FORMATS)}")


def error_response(event_format: EventFormat) -> GatewayResponse:
    """The gateway's answer when the function failed (raised, timed out, could not start)."""
    if event_format == "http-v2":
        return _json(500, {"message": "Internal Server Error"})
    return _json(502, {"message": "Internal server error"})


def _json(status: int, document: Any) -> GatewayResponse:
    return GatewayResponse(status, [("Content-Type", "application/json")], json.dumps(document).encode())


def proxy_response(payload: bytes, event_format: EventFormat) -> GatewayResponse:
    """The HTTP response for a function's successful answer ``payload`` (JSON bytes)."""
    try:
        answer = json.loads(payload)
    except ValueError:
        answer = None
    v2 = event_format in ("http-v2", "function-url")
    if not (isinstance(answer, dict) and "statusCode" in answer):
        if v2 and answer is not None:  # AWS infers a 200 JSON response
            return GatewayResponse(200, [("Content-Type", "application/json")], payload)
        return error_response(event_format)
    try:
        return _framed(answer, v2=v2)
    except (TypeError, ValueError, binascii.Error):
        return error_response(event_format)


def _framed(answer: dict[str, Any], *, v2: bool) -> GatewayResponse:
    status = int(answer["statusCode"])
    headers: list[tuple[str, str]] = []
    multi = answer.get("multiValueHeaders") or {}
    for name, values in multi.items():
        headers += [(str(name), _text(value)) for value in values]
    taken = {name.lower() for name, _ in headers}
    for name, value in (answer.get("headers") or {}).items():
        if str(name).lower() not in taken:
            headers.append((str(name), _text(value)))
    if v2:
        headers += [("Set-Cookie", str(cookie)) for cookie in answer.get("cookies") or ()]
    headers = [(name, value) for name, value in headers if name.lower() not in _HOP_BY_HOP]
    body = answer.get("body")
    if body is None:
        return GatewayResponse(status, headers, b"")
    if not isinstance(body, str):
        body = json.dumps(body) if v2 else str(body)
    if answer.get("isBase64Encoded"):
        return GatewayResponse(status, headers, base64.b64decode(body, validate=True))
    return GatewayResponse(status, headers, body.encode("utf-8"))


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
