"""A diplex registry's MCP endpoint under uvicorn on 127.0.0.1, in a child process.

Parent side: ``with serving("package.module:registry") as url: ...`` starts the child, waits
(bounded) for it to say it is listening, yields ``http://127.0.0.1:<port>/mcp`` and stops it.

Child side: ``python -m tests.mcp.node.launch package.module:registry`` binds a free port
itself (no race between choosing a port and binding it), serves ``registry.mcp_app()`` there,
and prints one line ``{"port": N}`` on stdout once uvicorn has started.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["serving"]

REPO = Path(__file__).resolve().parents[3]
START_TIMEOUT = 60.0  # seconds for the child to import diplex and the registry and start listening
STOP_TIMEOUT = 10.0


@contextlib.contextmanager
def serving(target: str) -> Iterator[str]:
    """Serve ``target`` (``module:registry``) in a child process; yield the endpoint's URL."""
    with tempfile.TemporaryFile("w+") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.mcp.node.launch", target],
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            start_new_session=True,
        )
        try:
            assert child.stdout is not None
            port = _await_port(child, child.stdout, log)
            yield f"http://127.0.0.1:{port}/mcp"
        finally:
            _stop(child)
            if child.stdout is not None:
                child.stdout.close()


def _await_port(child: subprocess.Popen[str], stdout: IO[str], log: IO[str]) -> int:
    deadline = time.monotonic() + START_TIMEOUT
    with selectors.DefaultSelector() as selector:
        selector.register(stdout, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(f"the MCP server did not start within {START_TIMEOUT:.0f} s{_tail(log)}")
            if selector.select(timeout=remaining):
                line = stdout.readline()
                if not line:  # end of file: the child exited
                    child.wait(timeout=STOP_TIMEOUT)
                    raise RuntimeError(f"the MCP server exited with status {child.returncode}{_tail(log)}")
                with contextlib.suppress(ValueError, TypeError):
                    return int(json.loads(line)["port"])
                raise RuntimeError(f"unexpected first line from the MCP server: {line!r}{_tail(log)}")


def _stop(child: subprocess.Popen[str]) -> None:
    if child.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            child.kill()
        child.wait(timeout=STOP_TIMEOUT)


def _tail(log: IO[str]) -> str:
    log.flush()
    log.seek(0)
    text = log.read()[-4000:]
    return f"; its stderr:\n{text}" if text else ""


# -- child side ----------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.mcp.node.launch module:registry", file=sys.stderr)
        return 2
    import uvicorn

    import diplex
    from diplex.cli import load_target

    registry = load_target(argv[0])
    if not isinstance(registry, diplex.Registry):
        print(f"{argv[0]} is a {type(registry).__name__}, not a diplex.Registry", file=sys.stderr)
        return 2
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]

    class AnnouncingServer(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if not self.should_exit:
                print(json.dumps({"port": port}), flush=True)
                os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # nothing more on the pipe

    app: Any = registry.mcp_app()
    server = AnnouncingServer(uvicorn.Config(app, log_level="warning", lifespan="on"))
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
