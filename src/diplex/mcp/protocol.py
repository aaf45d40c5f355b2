"""The dual-era dispatcher: a JSON-RPC message (or a 2025-03-26 batch) in, its answer out.

The dispatch logic is written once, as a generator (sans-IO, the way httpx writes its logic
once for both clients): it *yields* each tool call it needs and is *sent* the ``Outcome``.
Two small drivers run it: :func:`run_steps` calls tools with the blocking invoker (the Lambda
path: sync tools on the calling thread under a deadline signal), :func:`run_steps_async` with the
async invoker (ASGI servers, stdio). Neither knows anything about MCP.

Which era a request belongs to (one endpoint serves both, statelessly):

* modern (2026-07-28) when ``params._meta`` names a protocol version, or when the
  ``MCP-Protocol-Version`` header names a modern one;
* otherwise the handshake era, at the header's version; without the header, at the channel's
  default (2025-03-26 on HTTP, as the specification says; 2025-11-25 for a raw message).

A modern request then climbs the ladder that the conformance suite expects: an unsupported
header version (-32022), the ``_meta`` envelope (-32602), the routing headers agree with the
body (-32020, HTTP only), a supported body version (-32022), a known method (-32601, HTTP 404).
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any, Literal, NamedTuple, TypeVar

from ..context import ProgressSink, ToolContext, Transport
from ..invoke import Outcome, invoke, invoke_async
from ..registry import Registry
from ..tool import Tool
from .catalog import Catalog
from .jsonrpc import (
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    UNSUPPORTED_VERSION,
    JsonObject,
    RequestId,
    RpcError,
    error_message,
    result_message,
)
from .notify import Notify, progress_sink
from .options import McpOptions
from .results import call_result
from .routing import ParamHeader, RoutingHeaders, check_param_headers, check_routing, param_headers
from .versions import (
    CAPABILITIES_KEY,
    HANDSHAKE_VERSIONS,
    LATEST_HANDSHAKE,
    MODERN_VERSIONS,
    SUPPORTED_VERSIONS,
    VERSION_KEY,
    allows_batches,
)

__all__ = ["Channel", "Dispatcher", "Reply", "Steps", "ToolCall", "run_steps", "run_steps_async"]

T = TypeVar("T")


class ToolCall(NamedTuple):
    """What the dispatcher yields: call this tool; send back its ``Outcome``."""

    name: str
    arguments: Mapping[str, Any] | None
    context: ToolContext


Steps = Generator[ToolCall, Outcome, T]


def run_steps(steps: Steps[T], tools: Mapping[str, Tool]) -> T:
    """Drive ``steps`` from sync code, calling tools with the blocking invoker."""
    try:
        call = next(steps)
        while True:
            call = steps.send(invoke(tools, call.name, call.arguments, call.context))
    except StopIteration as done:
        result: T = done.value
        return result


async def run_steps_async(steps: Steps[T], tools: Mapping[str, Tool]) -> T:
    """Drive ``steps`` on the running loop, calling tools with the async invoker."""
    try:
        call = next(steps)
        while True:
            call = steps.send(await invoke_async(tools, call.name, call.arguments, call.context))
    except StopIteration as done:
        result: T = done.value
        return result


class Channel(NamedTuple):
    """How a message arrived, and what its tool calls get.

    ``headers`` are the HTTP routing headers (None off HTTP: the header checks do not apply);
    ``default_version`` is the handshake-era version of a request that names none;
    ``notify`` delivers notifications (progress) while the request runs, where the transport
    can (an SSE stream, stdio); ``deadline``, ``platform`` and ``request_id`` reach the tool's
    ``ToolContext``.
    """

    transport: Transport
    headers: RoutingHeaders | None = None
    default_version: str = LATEST_HANDSHAKE
    notify: Notify | None = None
    deadline: float | None = None
    platform: Any = None
    request_id: str | None = None


class Reply(NamedTuple):
    """The answer: a JSON-RPC message, a batch of them, or None (nothing to say: HTTP 202)."""

    body: JsonObject | list[JsonObject] | None
    status: int = 200


_ACCEPTED = Reply(None, 202)
Kind = Literal["request", "notification", "response"]


def _request_id(message: Any) -> RequestId | None:
    if isinstance(message, dict):
        rid = message.get("id")
        if isinstance(rid, str) or (isinstance(rid, int) and not isinstance(rid, bool)):
            return rid
    return None


def _kind(message: Any, rid: RequestId | None) -> Kind:
    """What ``message`` is; ``rid`` is its ``_request_id``."""
    if not isinstance(message, dict):
        raise RpcError(INVALID_REQUEST, "Invalid request: a JSON-RPC message is a JSON object")
    if message.get("jsonrpc") != "2.0":
        raise RpcError(INVALID_REQUEST, 'Invalid request: "jsonrpc" must be "2.0"')
    if "method" in message:
        if not isinstance(message["method"], str):
            raise RpcError(INVALID_REQUEST, 'Invalid request: "method" must be a string')
        if "id" not in message:
            return "notification"
        if rid is None:
            raise RpcError(INVALID_REQUEST, 'Invalid request: "id" must be a string or an integer')
        return "request"
    if "id" in message and ("result" in message or "error" in message):
        return "response"
    raise RpcError(INVALID_REQUEST, "Invalid request: not a JSON-RPC request, notification or response")


def _unsupported(requested: Any) -> RpcError:
    return RpcError(
        UNSUPPORTED_VERSION,
        f"Unsupported protocol version: {requested!r}",
        {"supported": list(SUPPORTED_VERSIONS), "requested": requested},
    )


class Dispatcher:
    """Answers MCP messages for one registry; tools are called only through the invoker."""

    def __init__(self, registry: Registry, options: McpOptions | None = None) -> None:
        self.registry = registry
        self.options = options if options is not None else McpOptions()
        self.catalog = Catalog(registry, self.options)
        self.tools = registry.tools  # the registry's live mapping, read once
        # The Mcp-Param-* headers each tool declares, found on its first modern call.
        self._param_headers: dict[Tool, tuple[ParamHeader, ...]] = {}

    # -- entry points -------------------------------------------------------------------------

    def answer(self, message: Any, channel: Channel) -> Reply:
        """Answer a parsed message from sync code (no running event loop in this thread)."""
        return run_steps(self.exchange(message, channel), self.tools)

    async def answer_async(self, message: Any, channel: Channel) -> Reply:
        """Answer a parsed message on the running event loop."""
        return await run_steps_async(self.exchange(message, channel), self.tools)

    def exchange(self, message: Any, channel: Channel) -> Steps[Reply]:
        """The dispatch logic, as steps for a driver."""
        if isinstance(message, list):
            return self._batch(message, channel)
        return self._single(message, channel, in_batch=False)

    # -- messages -------------------------------------------------------------------------------

    def _batch(self, messages: list[Any], channel: Channel) -> Steps[Reply]:
        headers = channel.headers
        version = (headers.protocol_version if headers else None) or channel.default_version
        if not allows_batches(version):
            return Reply(
                error_message(None, INVALID_REQUEST, f"Invalid request: no batches in {version}"), 400
            )
        if not messages:
            return Reply(error_message(None, INVALID_REQUEST, "Invalid request: an empty batch"), 400)
        bodies: list[JsonObject] = []
        for message in messages:
            reply = yield from self._single(message, channel, in_batch=True)
            if isinstance(reply.body, dict):
                bodies.append(reply.body)
        return Reply(bodies, 200) if bodies else _ACCEPTED

    def _single(self, message: Any, channel: Channel, *, in_batch: bool) -> Steps[Reply]:
        # The one generator of a request: a tool call is yielded from here, not from a helper,
        # so that each step passes through one frame.
        rid = _request_id(message)
        try:
            if _kind(message, rid) != "request" or rid is None:  # (a request's id is readable)
                return _ACCEPTED  # notifications and client responses: nothing to answer
            method: str = message["method"]
            params = message.get("params", {})
            if not isinstance(params, dict):
                raise RpcError(INVALID_PARAMS, "Invalid params: params must be an object")
            if method == "tools/call":
                name = params.get("name")
                tool = self.tools.get(name) if isinstance(name, str) else None
                version, modern = self._version(method, params, tool, channel)
                call, tool = self._tool_call(params, tool, channel)
                outcome = yield call
                meta = self.catalog.server_meta if modern else None
                result = call_result(outcome, tool.output_schema, version, meta)
            else:
                version, modern = self._version(method, params, None, channel)
                if in_batch and method == "initialize":
                    raise RpcError(INVALID_REQUEST, "Invalid request: initialize must not be part of a batch")
                result = self._method(method, params, version, modern)
            return tuple.__new__(Reply, (result_message(rid, result), 200))
        except RpcError as exc:
            return Reply(error_message(rid, exc.code, exc.message, exc.data), exc.status)

    def _version(
        self, method: str, params: JsonObject, tool: Tool | None, channel: Channel
    ) -> tuple[str, bool]:
        """The version (and era) a request is served at; raises the era's errors. ``tool`` is
        the tool a ``tools/call`` names, when it exists."""
        headers = channel.headers
        sent = headers.protocol_version if headers is not None else None
        if sent is not None and sent not in SUPPORTED_VERSIONS:
            raise _unsupported(sent)
        meta = params.get("_meta")
        if not ((isinstance(meta, dict) and VERSION_KEY in meta) or sent in MODERN_VERSIONS):
            return (sent or channel.default_version), False
        if not (
            isinstance(meta, dict)
            and isinstance(meta.get(VERSION_KEY), str)
            and isinstance(meta.get(CAPABILITIES_KEY), dict)
        ):
            raise RpcError(
                INVALID_PARAMS,
                f"Invalid params: params._meta must carry {VERSION_KEY} (a string) and "
                f"{CAPABILITIES_KEY} (an object)",
                status=400,
            )
        version = meta[VERSION_KEY]
        if headers is not None:
            check_routing(headers, version, method, params)
            if tool is not None:
                declared = self._param_headers.get(tool)
                if declared is None:
                    declared = self._param_headers[tool] = param_headers(tool)
                if declared:
                    check_param_headers(headers, declared, params.get("arguments"))
        if version not in MODERN_VERSIONS:
            raise _unsupported(version)
        return version, True

    # -- methods --------------------------------------------------------------------------------

    def _method(self, method: str, params: JsonObject, version: str, modern: bool) -> JsonObject:
        """Every method but ``tools/call``."""
        if method == "tools/list":
            return self.catalog.page(version, modern, params.get("cursor"))
        if modern and method == "server/discover":
            return self._discover()
        if not modern and method == "initialize":
            return self._initialize(params)
        if not modern and method == "ping":
            return {}
        raise RpcError(METHOD_NOT_FOUND, f"Method not found: {method}", status=404 if modern else None)

    def _tool_call(self, params: JsonObject, tool: Tool | None, channel: Channel) -> tuple[ToolCall, Tool]:
        """What a ``tools/call`` asks for, checked: the call to make, and its tool (``tool``:
        the tool it names, when it exists)."""
        name = params.get("name")
        if not isinstance(name, str):
            raise RpcError(INVALID_PARAMS, "Invalid params: tools/call needs params.name, a string")
        if tool is None:
            raise RpcError(INVALID_PARAMS, f"Unknown tool: {name!r}", {"kind": "not_found"})
        arguments = params.get("arguments")
        if arguments is not None and not isinstance(arguments, dict):
            raise RpcError(
                INVALID_PARAMS,
                "Invalid params: params.arguments must be an object",
                {"kind": "invalid_arguments"},
            )
        progress = None if channel.notify is None else self._progress(params, channel.notify)
        # (request_id, surface, transport, deadline, timeout, platform, progress)
        context = ToolContext(
            channel.request_id, "mcp", channel.transport, channel.deadline, None, channel.platform, progress
        )
        return tuple.__new__(ToolCall, (name, arguments, context)), tool

    @staticmethod
    def _progress(params: JsonObject, notify: Notify) -> ProgressSink | None:
        meta = params.get("_meta")
        if not isinstance(meta, dict):
            return None
        return progress_sink(meta.get("progressToken"), notify)

    def _discover(self) -> JsonObject:
        result: JsonObject = {
            "resultType": "complete",
            "supportedVersions": list(SUPPORTED_VERSIONS),
            "capabilities": {"tools": {}},
        }
        if self.registry.instructions:
            result["instructions"] = self.registry.instructions
        return {**result, **self.catalog.cache_fields(), "_meta": self.catalog.server_meta}

    def _initialize(self, params: JsonObject) -> JsonObject:
        requested = params.get("protocolVersion")
        if not isinstance(requested, str):
            raise RpcError(
                INVALID_PARAMS, "Invalid params: initialize needs params.protocolVersion, a string"
            )
        result: JsonObject = {
            "protocolVersion": requested if requested in HANDSHAKE_VERSIONS else LATEST_HANDSHAKE,
            "capabilities": {"tools": {"listChanged": False}},
            "serverInfo": self.catalog.server_info,
        }
        if self.registry.instructions:
            result["instructions"] = self.registry.instructions
        return result
