"""Notifications sent while a request runs: progress reports, for now."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ..context import ProgressSink
from .jsonrpc import JsonObject

__all__ = ["Notify", "progress_sink"]

# Delivers one JSON-RPC notification to the client (an SSE event, a line on stdout).
Notify = Callable[[JsonObject], Awaitable[None]]


def progress_sink(token: Any, notify: Notify) -> ProgressSink | None:
    """Where ``ToolContext.report_progress`` sends reports for ``token`` (None: no valid token)."""
    if not (isinstance(token, str) or (isinstance(token, int) and not isinstance(token, bool))):
        return None

    async def report(progress: float, total: float | None = None, message: str | None = None) -> None:
        params: JsonObject = {"progressToken": token, "progress": progress}
        if total is not None:
            params["total"] = total
        if message is not None:
            params["message"] = message
        await notify({"jsonrpc": "2.0", "method": "notifications/progress", "params": params})

    return report
