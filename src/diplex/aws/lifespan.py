"""A user app's ASGI lifespan on Lambda: started once per process, stopped on SIGTERM.

Mangum (0.22) runs the lifespan around *every* invocation; diplex runs Mangum with
``lifespan="off"`` and drives the lifespan itself, on the process loop: startup before the
first request that reaches the app (retried on the next one if it fails), shutdown when the
runtime sends SIGTERM, after which the SIGTERM handler that was there before runs.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import signal
from collections.abc import Awaitable, Callable, MutableMapping
from types import FrameType
from typing import Any

from .. import runtime
from ..errors import AppStartupFailed

__all__ = ["Lifespan"]

_log = logging.getLogger("diplex.aws")

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


class Lifespan:
    """Runs ``app``'s lifespan protocol once; ``wrapped`` passes its state into each request."""

    def __init__(self, app: ASGIApp, *, shutdown_timeout: float = 5.0) -> None:
        self.app = app
        self.state: dict[str, Any] = {}
        self.started = False
        self.supported = True
        self._inbox: asyncio.Queue[Message] | None = None
        self._outbox: asyncio.Queue[Message] | None = None
        self._task: asyncio.Task[None] | None = None
        self._shutdown_timeout = shutdown_timeout
        self._previous_sigterm: Any = None

    async def wrapped(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        """The app, with the lifespan's state in every request scope (as servers do)."""
        if scope["type"] in ("http", "websocket") and self.state:
            scope["state"] = dict(self.state)
        await self.app(scope, receive, send)

    def startup(self) -> None:
        """Start the lifespan unless it has started; raise AppStartupFailed when it fails."""
        if self.started:
            return
        runtime.drive(self._startup())
        self.started = True
        self._watch_sigterm()
        atexit.register(self.shutdown)  # a normal exit shuts the app down too (once)

    async def _startup(self) -> None:
        self._inbox, self._outbox = asyncio.Queue(), asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        self._task = asyncio.ensure_future(self.app(scope, self._inbox.get, self._outbox.put))
        await self._inbox.put({"type": "lifespan.startup"})
        reply = await self._next_message()
        if reply is None:  # the app returned or raised at once: it does not speak lifespan
            self.supported = False
            return
        if reply["type"] == "lifespan.startup.failed":
            raise AppStartupFailed(
                f"the app's lifespan startup failed: {reply.get('message') or 'no message'}"
            )
        if reply["type"] != "lifespan.startup.complete":
            raise AppStartupFailed(f"the app's lifespan sent {reply['type']!r} instead of startup.complete")

    async def _next_message(self) -> Message | None:
        assert self._task is not None and self._outbox is not None
        getter = asyncio.ensure_future(self._outbox.get())
        done, _ = await asyncio.wait({getter, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if getter in done:
            return getter.result()
        getter.cancel()
        if not self._task.cancelled() and (exc := self._task.exception()) is not None:
            if isinstance(exc, AppStartupFailed):  # pragma: no cover - apps don't raise ours
                raise exc
            _log.info("the app does not support the ASGI lifespan (%s: %s)", type(exc).__name__, exc)
        return None

    def shutdown(self) -> None:
        """Send lifespan.shutdown and wait (bounded) for the app to finish it."""
        if not (self.started and self.supported and self._task is not None and not self._task.done()):
            return
        self.started = False
        try:
            runtime.drive(asyncio.wait_for(self._shutdown(), self._shutdown_timeout))
        except Exception:
            _log.exception("the app's lifespan shutdown failed")

    async def _shutdown(self) -> None:
        assert self._inbox is not None
        await self._inbox.put({"type": "lifespan.shutdown"})
        reply = await self._next_message()
        if reply is not None and reply["type"] == "lifespan.shutdown.failed":
            _log.error("the app's lifespan shutdown failed: %s", reply.get("message"))

    # -- SIGTERM ---------------------------------------------------------------------------------

    def _watch_sigterm(self) -> None:
        try:
            self._previous_sigterm = signal.signal(signal.SIGTERM, self._on_sigterm)
        except ValueError:  # not the main thread: nobody to tell us; the runtime will kill us
            _log.debug("lifespan shutdown on SIGTERM unavailable off the main thread")

    def _on_sigterm(self, signum: int, frame: FrameType | None) -> None:
        if runtime.in_running_loop():
            _log.warning("SIGTERM arrived while the event loop was running: lifespan shutdown skipped")
        else:
            self.shutdown()
        previous = self._previous_sigterm
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
        if callable(previous):
            previous(signum, frame)
        elif previous in (signal.SIG_DFL, None):
            os.kill(os.getpid(), signal.SIGTERM)  # what would have happened without us
