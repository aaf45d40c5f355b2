"""``lambda_handler``: one Lambda handler for every event source, fast on the hot path.

diplex answers its own routes straight from the event, through the same functions as the
ASGI surfaces: ``POST {tools_prefix}/{name}`` through the REST endpoint, ``{mcp_prefix}``
through the MCP endpoint. No ASGI round trip and no FastAPI import on that path. Everything
else goes to an ASGI app through Mangum (see ``fallback.py``). Non-HTTP events are a direct
tool invocation (``{"tool": ..., "arguments": ...}``) or a raw MCP JSON-RPC message.

Each invocation's deadline is the Lambda context's remaining time less a safety margin, so a
tool that overruns gets a timeout answer instead of the function being killed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..context import ToolContext
from ..errors import (
    InternalError,
    InvalidArguments,
    InvocationError,
    ToolFailed,
    ToolNotFound,
    ToolTimeout,
    UnsupportedEvent,
)
from ..invoke import invoke
from ..registry import Registry
from ..wire import HttpRequest, HttpResponse, json_response
from .events import BadEvent, HttpSource, classify, frame_response, read_request

if TYPE_CHECKING:  # the fallback (Mangum, the app's lifespan) is imported on its first request
    from .fallback import Fallback
    from .lifespan import ASGIApp

__all__ = ["LambdaHandler", "lambda_handler"]

SURFACES = frozenset({"rest", "mcp"})
_ERRORS: Mapping[str, type[InvocationError]] = {
    "not_found": ToolNotFound,
    "invalid_arguments": InvalidArguments,
    "tool_error": ToolFailed,
    "timeout": ToolTimeout,
    "internal": InternalError,
}
_SOURCES = (
    "API Gateway REST API (payload 1.0), HTTP API (payload 1.0 and 2.0), Application Load Balancer, "
    "Lambda Function URL, a direct tool invocation {'tool': name, 'arguments': {...}}, "
    "or an MCP JSON-RPC message"
)


def _prefix(value: str) -> str:
    return "/" + value.strip("/")


class LambdaHandler:
    """The callable ``lambda_handler`` returns: ``handler(event, context)``."""

    def __init__(
        self,
        registry: Registry,
        app: Any = None,
        surfaces: Iterable[str] | None = None,
        *,
        tools_prefix: str = "/tools",
        mcp_prefix: str = "/mcp",
        base_paths: Iterable[str] = (),
        deadline_margin: float = 0.25,
        max_body_size: int = 6 * 1024 * 1024,
        mcp_options: Mapping[str, Any] | None = None,
    ) -> None:
        chosen = frozenset(surfaces) if surfaces is not None else SURFACES
        if not chosen or not chosen <= SURFACES:
            raise ValueError(
                f"surfaces must be a non-empty subset of {sorted(SURFACES)}, not {sorted(chosen)}"
            )
        if deadline_margin < 0:
            raise ValueError(f"deadline_margin must be >= 0 seconds, not {deadline_margin!r}")
        self.registry = registry
        self.surfaces = chosen
        self.tools_prefix = _prefix(tools_prefix)
        self.mcp_prefix = _prefix(mcp_prefix)
        self.base_paths = tuple(_prefix(p) for p in base_paths)
        self.deadline_margin = deadline_margin
        self._rest: Any = None
        self._mcp: Any = None
        if "rest" in chosen:
            from ..rest.exchange import RestEndpoint

            self._rest = RestEndpoint(registry.tools, max_body_size=max_body_size, transport="lambda")
        if "mcp" in chosen:
            from ..mcp.http import McpEndpoint
            from ..mcp.options import McpOptions

            options = {"max_body_bytes": max_body_size, **(mcp_options or {})}
            self._mcp = McpEndpoint(registry, McpOptions.build(**options))
        self._fallback_app: Callable[[], ASGIApp] | None = None
        if app is not None:
            self._fallback_app = lambda: app
        elif "rest" in chosen:
            self._fallback_app = self._default_app
        self._fallback: Fallback | None = None  # made for the first request diplex leaves to it
        self._fallback_lock = threading.Lock()

    def _default_app(self) -> ASGIApp:
        from ..rest import create_app

        app: ASGIApp = create_app(self.registry, mcp="mcp" in self.surfaces)
        return app

    # -- entry point -----------------------------------------------------------------------------

    def __call__(self, event: Any, context: Any = None) -> Any:
        kind = classify(event)
        if kind is None:
            raise UnsupportedEvent(f"diplex cannot answer this event; it answers: {_SOURCES}")
        deadline = self._deadline(context)
        if kind == "direct":
            return self._direct(event, context, deadline)
        if kind == "mcp":
            return self._raw_mcp(event, context, deadline)
        return self._http(event, kind, context, deadline)

    def _deadline(self, context: Any) -> float | None:
        remaining: Callable[[], int] | None = getattr(context, "get_remaining_time_in_millis", None)
        if remaining is None:
            return None
        return time.monotonic() + remaining() / 1000 - self.deadline_margin

    # -- HTTP events -----------------------------------------------------------------------------

    def _http(self, event: dict[str, Any], source: HttpSource, context: Any, deadline: float | None) -> Any:
        try:
            request = read_request(event, source, base_paths=self.base_paths)
        except BadEvent as exc:
            return frame_response(json_response(400, {"detail": str(exc)}), source, event)
        return frame_response(self._route(request, event, context, deadline), source, event)

    def _route(
        self, request: HttpRequest, event: Mapping[str, Any], context: Any, deadline: float | None
    ) -> HttpResponse:
        path = request.path.rstrip("/") or "/"
        request_id = getattr(context, "aws_request_id", None)
        if self._mcp is not None and path == self.mcp_prefix:
            response: HttpResponse = self._mcp.handle(
                request, transport="lambda", deadline=deadline, platform=context, request_id=request_id
            )
            return response
        if self._rest is not None and request.method == "POST" and path.startswith(self.tools_prefix + "/"):
            name = path[len(self.tools_prefix) + 1 :]
            if "/" not in name:
                tool_context = self._rest.context(deadline=deadline, request_id=request_id, platform=context)
                answer: HttpResponse = self._rest.call(
                    name, request.headers.get("content-type"), request.body, tool_context
                )
                return answer
        if self._fallback_app is not None:
            return self._get_fallback(self._fallback_app).handle(request, context, _source_ip(event))
        return json_response(404, {"detail": f"no route for {request.method} {request.path}"})

    def _get_fallback(self, make_app: Callable[[], ASGIApp]) -> Fallback:
        if self._fallback is None:
            with self._fallback_lock:  # one fallback, one lifespan, even from racing threads
                if self._fallback is None:
                    from .fallback import Fallback

                    self._fallback = Fallback(make_app)
        return self._fallback

    # -- non-HTTP events -------------------------------------------------------------------------

    def _direct(self, event: dict[str, Any], context: Any, deadline: float | None) -> Any:
        name = event.get("tool")
        request_id = getattr(context, "aws_request_id", None)
        if not isinstance(name, str):
            raise InvalidArguments(
                "a direct invocation is {'tool': name, 'arguments': {...}}; 'tool' must be a string",
                request_id=request_id,
            ) from None
        tool_context = ToolContext(
            surface="direct", transport="lambda", deadline=deadline, platform=context, request_id=request_id
        )
        outcome = invoke(self.registry.tools, name, event.get("arguments"), tool_context)
        if outcome.error is None:
            return outcome.value
        error = outcome.error
        raise _ERRORS[error.kind](
            error.message, details=error.details, data=error.data, request_id=error.request_id or request_id
        ) from None

    def _raw_mcp(self, event: Any, context: Any, deadline: float | None) -> Any:
        if self._mcp is None:
            raise UnsupportedEvent("this handler does not serve MCP (surfaces excludes 'mcp')")
        from ..mcp.protocol import Channel

        channel = Channel(
            transport="lambda",
            deadline=deadline,
            platform=context,
            request_id=getattr(context, "aws_request_id", None),
        )
        return self._mcp.dispatcher.answer(event, channel).body


def _source_ip(event: Mapping[str, Any]) -> str:
    context = event.get("requestContext") or {}
    http = context.get("http") or {}
    identity = context.get("identity") or {}
    return str(http.get("sourceIp") or identity.get("sourceIp") or "127.0.0.1")


def lambda_handler(
    registry: Registry,
    app: Any = None,
    surfaces: Iterable[str] | None = None,
    **options: Any,
) -> LambdaHandler:
    """A Lambda handler serving ``registry`` (and ``app``, a user's ASGI app, when given).

    ``surfaces``: ``{"rest", "mcp"}`` (default), ``{"mcp"}`` (never imports FastAPI, Starlette
    or Mangum) or ``{"rest"}``. Options: ``tools_prefix`` ("/tools"), ``mcp_prefix`` ("/mcp"),
    ``base_paths`` (custom-domain mappings to strip), ``deadline_margin`` (0.25 s),
    ``max_body_size`` (6 MB), ``mcp_options`` (see ``McpOptions``).
    """
    return LambdaHandler(registry, app, surfaces, **options)
