"""Helpers the peer stacks share: one persistent event loop, and an ASGI lifespan run once on it.

A Lambda container answers invocations one after another in one process. Peers that need async
work (an async tool, an ASGI app) must reuse one loop across invocations, and an app whose
lifespan starts a task group (the MCP SDK's session manager, FastMCP) must have it started once,
on that loop, and kept open: Mangum would otherwise run the lifespan around every invocation
(``lifespan="off"`` stops that), and the SDK refuses a second ``run()``.
"""

from __future__ import annotations

import asyncio
from typing import Any

_loop: asyncio.AbstractEventLoop | None = None


def loop() -> asyncio.AbstractEventLoop:
    """The process's one event loop, created on first use and set as the thread's current loop."""
    global _loop
    if _loop is None:
        _loop = asyncio.new_event_loop()
        asyncio.set_event_loop(_loop)
    return _loop


def start_lifespan(app: Any) -> None:
    """Run ``app``'s ASGI lifespan startup on the persistent loop and leave it running.

    The lifespan task stays suspended between invocations; every later ``run_until_complete``
    on the same loop (Mangum's, for each request) lets its task group make progress.
    """
    event_loop = loop()
    to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    started: asyncio.Future[dict[str, Any]] = event_loop.create_future()

    async def receive() -> dict[str, Any]:
        return await to_app.get()

    async def send(message: dict[str, Any]) -> None:
        if message["type"].startswith("lifespan.startup.") and not started.done():
            started.set_result(message)

    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
    task = event_loop.create_task(app(scope, receive, send))
    to_app.put_nowait({"type": "lifespan.startup"})
    event_loop.run_until_complete(asyncio.wait([started, task], return_when=asyncio.FIRST_COMPLETED))
    if not started.done() or started.result()["type"] != "lifespan.startup.complete":
        detail = started.result().get("message", "") if started.done() else "lifespan task ended"
        raise RuntimeError(f"ASGI lifespan startup failed: {detail}")
    # Keep a reference so the task is not garbage-collected while suspended.
    _held.append(task)


_held: list[asyncio.Task[Any]] = []
