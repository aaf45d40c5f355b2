"""MCP over stdio: newline-delimited JSON-RPC on stdin/stdout, for desktop MCP hosts.

stdout carries protocol messages only: while serving, ``sys.stdout`` points at stderr, so a
stray ``print`` in a tool cannot corrupt the stream, and logs go to stderr. Requests run
concurrently (a slow tool does not hold up the next request); ``notifications/cancelled``
cancels one. A stdio connection is a session: after ``initialize`` the negotiated version is
the default of later handshake-era requests. End of input ends the server once the requests
in flight are answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
from typing import Any, BinaryIO

from .. import runtime
from ..registry import Registry
from ..wire import dumps, loads
from .jsonrpc import PARSE_ERROR, JsonObject, error_message
from .options import McpOptions
from .protocol import Channel, Dispatcher
from .versions import HANDSHAKE_VERSIONS, LATEST_HANDSHAKE

__all__ = ["StdioServer", "serve_stdio"]

_log = logging.getLogger("diplex.mcp.stdio")


def serve_stdio(registry: Registry, *, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:
    """Serve ``registry`` on stdin/stdout until end of input; returns the exit status."""
    if not logging.getLogger().handlers:
        logging.basicConfig(
            stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
        )
    server = StdioServer(registry, stdin or sys.stdin.buffer, stdout or sys.stdout.buffer)
    saved, sys.stdout = sys.stdout, sys.stderr
    try:
        runtime.drive(server.serve())
    except KeyboardInterrupt:  # Ctrl-C in a terminal: stop quietly, like a shell command
        return 130
    finally:
        sys.stdout = saved
    return 0


class StdioServer:
    """One stdio session."""

    def __init__(
        self, registry: Registry, stdin: BinaryIO, stdout: BinaryIO, options: McpOptions | None = None
    ) -> None:
        self.dispatcher = Dispatcher(registry, options)
        self._stdin = stdin
        self._stdout = stdout
        self._version = LATEST_HANDSHAKE
        self._running: dict[Any, asyncio.Task[None]] = {}

    async def serve(self) -> None:
        lines: asyncio.Queue[bytes | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def read() -> None:  # a thread: reading a pipe or a file the same way everywhere
            for line in self._stdin:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            loop.call_soon_threadsafe(lines.put_nowait, None)

        threading.Thread(target=read, name="diplex-stdio-reader", daemon=True).start()
        tasks: set[asyncio.Task[None]] = set()
        while (line := await lines.get()) is not None:
            if not line.strip():
                continue
            try:
                message = loads(line)
            except ValueError:
                self._write(error_message(None, PARSE_ERROR, "Parse error: a line that is not JSON"))
                continue
            if self._cancels(message):
                continue
            task = asyncio.ensure_future(self._answer(message))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            if isinstance(message, dict) and "id" in message and "method" in message:
                self._track(message["id"], task)
        if tasks:
            await asyncio.wait(tasks)

    async def _answer(self, message: Any) -> None:
        channel = Channel(transport="stdio", default_version=self._version, notify=self._notify)
        reply = await self.dispatcher.answer_async(message, channel)
        if reply.body is None:
            return
        if (
            isinstance(message, dict)
            and message.get("method") == "initialize"
            and isinstance(reply.body, dict)
        ):
            version = reply.body.get("result", {}).get("protocolVersion")
            if version in HANDSHAKE_VERSIONS:
                self._version = version
        self._write(reply.body)

    async def _notify(self, message: JsonObject) -> None:
        self._write(message)

    def _write(self, message: JsonObject | list[JsonObject]) -> None:
        self._stdout.write(dumps(message) + b"\n")
        self._stdout.flush()

    def _track(self, request_id: Any, task: asyncio.Task[None]) -> None:
        with contextlib.suppress(TypeError):  # an unhashable id: the dispatcher refuses it anyway
            self._running[request_id] = task
            task.add_done_callback(lambda _: self._running.pop(request_id, None))

    def _cancels(self, message: Any) -> bool:
        """Whether ``message`` is a cancellation; if so, cancel the request it names."""
        if not (isinstance(message, dict) and message.get("method") == "notifications/cancelled"):
            return False
        params = message.get("params")
        request_id = params.get("requestId") if isinstance(params, dict) else None
        with contextlib.suppress(TypeError):
            task = self._running.get(request_id)
            if task is not None:
                _log.info("request %r cancelled by the client", request_id)
                task.cancel()
        return True
