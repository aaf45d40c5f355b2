"""One way for the tests to serve an ASGI app over real HTTP: uvicorn on 127.0.0.1, in a thread."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any, Literal

import uvicorn


@contextlib.contextmanager
def uvicorn_server(app: Any, *, lifespan: Literal["on", "off"] = "on", **config: Any) -> Iterator[str]:
    """Serve ``app`` on a free port of 127.0.0.1; yield its base URL. ``config`` goes to
    ``uvicorn.Config`` (``loop``, ``http``, ...).

    The socket is bound and listening before uvicorn starts, so no readiness polling is needed:
    a client's connection waits in the backlog until uvicorn accepts it. It is made with
    IPPROTO_TCP so that asyncio turns Nagle's algorithm off (else keep-alive answers wait ~40 ms).
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none", lifespan=lifespan, **config))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()
        assert not thread.is_alive(), "uvicorn did not stop"
