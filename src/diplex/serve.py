"""``diplex serve module:registry`` (or ``module:app``): the app under uvicorn.

The listening socket is bound before anything is printed, so the URLs printed are live (with
``--port 0`` they show the port the system chose) and a client may connect at once: the
connection waits in the backlog until uvicorn has started.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

from diplex.cli import TargetError, load_target
from diplex.registry import Registry

__all__ = ["serve"]

_TARGET_VARIABLE = "DIPLEX_SERVE_TARGET"


def serve(target: str, *, host: str = "127.0.0.1", port: int = 8000, reload: bool = False) -> int:
    """Serve ``target`` until interrupted; return the exit status (2 for a bad target)."""
    try:
        import uvicorn
    except ModuleNotFoundError:
        print("diplex serve: uvicorn is not installed: pip install 'diplex[server]'", file=sys.stderr)
        return 2
    try:
        app, registry = _load(target)
    except TargetError as exc:
        print(f"diplex serve: {exc}", file=sys.stderr)
        return 2
    if reload:
        # The reloader imports the target afresh in each worker process, by name.
        os.environ[_TARGET_VARIABLE] = target
        _print_urls(app, registry, host, port)
        uvicorn.run("diplex.serve:app_from_environment", factory=True, host=host, port=port, reload=True)
        return 0
    try:
        listener = _bind(host, port)
    except OSError as exc:
        print(f"diplex serve: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
        return 1
    _print_urls(app, registry, host, listener.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app))
    try:
        server.run(sockets=[listener])
    finally:
        listener.close()
    return 0 if server.started else 1


def app_from_environment() -> Any:
    """The app for ``--reload`` workers: the target named in ``DIPLEX_SERVE_TARGET``."""
    return _load(os.environ[_TARGET_VARIABLE])[0]


def _load(target: str) -> tuple[Any, Registry | None]:
    loaded = load_target(target)
    if isinstance(loaded, Registry):
        from diplex.rest import create_app

        return create_app(loaded), loaded
    if not callable(loaded):
        raise TargetError(f"{target} is a {type(loaded).__name__}, not a diplex.Registry or an ASGI app")
    state = getattr(loaded, "state", None)
    registry = getattr(state, "diplex_registry", None)
    return loaded, registry if isinstance(registry, Registry) else None


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on
    # connections whose socket says TCP; without it each keep-alive response waits ~40 ms.
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(2048)
    except OSError:
        listener.close()
        raise
    listener.set_inheritable(True)
    return listener


def _print_urls(app: Any, registry: Registry | None, host: str, port: int) -> None:
    base = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    lines = [f"diplex: serving on {base}"]
    docs_url = getattr(app, "docs_url", None)
    if docs_url:
        lines.append(f"  docs:  {base}{docs_url}")
    if registry is not None:
        prefix = getattr(app.state, "diplex_tools_prefix", "/tools")
        lines.append(f"  tools: {base}{prefix} (GET lists them)")
        lines.extend(f"         POST {base}{prefix}/{tool.name}" for tool in registry)
    if any(getattr(route, "path", None) == "/mcp" for route in getattr(app, "routes", ())):
        lines.append(f"  mcp:   {base}/mcp")
    print("\n".join(lines), flush=True)
