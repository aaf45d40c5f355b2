"""Everything diplex does not answer itself on Lambda goes to an ASGI app through Mangum.

FastAPI and Mangum are imported here only, and only when the first such request arrives.
Mangum always sees one canonical HTTP API 2.0 event, built from the request diplex already
read (stage and base paths stripped, body decoded and re-encoded), so none of Mangum's event
quirks can reach the app; it runs with ``lifespan="off"`` on the process loop, and
:class:`~diplex.aws.lifespan.Lifespan` runs the app's lifespan once.
"""

from __future__ import annotations

import base64
import urllib.parse
from collections.abc import Callable
from typing import Any

from .. import runtime
from ..wire import HttpRequest, HttpResponse
from .lifespan import ASGIApp, Lifespan

__all__ = ["Fallback"]


class Fallback:
    """Answers requests with ``app`` (built by ``make_app`` on first use) through Mangum."""

    def __init__(self, make_app: Callable[[], ASGIApp]) -> None:
        self._make_app = make_app
        self._lifespan: Lifespan | None = None
        self._mangum: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None

    @property
    def lifespan(self) -> Lifespan | None:
        return self._lifespan

    def handle(self, request: HttpRequest, context: Any, source_ip: str) -> HttpResponse:
        if self._lifespan is None:
            self._lifespan = Lifespan(self._make_app())
        self._lifespan.startup()  # once; raises AppStartupFailed (and retries next time)
        event = _canonical_event(request, context, source_ip)
        with runtime.lend_loop():
            if self._mangum is None:
                from mangum import Mangum

                # Built while our loop is current: its constructor asks for "the current loop"
                # (a DeprecationWarning on 3.12-3.13 when there is none, its own loop on 3.14).
                self._mangum = Mangum(self._lifespan.wrapped, lifespan="off")
            answer = self._mangum(event, context)
        return _response(answer)


def _canonical_event(request: HttpRequest, context: Any, source_ip: str) -> dict[str, Any]:
    headers = {k: v for k, v in request.headers.items() if k != "cookie"}
    cookie = request.headers.get("cookie")
    path = urllib.parse.quote(request.path, safe="/:@!$&'()*+,;=-._~")
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": request.query,
        "cookies": [c.strip() for c in cookie.split(";") if c.strip()] if cookie else [],
        "headers": headers,
        "requestContext": {
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": getattr(context, "aws_request_id", None) or "local",
            "routeKey": "$default",
            "stage": "$default",
        },
        "body": base64.b64encode(request.body).decode("ascii"),
        "isBase64Encoded": True,
    }


def _response(answer: dict[str, Any]) -> HttpResponse:
    body = answer.get("body") or ""
    raw = base64.b64decode(body) if answer.get("isBase64Encoded") else str(body).encode("utf-8")
    headers = [(str(k).lower(), str(v)) for k, v in (answer.get("headers") or {}).items()]
    for name, values in (answer.get("multiValueHeaders") or {}).items():
        headers.extend((str(name).lower(), str(v)) for v in values)
    headers.extend(("set-cookie", str(c)) for c in answer.get("cookies") or ())
    return HttpResponse(int(answer.get("statusCode", 500)), raw, headers)
