"""Runs inside one stack's virtual environment; prints one JSON object on stdout.

    python -I driver.py cold MODULE KIND TOOL [--list]   fresh process: import, answer one event
    python -I driver.py warm MODULE N CASE...            N timed invocations per CASE (KIND:TOOL)

Cold runs report the monotonic clock (CLOCK_MONOTONIC, comparable across processes on Linux) at
the moment the first answer is ready, so the parent measures from the instant it spawned the
process: interpreter start-up, imports, handler set-up and the first invocation. Nothing but
``sys``, ``time`` and the import-free ``events`` module is imported before the stack.
"""

import sys
import time

T_MAIN = time.monotonic_ns()
HERE = __file__.rpartition("/")[0] or "."
sys.path[:0] = [HERE, HERE + "/stacks"]

import events  # noqa: E402  (no imports of its own)


def main() -> None:
    mode = sys.argv[1]
    if mode == "cold":
        cold(sys.argv[2], sys.argv[3], sys.argv[4], "--list" in sys.argv[5:])
    elif mode == "warm":
        warm(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    else:
        raise SystemExit(f"unknown mode {mode!r}")


def make_event(case: str) -> dict:
    kind, _, tool = case.partition(":")
    if kind == "list":
        return events.list_event(tool or "mcp-legacy")
    return events.event(kind, tool)


def cold(module: str, kind: str, tool: str, then_list: bool) -> None:
    if module == "-":
        # The interpreter alone: what every stack's cold start pays before its first import.
        t_now = time.monotonic_ns()
        emit({"t_main": T_MAIN, "t_answered": t_now, "import_ms": 0.0, "first_call_ms": 0.0, "error": None})
        return
    t_import = time.monotonic_ns()
    handler = __import__(module).handler
    t_imported = time.monotonic_ns()
    event = make_event(f"{kind}:{tool}")
    response = handler(event, events.FakeContext())
    t_answered = time.monotonic_ns()
    result = {
        "t_main": T_MAIN,
        "t_answered": t_answered,
        "import_ms": (t_imported - t_import) / 1e6,
        "first_call_ms": (t_answered - t_imported) / 1e6,
        "error": check(f"{kind}:{tool}", response),
    }
    if then_list:
        t = time.perf_counter_ns()
        listed = handler(make_event("list:mcp-legacy"), events.FakeContext())
        result["first_list_ms"] = (time.perf_counter_ns() - t) / 1e6
        result["list_error"] = check("list:mcp-legacy", listed)
        result["listed"] = count_listed(listed)
    result.update(memory())
    emit(result)


def warm(module: str, n: int, cases: list[str]) -> None:
    import gc

    handler = __import__(module).handler
    context = events.FakeContext()
    samples: dict[str, list[int]] = {case: [] for case in cases}
    errors: dict[str, str] = {}
    for case in cases:
        # Correct answers first, then a short warm-up that is not timed.
        for _ in range(2):
            problem = check(case, handler(make_event(case), context))
            if problem:
                errors[case] = problem
        for _ in range(min(100, n)):
            handler(make_event(case), context)
    live = [case for case in cases if case not in errors]
    blocks = 4
    per_block = max(1, n // blocks)
    clock = time.perf_counter_ns
    for _ in range(blocks):
        for case in live:
            batch = [make_event(case) for _ in range(per_block)]
            gc.collect()
            out = samples[case]
            for event in batch:
                start = clock()
                handler(event, context)
                out.append(clock() - start)
    for case in live:
        problem = check(case, handler(make_event(case), context))
        if problem:
            errors[case] = f"after {n} calls: {problem}"
    emit({"samples": samples, "errors": errors, **memory()})


def check(case: str, response: object) -> str | None:
    """None when ``response`` is a correct answer to ``case``, else what is wrong with it."""
    import json

    kind, _, tool = case.partition(":")
    if kind == "direct":
        expected = 3 if tool == "add" else "hi"
        return None if response == expected else f"direct answer {response!r}"
    if not isinstance(response, dict):
        return f"not an HTTP response: {response!r:.200}"
    status = int(response.get("statusCode", 0))
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        import base64

        body = base64.b64decode(body).decode()
    if status != 200:
        return f"HTTP {status}: {body[:300]}"
    if kind == "rest":
        return None if events.EXPECT[tool] in body else f"REST body {body[:300]}"
    try:
        message = json.loads(sse_data(body))
    except ValueError:
        return f"MCP body is not JSON: {body[:300]}"
    result = message.get("result") if isinstance(message, dict) else None
    if not isinstance(result, dict):
        return f"MCP answer without a result: {body[:300]}"
    if kind == "list":
        return None if result.get("tools") else f"tools/list without tools: {body[:300]}"
    texts = [c.get("text") for c in result.get("content") or [] if isinstance(c, dict)]
    if result.get("isError") or events.EXPECT[tool] not in texts:
        return f"MCP tools/call answer {body[:300]}"
    return None


def sse_data(body: str) -> str:
    """The JSON of a body that is either JSON or a one-message SSE stream."""
    if body.lstrip().startswith(("{", "[")):
        return body
    lines = [line[5:].strip() for line in body.splitlines() if line.startswith("data:")]
    return lines[-1] if lines else body


def count_listed(response: object) -> int:
    import json

    try:
        body = response["body"]  # type: ignore[index]
        return len(json.loads(sse_data(body))["result"]["tools"])
    except (KeyError, TypeError, ValueError):
        return -1


def memory() -> dict[str, float]:
    import resource

    peak = {"maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(("VmHWM:", "VmRSS:")):
                    key = "hwm_mb" if line.startswith("VmHWM") else "rss_mb"
                    peak[key] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak


def emit(result: dict) -> None:
    import json

    sys.stdout.write("\nBENCH-RESULT " + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
