"""The one way a tool is called: arguments in, ``Outcome`` out.

Every surface (REST, MCP, Lambda, Python) calls a tool through :func:`invoke` or
:func:`invoke_async` and only translates the ``Outcome``; none calls a tool function itself.
Both entry points share the steps before and after the call (:func:`_prepare`,
:func:`_finish`, :func:`_fail`); only *where* the function runs differs, which the runtime
decides.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal

import pydantic
import pydantic_core

from . import runtime
from .context import ToolContext
from .errors import DeadlineExceeded, ToolError
from .tool import Tool

__all__ = ["ErrorKind", "Failure", "FieldError", "Outcome", "invoke", "invoke_async"]

ErrorKind = Literal["not_found", "invalid_arguments", "tool_error", "timeout", "internal"]

_log = logging.getLogger("diplex")
_dumps = json.JSONEncoder(allow_nan=False, ensure_ascii=False, separators=(",", ":")).encode


@dataclasses.dataclass(frozen=True)
class FieldError:
    """One problem with one argument: where (``loc``), what (``msg``), and its ``type`` code."""

    loc: tuple[str | int, ...]
    msg: str
    type: str


@dataclasses.dataclass(frozen=True)
class Failure:
    """Why a call did not produce a value. ``message`` is safe to show to the caller."""

    kind: ErrorKind
    message: str
    details: tuple[FieldError, ...] = ()
    status: int | None = None  # the HTTP status a ToolError asked for
    data: Any = None  # a ToolError's data
    request_id: str | None = None


class Outcome:
    """The result of a call: a JSON-compatible ``value``, or an ``error`` (a Failure)."""

    __slots__ = ("error", "value")

    def __init__(self, value: Any = None, error: Failure | None = None) -> None:
        self.value = value
        self.error = error

    @property
    def ok(self) -> bool:
        return self.error is None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Outcome) and (self.value, self.error) == (other.value, other.error)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Outcome(value={self.value!r})" if self.error is None else f"Outcome(error={self.error!r})"


def _invalid(message: str, details: tuple[FieldError, ...] = ()) -> Outcome:
    return Outcome(error=Failure("invalid_arguments", message, details))


def _prepare(
    tools: Mapping[str, Tool], name: str, arguments: Any, context: ToolContext
) -> tuple[Tool, Callable[[], Any], float | None] | Outcome:
    tool = tools.get(name)
    if tool is None:
        return Outcome(error=Failure("not_found", f"unknown tool {name!r}"))
    context.tool = tool.name
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, Mapping):
        return _invalid(
            "arguments must be a JSON object", (FieldError((), "Input should be an object", "dict_type"),)
        )
    try:
        text = _dumps(arguments)
    except (TypeError, ValueError, RecursionError) as exc:
        detail = "non-finite numbers are not JSON" if "Out of range" in str(exc) else str(exc)
        return _invalid(f"arguments are not JSON data: {detail}")
    try:
        kwargs = tool.validator.validate_json(text)
    except pydantic.ValidationError as exc:
        details = tuple(
            FieldError(tuple(e["loc"]), e["msg"], e["type"]) for e in exc.errors(include_url=False)
        )
        summary = "; ".join(f"{'.'.join(map(str, d.loc)) or 'arguments'}: {d.msg}" for d in details[:5])
        return _invalid(f"invalid arguments for tool {name!r}: {summary}", details)
    if tool.signature.context_param is not None:
        kwargs[tool.signature.context_param] = context
    deadline = context.deadline
    if tool.timeout is not None:
        own = time.monotonic() + tool.timeout
        deadline = own if deadline is None else min(deadline, own)
    return tool, functools.partial(tool.fn, **kwargs), deadline


def _finish(tool: Tool, value: Any, context: ToolContext) -> Outcome:
    try:
        return Outcome(tool.serializer.to_json(value))
    except (pydantic_core.PydanticSerializationError, ValueError, TypeError) as exc:
        _log.error(
            "tool %r returned a value that does not fit its return annotation (request id %s): %s",
            tool.name, context.request_id, exc,
        )  # fmt: skip
        return _internal(context)


def _fail(tool: Tool, exc: BaseException, context: ToolContext) -> Outcome:
    if isinstance(exc, ToolError):
        return Outcome(
            error=Failure(
                "tool_error", exc.message, status=exc.status, data=exc.data, request_id=context.request_id
            )
        )
    if isinstance(exc, DeadlineExceeded):
        return Outcome(
            error=Failure(
                "timeout",
                f"tool {tool.name!r} did not finish before its deadline",
                request_id=context.request_id,
            )
        )
    _log.error(
        "tool %r raised %s (request id %s)", tool.name, type(exc).__name__, context.request_id, exc_info=exc
    )
    return _internal(context)


def _internal(context: ToolContext) -> Outcome:
    rid = context.request_id
    return Outcome(error=Failure("internal", f"internal error (request id {rid})", request_id=rid))


def invoke(
    tools: Mapping[str, Tool], name: str, arguments: Any, context: ToolContext | None = None
) -> Outcome:
    """Call a tool from sync code (a thread with no running event loop)."""
    runtime.refuse_inside_loop("a blocking tool call", "await registry.acall(...)")
    context = context if context is not None else ToolContext()
    prepared = _prepare(tools, name, arguments, context)
    if isinstance(prepared, Outcome):
        return prepared
    tool, call, deadline = prepared
    try:
        value = runtime.call_blocking(call, is_async=tool.is_async, deadline=deadline, inline=tool.inline)
    except (Exception, SystemExit) as exc:
        return _fail(tool, exc, context)
    return _finish(tool, value, context)


async def invoke_async(
    tools: Mapping[str, Tool], name: str, arguments: Any, context: ToolContext | None = None
) -> Outcome:
    """Call a tool from async code, on the running loop (sync tools go to a worker thread)."""
    context = context if context is not None else ToolContext()
    prepared = _prepare(tools, name, arguments, context)
    if isinstance(prepared, Outcome):
        return prepared
    tool, call, deadline = prepared
    try:
        value = await runtime.call_async(call, is_async=tool.is_async, deadline=deadline, inline=tool.inline)
    except (Exception, SystemExit) as exc:
        return _fail(tool, exc, context)
    return _finish(tool, value, context)
