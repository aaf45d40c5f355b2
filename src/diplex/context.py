"""What a tool may know about the call it is serving: ``ToolContext``."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

__all__ = ["ProgressSink", "Surface", "ToolContext", "Transport"]

Surface = Literal["rest", "mcp", "direct", "python"]
Transport = Literal["asgi", "lambda", "stdio", "inprocess"]

# Where progress reports go: (progress, total, message). Set by a surface that can deliver them.
ProgressSink = Callable[[float, float | None, str | None], Awaitable[None]]

_logger = logging.getLogger("diplex.tools")


class ToolContext:
    """The call a tool is serving. Declare a parameter of this type to receive it.

    ``deadline`` is a ``time.monotonic()`` value (or None); ``timeout`` is a convenience that
    sets it to now + timeout seconds. ``platform`` holds the platform's own context object
    (the Lambda context on Lambda). The request id is made on first use when none was given.
    ``progress`` is where :meth:`report_progress` sends its reports (None: nobody listens).
    """

    __slots__ = (
        "_logger",
        "_progress",
        "_request_id",
        "deadline",
        "platform",
        "surface",
        "tool",
        "transport",
    )

    # Not keyword-only: the surfaces build one for every call, and positional arguments cost
    # half as much to pass.
    def __init__(
        self,
        request_id: str | None = None,
        surface: Surface = "python",
        transport: Transport = "inprocess",
        deadline: float | None = None,
        timeout: float | None = None,
        platform: Any = None,
        progress: ProgressSink | None = None,
    ) -> None:
        if timeout is not None:
            if deadline is not None:
                raise ValueError("give a ToolContext a deadline or a timeout, not both")
            deadline = time.monotonic() + timeout
        self._request_id = request_id
        self.surface: Surface = surface
        self.transport: Transport = transport
        self.deadline = deadline
        self.platform = platform
        self._progress = progress
        self.tool: str | None = None  # set by the invoker to the name of the tool being called
        self._logger: logging.LoggerAdapter[logging.Logger] | None = None

    @property
    def request_id(self) -> str:
        if self._request_id is None:
            self._request_id = os.urandom(8).hex()
        return self._request_id

    def remaining(self) -> float | None:
        """Seconds left before the deadline (never negative), or None without a deadline."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.monotonic())

    async def report_progress(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None:
        """Tell the caller how far the call has got (an MCP progress notification).

        A no-op when the caller asked for no progress or the surface cannot deliver it (REST,
        a buffered Lambda response). From a sync tool: ``run_sync(ctx.report_progress(...))``.
        """
        if self._progress is not None:
            await self._progress(progress, total, message)

    @property
    def logger(self) -> logging.LoggerAdapter[logging.Logger]:
        """A logger whose records carry the tool name and the request id."""
        if self._logger is None:
            self._logger = logging.LoggerAdapter(
                _logger, {"tool": self.tool, "request_id": self.request_id, "surface": self.surface}
            )
        return self._logger

    def __repr__(self) -> str:
        return (
            f"ToolContext(request_id={self.request_id!r}, surface={self.surface!r}, "
            f"transport={self.transport!r}, tool={self.tool!r}, remaining={self.remaining()!r})"
        )
