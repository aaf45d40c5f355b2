"""One REST tool call as plain data: a request's name, content type and body in, an
``HttpResponse`` out. Nothing here imports an HTTP framework.

The FastAPI routes (``app.py``) and the Lambda handler both call :meth:`RestEndpoint.call_async`
or :meth:`RestEndpoint.call`; these differ only in how the invoker runs the tool. How an
outcome becomes a status and a body (:func:`render`):

    success              200  the result's JSON value itself, no envelope
    unknown tool         404  {"detail": "unknown tool 'x'", "kind": "not_found"}
    body not JSON,       400  {"detail": "...", "kind": "invalid_arguments"}
      or not an object
    invalid arguments    422  {"detail": [{"loc": ["body", ...], "msg": ..., "type": ...}],
                               "kind": "invalid_arguments"}
    ToolError            its status (default 400)  {"detail": message, "kind": "tool_error", "data": ...}
    timeout              504  {"detail": ..., "kind": "timeout", "request_id": ...}
    internal error       500  {"detail": "internal error (request id ...)", "kind": "internal", ...}
    wrong content type   415  {"detail": "..."}
    body over the limit  413  {"detail": "..."}
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from diplex.context import ToolContext, Transport
from diplex.invoke import Failure, Outcome, invoke, invoke_async
from diplex.tool import Tool
from diplex.wire import HttpResponse, dumps

__all__ = ["DEFAULT_MAX_BODY_SIZE", "RestEndpoint", "error_response", "is_json_media_type", "render"]

DEFAULT_MAX_BODY_SIZE = 6 * 1024 * 1024  # Lambda's synchronous payload limit

_log = logging.getLogger("diplex")
_JSON_HEADERS = [("content-type", "application/json")]
# Validation failures of the body as a whole (not JSON, not an object) are the caller's
# malformed request (400), not arguments that failed their schema (422).
_BODY_LEVEL = frozenset({"json_invalid", "dict_type"})


def is_json_media_type(content_type: str | None) -> bool:
    """True for a missing content type, ``application/json`` and any ``+json`` type."""
    if content_type is None:
        return True
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def error_response(status: int, detail: Any, **extra: Any) -> HttpResponse:
    """A JSON error response: ``{"detail": detail, **extra}`` (``None`` extras left out)."""
    body: dict[str, Any] = {"detail": detail}
    body.update((key, value) for key, value in extra.items() if value is not None)
    return HttpResponse(status, dumps(body), list(_JSON_HEADERS))


def render(outcome: Outcome, context: ToolContext) -> HttpResponse:
    """Map an outcome to its REST status and JSON body (see the module docstring)."""
    if outcome.error is None:
        assert outcome.encoded is not None  # the invoker encodes every value, once
        return HttpResponse(200, outcome.encoded, list(_JSON_HEADERS))
    try:
        return _render_failure(outcome.error)
    except (ValueError, TypeError, RecursionError) as exc:  # a ToolError's data that is not JSON
        _log.error("tool %r failed with data that is not JSON (request id %s): %s", context.tool,
                   context.request_id, exc)  # fmt: skip
        return _internal(context.request_id)


def _render_failure(failure: Failure) -> HttpResponse:
    kind = failure.kind
    if kind == "invalid_arguments":
        if all(not d.loc and d.type in _BODY_LEVEL for d in failure.details):
            return error_response(400, failure.message, kind=kind)
        details = [{"loc": ["body", *d.loc], "msg": d.msg, "type": d.type} for d in failure.details]
        return error_response(422, details, kind=kind)
    if kind == "tool_error":
        return error_response(failure.status or 400, failure.message, kind=kind, data=failure.data)
    if kind == "not_found":
        return error_response(404, failure.message, kind=kind)
    if kind == "timeout":
        return error_response(504, failure.message, kind=kind, request_id=failure.request_id)
    return _internal(failure.request_id)


def _internal(request_id: str | None) -> HttpResponse:
    return error_response(
        500, f"internal error (request id {request_id})", kind="internal", request_id=request_id
    )


class RestEndpoint:
    """Serves ``POST {prefix}/{name}`` for every tool in ``tools`` (a live mapping).

    ``max_body_size`` (bytes) bounds a request body; ``timeout`` (seconds), when set, bounds
    every call on top of the tool's own timeout and the platform's deadline.
    """

    def __init__(
        self,
        tools: Mapping[str, Tool],
        *,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        timeout: float | None = None,
        transport: Transport = "asgi",
    ) -> None:
        if isinstance(max_body_size, bool) or not isinstance(max_body_size, int) or max_body_size < 1:
            raise ValueError(f"max_body_size must be a positive number of bytes, not {max_body_size!r}")
        if timeout is not None and (isinstance(timeout, bool) or not timeout > 0):
            raise ValueError(f"timeout must be a positive number of seconds or None, not {timeout!r}")
        self.tools = tools
        self.max_body_size = max_body_size
        self.timeout = timeout
        self.transport: Transport = transport

    def refuse(self, name: str, content_type: str | None, size: int) -> HttpResponse | None:
        """The answer to a request refused before its arguments are looked at, else None.

        Callable before the body is read, with ``size`` from Content-Length.
        """
        if name not in self.tools:
            return error_response(404, f"unknown tool {name!r}", kind="not_found")
        if not is_json_media_type(content_type):
            return error_response(
                415, f"content type {content_type!r} is not supported: send the arguments as application/json"
            )
        if size > self.max_body_size:
            return error_response(413, f"the request body is larger than {self.max_body_size} bytes")
        return None

    def context(
        self, *, deadline: float | None = None, request_id: str | None = None, platform: Any = None
    ) -> ToolContext:
        """A ToolContext for one REST call, its deadline the earlier of ``deadline`` and the timeout."""
        if self.timeout is not None:
            own = time.monotonic() + self.timeout
            deadline = own if deadline is None else min(deadline, own)
        # (request_id, surface, transport, deadline, timeout, platform)
        return ToolContext(request_id, "rest", self.transport, deadline, None, platform)

    async def call_async(
        self, name: str, content_type: str | None, body: bytes, context: ToolContext | None = None
    ) -> HttpResponse:
        """Answer one call from async code: the tool runs on the running loop (sync tools in a
        worker thread)."""
        context = context if context is not None else self.context()
        refused = self.refuse(name, content_type, len(body))
        if refused is not None:
            return refused
        outcome = await invoke_async(self.tools, name, None, context, arguments_json=body or b"{}")
        return render(outcome, context)

    def call(
        self, name: str, content_type: str | None, body: bytes, context: ToolContext | None = None
    ) -> HttpResponse:
        """Answer one call from sync code with no running loop (the Lambda hot path)."""
        context = context if context is not None else self.context()
        refused = self.refuse(name, content_type, len(body))
        if refused is not None:
            return refused
        outcome = invoke(self.tools, name, None, context, arguments_json=body or b"{}")
        return render(outcome, context)
