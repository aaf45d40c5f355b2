"""A bounded HTTP/1.1 load generator, run as its own process against 127.0.0.1.

    python3 loadgen.py PORT PATH BODY HEADERS_JSON EXPECT CONCURRENCY SECONDS MAX_REQUESTS

Keeps CONCURRENCY keep-alive connections busy until SECONDS have passed or MAX_REQUESTS were
sent, checks every answer (status 200 and EXPECT in the body), and prints one JSON object.
Only loopback addresses are accepted.

It must cost the server's machine much less than the server does, or it measures itself: each
connection is an asyncio protocol (no stream reader, no task per request), on uvloop where it is
installed (the benchmark runs it from its tools environment, which has it).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from typing import Any

TIMEOUT = 10.0


class Connection(asyncio.Protocol):
    """One keep-alive connection sending the same request again as soon as it is answered."""

    def __init__(
        self, request: bytes, expect: bytes, stop: float, budget: list[int], out: dict[str, list]
    ) -> None:
        self.request, self.expect, self.stop, self.budget, self.out = request, expect, stop, budget, out
        self.buffer = b""
        self.started = 0.0
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: Any = None  # uvloop's transports are not asyncio.Transport subclasses

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.send()

    def send(self) -> None:
        assert self.transport is not None
        if time.monotonic() >= self.stop or self.budget[0] <= 0:
            self.transport.close()
            return
        self.budget[0] -= 1
        self.started = time.perf_counter()
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        try:
            answer = parse(self.buffer)
        except ValueError as exc:
            self.out["errors"].append(repr(exc))
            self.transport.close()
            return
        if answer is None:
            return  # not all of it yet
        status, body, rest = answer
        self.buffer = rest
        self.out["latency"].append(time.perf_counter() - self.started)
        if status != 200 or self.expect not in body:
            self.out["errors"].append(f"{status}: {body[:200]!r}")
        self.send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            if exc is None and (time.monotonic() >= self.stop or self.budget[0] <= 0):
                self.done.set_result(None)
            else:
                self.done.set_exception(exc or ConnectionError("the server closed the connection"))


def parse(buffer: bytes) -> tuple[int, bytes, bytes] | None:
    """(status, body, what follows) of the first whole response in ``buffer``, or None."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = buffer[:end].decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    start = end + 4
    if "content-length" in headers:
        stop = start + int(headers["content-length"])
        return (status, buffer[start:stop], buffer[stop:]) if len(buffer) >= stop else None
    if headers.get("transfer-encoding", "").lower() != "chunked":
        raise ValueError("response without content-length or chunked body")
    chunks, position = [], start
    while True:
        line_end = buffer.find(b"\r\n", position)
        if line_end < 0:
            return None
        size = int(buffer[position:line_end].split(b";")[0], 16)
        if len(buffer) < line_end + 2 + size + 2:
            return None
        chunks.append(buffer[line_end + 2 : line_end + 2 + size])
        position = line_end + 2 + size + 2
        if size == 0:
            return status, b"".join(chunks), buffer[position:]


async def run(args: list[str]) -> dict[str, object]:
    port, path, body, headers_json, expect = int(args[0]), args[1], args[2], args[3], args[4]
    concurrency, seconds, max_requests = int(args[5]), float(args[6]), int(args[7])
    payload = body.encode()
    head = [f"POST {path} HTTP/1.1", f"host: 127.0.0.1:{port}", f"content-length: {len(payload)}"]
    head += [f"{name}: {value}" for name, value in json.loads(headers_json).items()]
    request = ("\r\n".join(head) + "\r\n\r\n").encode() + payload
    out: dict[str, list] = {"latency": [], "errors": []}
    budget = [max_requests]
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    stop = started + seconds

    async def connect() -> None:
        def protocol_factory() -> Connection:
            return Connection(request, expect.encode(), stop, budget, out)

        _, protocol = await asyncio.wait_for(
            loop.create_connection(protocol_factory, "127.0.0.1", port), TIMEOUT
        )
        await asyncio.wait_for(protocol.done, seconds + TIMEOUT)

    results = await asyncio.gather(*(connect() for _ in range(concurrency)), return_exceptions=True)
    elapsed = time.monotonic() - started
    failures = [repr(r) for r in results if isinstance(r, BaseException)]
    latency = out["latency"]
    return {
        "requests": len(latency),
        "seconds": elapsed,
        "calls_per_s": len(latency) / elapsed if elapsed else 0.0,
        "latency_median_us": statistics.median(latency) * 1e6 if latency else None,
        "errors": len(out["errors"]) + len(failures),
        "first_error": (out["errors"] + failures or [None])[0],
        "client_loop": type(loop).__module__.split(".")[0],
    }


def main() -> None:
    try:
        import uvloop
    except ImportError:
        print(json.dumps(asyncio.run(run(sys.argv[1:]))))
    else:
        print(json.dumps(uvloop.run(run(sys.argv[1:]))))


if __name__ == "__main__":
    main()
