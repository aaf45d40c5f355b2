"""The one way a tool is called: arguments in, ``Outcome`` out.

Every surface (REST, MCP, Lambda, Python) calls a tool through :func:`invoke` or
:func:`invoke_async` and only translates the ``Outcome``; none calls a tool function itself.
Both entry points share the steps before and after the call (:func:`_prepare`,
:func:`_finish`, :func:`_fail`); only *where* the function runs differs, which the runtime
decides.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple

import pydantic
import pydantic_core

from . import runtime
from .context import ToolContext
from .errors import DeadlineExceeded, ToolError
from .tool import Tool
from .wire import dumps, may_name_non_finite

__all__ = ["ErrorKind", "Failure", "FieldError", "Outcome", "invoke", "invoke_async"]

ErrorKind = Literal["not_found", "invalid_arguments", "tool_error", "timeout", "internal"]

_log = logging.getLogger("diplex")

# Arguments given as JSON text (``arguments_json``, the REST body) are validated straight from
# their bytes: no parse and re-dump. Two guards keep that identical to the dict path:
# the text must open an object, and a number JSON cannot carry (NaN, Infinity, or one that
# overflows a float to inf, which needs a 3-digit exponent or 100+ digits in a row) sends the
# text through ``json.loads`` and the dict path, which refuses it. False alarms (those letters
# inside a string) only cost that slower path.
_OBJECT_START = re.compile(rb"[ \t\r\n]*\{")
_MAYBE_NOT_FINITE = re.compile(rb"NaN|Infinity|[eE]\+?[0-9]{3}|[0-9]{100}")
# For longer texts the same test without scanning by regex (25 ns a byte): every digit read as
# 0 and E as e, the exponent and digit-run patterns become plain substrings, found at C speed.
_DIGITS_AS_ZERO = bytes.maketrans(b"0123456789E", b"0000000000e")
_LONG_RUN = b"0" * 100
_PLAIN = frozenset({str, int, bool, type(None)})  # values whose JSON holds no number to check


def _maybe_not_finite(data: bytes) -> bool:
    """Whether ``data`` may hold NaN, Infinity, or a number that overflows a float: the regex
    ``_MAYBE_NOT_FINITE`` finds something."""
    if len(data) < 32:  # a few arguments: the regex is quicker than three searches
        return _MAYBE_NOT_FINITE.search(data) is not None
    if may_name_non_finite(data):
        return True
    shape = data.translate(_DIGITS_AS_ZERO)
    return b"e000" in shape or b"e+000" in shape or (len(data) >= 100 and _LONG_RUN in shape)


# Records as NamedTuples: immutable like frozen dataclasses, and a fifth of the import cost
# (a dataclass is built by exec at import: about a millisecond each, on every cold start).
class FieldError(NamedTuple):
    """One problem with one argument: where (``loc``), what (``msg``), and its ``type`` code."""

    loc: tuple[str | int, ...]
    msg: str
    type: str


class Failure(NamedTuple):
    """Why a call did not produce a value. ``message`` is safe to show to the caller."""

    kind: ErrorKind
    message: str
    details: tuple[FieldError, ...] = ()
    status: int | None = None  # the HTTP status a ToolError asked for
    data: Any = None  # a ToolError's data
    request_id: str | None = None


class Outcome:
    """The result of a call: a JSON-compatible ``value``, or an ``error`` (a Failure).

    ``encoded`` is the value as compact UTF-8 JSON, made once by the invoker, so that every
    surface sends the same bytes and none encodes the value again.
    """

    __slots__ = ("encoded", "error", "value")

    def __init__(self, value: Any = None, error: Failure | None = None, encoded: bytes | None = None) -> None:
        self.value = value
        self.error = error
        self.encoded = encoded if encoded is not None or error is not None else dumps(value)

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


def _not_object() -> Outcome:
    return _invalid(
        "arguments must be a JSON object", (FieldError((), "Input should be an object", "dict_type"),)
    )


def _not_json(detail: str) -> Outcome:
    return _invalid(f"arguments are not JSON data: {detail}", (FieldError((), detail, "json_invalid"),))


def _arguments_text(arguments: Any, arguments_json: bytes | None) -> str | bytes | Outcome:
    """The arguments as JSON text to validate, or the Outcome refusing them."""
    if arguments_json is not None:
        if not _OBJECT_START.match(arguments_json):
            return _not_object()
        if not _maybe_not_finite(arguments_json):
            return arguments_json
        try:
            arguments = json.loads(arguments_json)
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            return _not_json(str(exc))
    if arguments is None:
        arguments = {}
    elif type(arguments) is not dict and not isinstance(arguments, Mapping):  # (dict: no ABC check)
        return _not_object()
    try:
        return dumps(arguments)
    except (TypeError, ValueError, RecursionError) as exc:
        return _not_json("non-finite numbers are not JSON" if "Out of range" in str(exc) else str(exc))


def _prepare(
    tools: Mapping[str, Tool], name: str, arguments: Any, context: ToolContext, arguments_json: bytes | None
) -> tuple[Tool, Callable[[], Any], float | None] | Outcome:
    tool = tools.get(name)
    if tool is None:
        return Outcome(error=Failure("not_found", f"unknown tool {name!r}"))
    context.tool = tool.name
    text = _arguments_text(arguments, arguments_json)
    if isinstance(text, Outcome):
        return text
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
        value = tool.serializer.to_json(value)
    except (pydantic_core.PydanticSerializationError, ValueError, TypeError) as exc:
        _log.error(
            "tool %r returned a value that does not fit its return annotation (request id %s): %s",
            tool.name, context.request_id, exc,
        )  # fmt: skip
        return _internal(context)
    if value.__class__ in _PLAIN:  # no float inside: nothing for dumps to check
        return Outcome(value, None, pydantic_core.to_json(value))
    try:
        return Outcome(value, None, dumps(value))
    except (ValueError, TypeError) as exc:  # NaN or Infinity: not JSON, on any surface
        _log.error(
            "tool %r returned a value that is not JSON (request id %s): %s",
            tool.name,
            context.request_id,
            exc,
        )
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
    tools: Mapping[str, Tool],
    name: str,
    arguments: Any,
    context: ToolContext | None = None,
    *,
    arguments_json: bytes | None = None,
) -> Outcome:
    """Call a tool from sync code (a thread with no running event loop).

    ``arguments_json``, when given, is the arguments object as UTF-8 JSON text (a request
    body) and replaces ``arguments``: it is validated without being parsed twice.
    """
    runtime.refuse_inside_loop("a blocking tool call", "await registry.acall(...)")
    context = context if context is not None else ToolContext()
    prepared = _prepare(tools, name, arguments, context, arguments_json)
    if isinstance(prepared, Outcome):
        return prepared
    tool, call, deadline = prepared
    try:
        value = runtime.call_blocking(call, tool.is_async, deadline, tool.inline)
    except (Exception, SystemExit) as exc:
        return _fail(tool, exc, context)
    return _finish(tool, value, context)


async def invoke_async(
    tools: Mapping[str, Tool],
    name: str,
    arguments: Any,
    context: ToolContext | None = None,
    *,
    arguments_json: bytes | None = None,
) -> Outcome:
    """Call a tool from async code, on the running loop (sync tools go to a worker thread).

    ``arguments_json`` is as for :func:`invoke`.
    """
    context = context if context is not None else ToolContext()
    prepared = _prepare(tools, name, arguments, context, arguments_json)
    if isinstance(prepared, Outcome):
        return prepared
    tool, call, deadline = prepared
    try:
        value = await runtime.call_async(call, tool.is_async, deadline, tool.inline)
    except (Exception, SystemExit) as exc:
        return _fail(tool, exc, context)
    return _finish(tool, value, context)
