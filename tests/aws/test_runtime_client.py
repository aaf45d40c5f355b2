"""diplex's Lambda handler under AWS's own runtime client (awslambdaric) and the emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from diplex.aws.emulator import Emulator, InvocationResult
from tests.aws.factories import direct_event, http_v2_event, json_body, modern_call, modern_headers, rpc
from tests.conftest import ROOT

pytest.importorskip("awslambdaric", reason="AWS's runtime client: pip install awslambdaric")

LEGACY = {"accept": "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25"}


@pytest.fixture(scope="module")
def function() -> Iterator[Emulator]:
    emulator = Emulator("tests.aws.diplex_function.handler", task_root=ROOT, timeout=30, memory=256)
    yield emulator
    emulator.close()


def case(n: int) -> tuple[dict[str, Any], Any]:
    """Invocation number n: an event and what its answer must be (an error type for failures)."""
    kind = n % 6
    if kind == 0:
        return http_v2_event("POST", "/tools/add", body=json.dumps({"a": n, "b": 1})), ("rest", n + 1)
    if kind == 1:
        call = rpc("tools/call", {"name": "add", "arguments": {"a": n, "b": 2}})
        return http_v2_event("POST", "/mcp", body=json.dumps(call), headers=LEGACY), ("mcp-legacy", n + 2)
    if kind == 2:
        body = json.dumps(modern_call("greet", {"name": f"n{n}"}))
        event = http_v2_event("POST", "/mcp", body=body, headers=modern_headers("tools/call", "greet"))
        return event, ("mcp-modern", f"Hello, n{n}.")
    if kind == 3:
        return direct_event("add", {"a": n, "b": 3}), ("direct", n + 3)
    if kind == 4:
        return direct_event("add_note", {"text": f"note {n}"}), ("direct-note", f"note {n}")
    return direct_event("divide", {"a": 1, "b": 0}), ("error", "ToolFailed")


def check(result: InvocationResult, expected: tuple[str, Any]) -> None:
    kind, want = expected
    if kind == "error":
        assert result.error is not None and result.error.error_type == want
        assert result.error.message == "cannot divide by zero"
        return
    assert result.ok, result.error
    answer = result.value()
    if kind == "rest":
        assert answer["statusCode"] == 200 and json_body(answer) == want
    elif kind == "mcp-legacy":
        assert json_body(answer)["result"]["structuredContent"] == {"result": want}
    elif kind == "mcp-modern":
        assert json_body(answer)["result"]["structuredContent"] == want
    elif kind == "direct-note":
        assert answer["text"] == want
    else:
        assert answer == want


def test_many_mixed_warm_invocations_through_the_runtime_client(function: Emulator) -> None:
    results = []
    for n in range(120):
        event, expected = case(n)
        result = function.invoke(event)
        check(result, expected)
        results.append(result)
    assert len({r.pid for r in results}) == 1  # one warm process answered them all
    assert results[0].init_duration_ms is not None
    assert all(r.init_duration_ms is None for r in results[1:])


@pytest.mark.parametrize(
    ("event", "error_type"),
    [
        (direct_event("nope", {}), "ToolNotFound"),
        (direct_event("add", {"a": "1", "b": 2}), "InvalidArguments"),
        ({"tool": 5}, "InvalidArguments"),
        ({"Records": []}, "UnsupportedEvent"),
    ],
)
def test_failing_invocations_are_reported_through_error_with_their_type(
    function: Emulator, event: dict[str, Any], error_type: str
) -> None:
    result = function.invoke(event)
    assert result.error is not None and result.error.error_type == error_type
    assert function.invoke(direct_event("add", {"a": 1, "b": 1})).value() == 2  # still warm and well
