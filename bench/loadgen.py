"""A bounded HTTP/1.1 load generator (stdlib only), run as its own process against 127.0.0.1.

    python3 loadgen.py PORT PATH BODY HEADERS_JSON EXPECT CONCURRENCY SECONDS MAX_REQUESTS

Keeps CONCURRENCY keep-alive connections busy until SECONDS have passed or MAX_REQUESTS were
sent, checks every answer (status 200 and EXPECT in the body), and prints one JSON object.
Only loopback addresses are accepted.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time

TIMEOUT = 10.0


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        return status, await reader.readexactly(int(headers["content-length"]))
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            data = await reader.readexactly(size + 2)
            if size == 0:
                break
            chunks.append(data[:-2])
        return status, b"".join(chunks)
    raise ValueError("response without content-length or chunked body")


async def worker(
    port: int, request: bytes, expect: bytes, stop: float, budget: list[int], out: dict[str, list]
) -> None:
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), TIMEOUT)
    try:
        while time.monotonic() < stop and budget[0] > 0:
            budget[0] -= 1
            start = time.perf_counter()
            writer.write(request)
            status, body = await asyncio.wait_for(read_response(reader), TIMEOUT)
            out["latency"].append(time.perf_counter() - start)
            if status != 200 or expect not in body:
                out["errors"].append(f"{status}: {body[:200]!r}")
    finally:
        writer.close()


async def run(args: list[str]) -> dict[str, object]:
    port, path, body, headers_json, expect = int(args[0]), args[1], args[2], args[3], args[4]
    concurrency, seconds, max_requests = int(args[5]), float(args[6]), int(args[7])
    payload = body.encode()
    head = [f"POST {path} HTTP/1.1", f"host: 127.0.0.1:{port}", f"content-length: {len(payload)}"]
    head += [f"{name}: {value}" for name, value in json.loads(headers_json).items()]
    request = ("\r\n".join(head) + "\r\n\r\n").encode() + payload
    out: dict[str, list] = {"latency": [], "errors": []}
    budget = [max_requests]
    started = time.monotonic()
    stop = started + seconds
    results = await asyncio.gather(
        *(worker(port, request, expect.encode(), stop, budget, out) for _ in range(concurrency)),
        return_exceptions=True,
    )
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
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(sys.argv[1:]))))
