"""A warm Lambda container: one process, thousands of mixed invocations (run by test_soak.py).

Prints one JSON line: counts, errors, loop identities and resident memory growth.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
import tempfile
import warnings
from typing import Any

warnings.simplefilter("error")  # a DeprecationWarning anywhere fails the soak

from examples import tools  # noqa: E402

import diplex  # noqa: E402
from diplex.aws import lambda_handler  # noqa: E402
from tests.aws.factories import (  # noqa: E402
    direct_event,
    http_v2_event,
    json_body,
    modern_call,
    modern_headers,
    rest_v1_event,
    rpc,
)

registry = tools.registry
loops: set[int] = set()


@registry.tool
async def loop_identity() -> int:
    return id(asyncio.get_running_loop())


@registry.tool
def sync_bridge(x: int) -> int:
    async def double() -> int:
        loops.add(id(asyncio.get_running_loop()))
        return x * 2

    return diplex.run_sync(double)


@registry.tool
def runs_its_own_loop() -> str:
    # A tool (or a library it calls) that uses asyncio.run() on the main thread.
    return asyncio.run(asyncio.sleep(0, result="own loop"))


handler = lambda_handler(registry)


def rss_kb() -> int:
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def invocation(i: int) -> tuple[str, Any, Any]:
    """(label, event, check(answer) -> bool) for invocation number i."""
    kind = i % 12
    if kind == 0:
        return "rest add", http_v2_event("POST", "/tools/add", body=json.dumps({"a": i, "b": 1})), i + 1
    if kind == 1:
        return "rest greet v1", rest_v1_event("POST", "/tools/greet", body='{"name":"Ada"}'), "Hello, Ada."
    if kind == 2:
        call = rpc("tools/call", {"name": "add", "arguments": {"a": i, "b": 2}})
        headers = {"accept": "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25"}
        return "mcp 2025 add", http_v2_event("POST", "/mcp", body=json.dumps(call), headers=headers), i + 2
    if kind == 3:
        body = json.dumps(modern_call("greet", {"name": "Bo"}))
        return (
            "mcp 2026 greet",
            http_v2_event("POST", "/mcp", body=body, headers=modern_headers("tools/call", "greet")),
            "Hello, Bo.",
        )
    if kind == 4:
        return "direct add", direct_event("add", {"a": i, "b": 3}), i + 3
    if kind == 5:
        return "direct note", direct_event("add_note", {"text": f"note {i}"}), None
    if kind == 6:
        return "direct count", direct_event("count_notes", {}), None
    if kind == 7:
        return "rest bridge", http_v2_event("POST", "/tools/sync_bridge", body=json.dumps({"x": i})), i * 2
    if kind == 8:
        return "direct loop", direct_event("loop_identity", {}), None
    if kind == 9:
        return "raw mcp", modern_call("add", {"a": 1, "b": i}), i + 1
    if kind == 10:
        return "own loop", direct_event("runs_its_own_loop", {}), "own loop"
    return "rest error", http_v2_event("POST", "/tools/divide", body='{"a":1,"b":0}'), None


def value_of(label: str, answer: Any) -> Any:
    if label.startswith("direct") or label == "own loop":
        return answer
    if label == "raw mcp":
        return answer["result"]["structuredContent"]
    if label.startswith("mcp 2025"):
        return json_body(answer)["result"]["structuredContent"]["result"]
    if label.startswith("mcp"):
        return json_body(answer)["result"]["structuredContent"]
    return json_body(answer)


def main(total: int) -> None:
    os.environ["DIPLEX_EXAMPLE_DB"] = os.path.join(tempfile.mkdtemp(), "soak.db")
    errors: list[str] = []
    counts: dict[str, int] = {}
    warm_rss = 0
    for i in range(total):
        label, event, expected = invocation(i)
        if i % 50 == 25:
            asyncio.run(asyncio.sleep(0))  # the original bug: asyncio.run() between invocations
        if i % 500 == 250:
            label, event, expected = "mangum openapi", http_v2_event("GET", "/openapi.json"), None
        try:
            answer = handler(event, None)
            if label == "rest error":
                ok = answer["statusCode"] == 400
            elif label == "mangum openapi":
                ok = answer["statusCode"] == 200 and "/tools/add" in json_body(answer)["paths"]
            elif label == "direct loop":
                loops.add(answer)
                ok = True
            elif label == "direct note":
                ok = answer["text"] == f"note {i}"
            elif label == "direct count":
                ok = isinstance(answer, int) and answer >= 1
            else:
                ok = value_of(label, answer) == expected
            if not ok:
                errors.append(f"{i} {label}: {answer!r}"[:300])
        except Exception as exc:  # a failure of the soak, reported, never a crash
            errors.append(f"{i} {label}: {type(exc).__name__}: {exc}"[:300])
        counts[label] = counts.get(label, 0) + 1
        if i == total // 5:
            gc.collect()
            warm_rss = rss_kb()
    gc.collect()
    growth_kb = rss_kb() - warm_rss
    diplex.run_sync(tools.close_db())
    print(
        json.dumps(
            {
                "total": total,
                "counts": counts,
                "errors": errors[:20],
                "loops": len(loops),
                "growth_kb": growth_kb,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
