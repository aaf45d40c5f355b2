"""REST test fixtures: the app in-process (httpx's ASGI transport) and under a real uvicorn."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from ..conftest import ROOT
from ..servers import uvicorn_server
from . import registries


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def served_outcomes() -> Iterator[str]:
    """The base URL of the outcomes app under uvicorn (one server for the session)."""
    with uvicorn_server(registries.app) as url:
        yield url


@pytest.fixture(params=["asgi", "uvicorn"])
async def client(request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the outcomes app, in-process and through uvicorn on 127.0.0.1."""
    if request.param == "asgi":
        transport = httpx.ASGITransport(app=registries.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
    else:
        base_url = request.getfixturevalue("served_outcomes")
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            yield client


@contextlib.contextmanager
def diplex_serve(target: str, log: Path, env: dict[str, str] | None = None) -> Iterator[tuple[str, str]]:
    """Run ``diplex serve TARGET --port 0`` in a child process; yield its base URL and what it
    printed first. Its socket listens before it prints, so no readiness polling is needed."""
    child_env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]), **(env or {})}
    with log.open("w") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-m", "diplex.cli", "serve", target, "--port", "0"],
            stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=ROOT, env=child_env,
        )  # fmt: skip
    # Read stdout to its end in a thread: uvicorn's access log goes there too, and a pipe
    # nobody reads would fill and stall the server.
    printed: list[str] = []
    first_line = threading.Event()

    def drain() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            printed.append(line)
            first_line.set()
        first_line.set()  # the child exited

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        first_line.wait(timeout=60)
        first = printed[0] if printed else ""
        assert first.startswith("diplex: serving on http://"), f"{''.join(printed)}\n{log.read_text()}"
        yield first.removeprefix("diplex: serving on ").strip(), "".join(printed)
    finally:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            reader.join(timeout=30)
            if child.stdout is not None:
                child.stdout.close()
