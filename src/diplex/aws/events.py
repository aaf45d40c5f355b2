"""Lambda event shapes: recognise an event, read it as an ``HttpRequest``, frame the answer.

Sources: API Gateway REST API (payload 1.0, also the HTTP API's 1.0 payload), HTTP API
(payload 2.0), Application Load Balancer (single- or multi-value headers) and Lambda Function
URLs (2.0 shaped). Besides HTTP events, a Lambda function may be invoked directly with a tool
call (``{"tool": ..., "arguments": ...}``) or with a raw MCP JSON-RPC message.

Where Mangum would crash or misroute, this module does not: a body marked base64 that is not
base64 is a ``BadEvent`` (answered 400); a named stage prefix in an HTTP API path is stripped
whatever the stage is called; configured base paths (custom domain mappings) are stripped too.
"""

from __future__ import annotations

import base64
import binascii
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from ..errors import DiplexError
from ..wire import HttpRequest, HttpResponse

__all__ = [
    "BadEvent",
    "EventKind",
    "HttpSource",
    "classify",
    "frame_response",
    "read_request",
]

HttpSource = Literal["rest-v1", "http-v2", "alb", "function-url"]
EventKind = Literal["rest-v1", "http-v2", "alb", "function-url", "direct", "mcp"]


class BadEvent(DiplexError):
    """An HTTP event that cannot be read as a request; answered with 400 and this message."""


def classify(event: object) -> EventKind | None:
    """Which kind of event this is, or None for a shape diplex does not know."""
    if isinstance(event, list):
        return "mcp" if event and all(isinstance(m, dict) and "jsonrpc" in m for m in event) else None
    if not isinstance(event, dict):
        return None
    context = event.get("requestContext")
    if isinstance(context, dict) and "elb" in context:
        return "alb"
    if "httpMethod" in event:
        return "rest-v1"
    if "rawPath" in event or (isinstance(context, dict) and isinstance(context.get("http"), dict)):
        domain = context.get("domainName", "") if isinstance(context, dict) else ""
        return "function-url" if ".lambda-url." in str(domain) else "http-v2"
    if "jsonrpc" in event:
        return "mcp"
    if "tool" in event:
        return "direct"
    return None


def _body(event: Mapping[str, Any]) -> bytes:
    body = event.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise BadEvent("the event's body is not a string")
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise BadEvent("the request body is marked base64-encoded but is not valid base64") from None
    return body.encode("utf-8", "surrogatepass")


def _strip_prefix(path: str, prefix: str) -> str:
    prefix = "/" + prefix.strip("/")
    if prefix != "/" and (path == prefix or path.startswith(prefix + "/")):
        return path[len(prefix) :] or "/"
    return path


def _strip_base_paths(path: str, base_paths: Iterable[str]) -> str:
    for base in base_paths:
        stripped = _strip_prefix(path, base)
        if stripped != path:
            return stripped
    return path


def _v1_headers(event: Mapping[str, Any]) -> dict[str, str]:
    multi = event.get("multiValueHeaders")
    if isinstance(multi, dict) and multi:
        return {str(k).lower(): ", ".join(str(v) for v in (vs or [])) for k, vs in multi.items()}
    single = event.get("headers")
    return {str(k).lower(): str(v) for k, v in single.items()} if isinstance(single, dict) else {}


def _v2_headers(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    try:
        # API Gateway and function URLs send lower-case names and string values: then a copy
        # will do (two joins check both, at C speed; a join raises TypeError for a non-string).
        names = "".join(raw)
        if names == names.lower() and isinstance("".join(raw.values()), str):
            return raw.copy()
    except TypeError:
        pass
    return {str(k).lower(): str(v) for k, v in raw.items()}


def _v1_query(event: Mapping[str, Any], *, encoded: bool) -> str:
    multi = event.get("multiValueQueryStringParameters")
    pairs: list[tuple[str, str]] = []
    if isinstance(multi, dict) and multi:
        pairs = [(str(k), str(v)) for k, vs in multi.items() for v in (vs or [])]
    elif isinstance(single := event.get("queryStringParameters"), dict):
        pairs = [(str(k), str(v)) for k, v in single.items()]
    if encoded:  # ALB passes query parameters as they came, still percent-encoded
        return "&".join(f"{k}={v}" for k, v in pairs)
    return urllib.parse.urlencode(pairs)


def read_request(
    event: Mapping[str, Any], source: HttpSource, *, base_paths: Iterable[str] = ()
) -> HttpRequest:
    """Read an HTTP event as a request; raise BadEvent when it cannot be read."""
    if source == "http-v2" or source == "function-url":
        context = event.get("requestContext") or {}
        http = context.get("http") or {}
        method = str(http.get("method") or "GET")
        path = str(event.get("rawPath") or http.get("path") or "/")
        if "%" in path:
            path = urllib.parse.unquote(path)
        stage = context.get("stage")
        if isinstance(stage, str) and stage and stage != "$default":
            path = _strip_prefix(path, stage)  # named stages appear in rawPath; any name
        headers = _v2_headers(event.get("headers"))
        cookies = event.get("cookies")
        if isinstance(cookies, list) and cookies:
            headers["cookie"] = "; ".join(str(c) for c in cookies)
        query = str(event.get("rawQueryString") or "")
    else:
        method = str(event.get("httpMethod") or "GET")
        path = str(event.get("path") or "/")
        if source == "alb":
            path = urllib.parse.unquote(path)
        headers = _v1_headers(event)
        query = _v1_query(event, encoded=source == "alb")
    if base_paths:
        path = _strip_base_paths(path or "/", base_paths)
    return HttpRequest(method.upper(), path, headers, _body(event), query)  # (positional: cheaper)


def frame_response(response: HttpResponse, source: HttpSource, event: Mapping[str, Any]) -> dict[str, Any]:
    """The Lambda proxy response for ``source``; ALB gets the header style its request used."""
    try:
        body, is_base64 = response.body.decode("utf-8"), False
    except UnicodeDecodeError:
        body, is_base64 = base64.b64encode(response.body).decode("ascii"), True
    framed: dict[str, Any] = {"statusCode": response.status, "body": body, "isBase64Encoded": is_base64}
    if source in ("http-v2", "function-url"):
        single = dict(response.headers)
        if len(single) == len(response.headers) and "set-cookie" not in single:
            framed["headers"] = single  # the usual answer: each header once, no cookies
            return framed
    grouped: dict[str, list[str]] = {}
    cookies: list[str] = []
    for name, value in response.headers:
        if name.lower() == "set-cookie" and source in ("http-v2", "function-url"):
            cookies.append(value)
        else:
            grouped.setdefault(name, []).append(value)
    if source in ("http-v2", "function-url"):
        framed["headers"] = {k: ", ".join(v) for k, v in grouped.items()}
        if cookies:
            framed["cookies"] = cookies
        return framed
    if source == "alb":
        from http import HTTPStatus  # ALB only: the other sources need no reason phrase

        try:
            phrase = HTTPStatus(response.status).phrase
        except ValueError:
            phrase = ""
        framed["statusDescription"] = f"{response.status} {phrase}".strip()
        if "multiValueHeaders" in event:
            framed["multiValueHeaders"] = grouped
        else:
            framed["headers"] = {k: v[-1] for k, v in grouped.items()}
        return framed
    framed["headers"] = {k: v[-1] for k, v in grouped.items()}
    framed["multiValueHeaders"] = grouped
    return framed
