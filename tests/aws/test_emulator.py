"""The Lambda Runtime API emulator, driving AWS's own runtime client (``awslambdaric``).

Every test runs real runtime processes (``python -m awslambdaric tests.aws.handlers.X``); the
handlers they call are in ``tests/aws/handlers.py``.
"""

from __future__ import annotations

import json
import os
import random
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from diplex.aws.emulator import Emulator, InvocationResult
from tests.conftest import ROOT

pytest.importorskip("awslambdaric", reason="AWS's runtime client: pip install awslambdaric")

MakeEmulator = Callable[..., Emulator]
REPORT = re.compile(
    r"REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\t"
    r"Memory Size: \d+ MB\tMax Memory Used: \d+ MB(\tInit Duration: \d+\.\d\d ms)?"
)


@pytest.fixture
def reports() -> list[InvocationResult]:
    return []


@pytest.fixture
def emulator(reports: list[InvocationResult]) -> Iterator[MakeEmulator]:
    """Make emulators of ``tests.aws.handlers.<function>``; all are closed after the test."""
    made: list[Emulator] = []

    def make(handler: str, **options: Any) -> Emulator:
        module = "tests.aws.handlers" if "." not in handler else ""
        name = f"{module}.{handler}" if module else handler
        options.setdefault("on_report", reports.append)
        made.append(Emulator(name, task_root=ROOT, **options))
        return made[-1]

    yield make
    for each in made:
        each.close()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _mixed_events(count: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(5)
    values: list[Any] = [
        None,
        True,
        0,
        -1.5,
        "",
        "naïve ☃ 日本",
        [1, [2, [3]]],
        {"k": {"v": [None]}},
        "x" * 100_000,
    ]
    for n in range(count):
        kind = ("add", "echo", "raise")[n % 3]
        if kind == "add":
            yield {"op": "add", "a": rng.randint(-1000, 1000), "b": rng.randint(-1000, 1000)}
        elif kind == "echo":
            yield {"op": "echo", "value": values[n % len(values)]}
        else:
            yield {"op": "raise", "n": n}


def test_a_warm_runtime_answers_many_mixed_invocations_in_one_process(
    emulator: MakeEmulator, reports: list[InvocationResult]
) -> None:
    function = emulator("mixed")
    events = list(_mixed_events(150))
    results = [function.invoke(event) for event in events]
    pids = set()
    for calls, (event, result) in enumerate(zip(events, results, strict=True), start=1):
        if event["op"] == "raise":
            assert result.error is not None and result.fault is None
            assert result.error.error_type == "TeapotError"
            assert result.error.message == f"refused {event['n']}"
            assert result.value()["errorType"] == "TeapotError"
            continue
        answer = result.value()
        assert result.ok and answer["calls"] == calls  # the module's counter survives: warm
        pids.add(answer["pid"])
        if event["op"] == "add":
            assert answer["sum"] == event["a"] + event["b"]
        else:
            assert answer["value"] == event["value"]
    assert pids == {function.pid} and len({r.request_id for r in results}) == len(results)
    assert results[0].init_duration_ms is not None and results[0].init_duration_ms > 0
    assert all(r.init_duration_ms is None for r in results[1:])
    assert reports == results
    assert all(REPORT.fullmatch(r.report_line()) for r in results)


def test_the_runtime_receives_the_invocation_headers_and_lambda_environment(emulator: MakeEmulator) -> None:
    function = emulator("echo", timeout=7, memory=256, function_name="orders")
    result = function.invoke(
        {"hello": "world"},
        client_context={"custom": {"tenant": "t1"}},
        cognito_identity={"cognitoIdentityId": "c1"},
    )
    seen = result.value()
    assert seen["event"] == {"hello": "world"}
    assert seen["request_id"] == result.request_id
    assert (
        seen["function_arn"]
        == "arn:aws:lambda:us-east-1:123456789012:function:orders"
        == function.function_arn
    )
    assert (seen["function_name"], seen["memory_limit_in_mb"]) == ("orders", "256")
    assert 5000 < seen["remaining_ms"] <= 7000  # from Lambda-Runtime-Deadline-Ms
    assert seen["log_group_name"] == "/aws/lambda/orders"
    assert seen["client_context"] == {"tenant": "t1"}
    assert seen["cognito_identity_id"] == "c1"
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0", seen["trace_id"])
    assert seen["execution_env"].startswith("AWS_Lambda_python3.")
    assert seen["task_root"] == str(ROOT)
    assert result.memory_size_mb == 256 and result.max_memory_used_mb is not None


def test_an_import_failure_is_reported_through_init_error_and_init_is_tried_again(
    emulator: MakeEmulator,
) -> None:
    function = emulator("tests.aws.broken_handler.handler")
    first, second = function.invoke({}), function.invoke({})
    for result in (first, second):
        assert result.fault == "init" and result.error is not None
        assert result.error.error_type == "Runtime.ImportModuleError"
        assert "diplex_tests_no_such_module" in result.error.message
        assert result.value()["errorType"] == "Runtime.ImportModuleError"
        assert result.init_duration_ms is not None
        assert "\tStatus: error\tError Type: Runtime.ImportModuleError" in result.report_line()
    assert first.pid != second.pid


def test_a_handler_that_is_not_there_is_an_init_error(emulator: MakeEmulator) -> None:
    result = emulator("no_such_function").invoke({})
    assert result.fault == "init" and result.error is not None
    assert result.error.error_type == "Runtime.HandlerNotFound"


def test_a_handler_error_is_reported_through_error_with_its_type_and_the_runtime_stays_warm(
    emulator: MakeEmulator,
) -> None:
    function = emulator("mixed")
    failed = function.invoke({"op": "raise", "n": 7})
    assert failed.error is not None and failed.fault is None
    assert (failed.error.error_type, failed.error.message) == ("TeapotError", "refused 7")
    assert any("handlers.py" in line for line in failed.error.stack_trace)
    document = failed.value()
    assert document["requestId"] == failed.request_id and document["errorMessage"] == "refused 7"
    after = function.invoke({"op": "add", "a": 1, "b": 1})
    assert after.value() == {"sum": 2, "pid": failed.pid, "calls": 2}


def test_a_function_past_its_timeout_is_killed_and_the_next_invocation_starts_cold(
    emulator: MakeEmulator,
) -> None:
    function = emulator("mixed", timeout=5)
    warm = function.invoke({"op": "add", "a": 1, "b": 2})
    began = time.monotonic()
    timed_out = function.invoke({"op": "hang"}, timeout=0.4)
    assert 0.4 <= time.monotonic() - began < 4
    assert timed_out.fault == "timeout" and timed_out.error is not None
    assert timed_out.error.error_type == "Sandbox.Timedout"
    assert (
        timed_out.error.message
        == f"RequestId: {timed_out.request_id} Error: Task timed out after 0.40 seconds"
    )
    assert timed_out.duration_ms >= 400 and timed_out.report_line().endswith("\tStatus: timeout")
    assert _gone(warm.pid)
    fresh = function.invoke({"op": "add", "a": 1, "b": 2})
    assert fresh.value()["calls"] == 1 and fresh.pid != warm.pid
    assert fresh.init_duration_ms is not None


def test_cold_invocations_each_start_a_fresh_runtime(emulator: MakeEmulator) -> None:
    function = emulator("mixed")
    results = [function.invoke({"op": "add", "a": n, "b": n}, cold=True) for n in range(3)]
    assert [r.value()["calls"] for r in results] == [1, 1, 1]
    assert len({r.pid for r in results}) == 3
    assert all(r.init_duration_ms is not None for r in results)
    assert _gone(results[0].pid) and _gone(results[1].pid)


def test_a_runtime_that_exits_mid_invocation_is_reported_and_replaced(emulator: MakeEmulator) -> None:
    function = emulator("mixed")
    exited = function.invoke({"op": "exit"})
    assert exited.fault == "exit" and exited.error is not None
    assert exited.error.error_type == "Runtime.ExitError"
    assert exited.error.message.endswith("Runtime exited with error: exit status 3")
    assert function.invoke({"op": "add", "a": 2, "b": 2}).value()["calls"] == 1


def test_a_response_over_six_megabytes_is_refused_and_the_next_invocation_still_answers(
    emulator: MakeEmulator,
) -> None:
    function = emulator("mixed")
    too_big = function.invoke({"op": "big", "size": 6_300_000})
    assert too_big.error is not None and too_big.error.error_type == "Function.ResponseSizeTooLarge"
    # awslambdaric exits when its answer is refused; the next invocation gets a fresh runtime.
    assert function.invoke({"op": "add", "a": 2, "b": 2}).value()["sum"] == 4


def test_the_runtime_api_answers_misuse_with_lambdas_status_codes(emulator: MakeEmulator) -> None:
    statuses = emulator("probe").invoke({}).value()
    assert statuses == {"unknown_request": 400, "late_init_error": 403, "no_such_endpoint": 404}


def test_closing_sends_sigterm_to_the_runtime(emulator: MakeEmulator, tmp_path: Path) -> None:
    marker = tmp_path / "sigterm"
    function = emulator(
        "tests.aws.terminating_handler.handler",
        environment={"DIPLEX_TEST_SIGTERM_FILE": str(marker)},
        shutdown_grace=1,
    )
    pid = function.invoke({}).value()
    function.close()
    assert marker.read_text(encoding="utf-8") == "terminated" and _gone(pid)
    with pytest.raises(RuntimeError, match="closed"):
        function.invoke({})


def test_closing_ends_an_invocation_in_progress_without_waiting_for_its_timeout(
    emulator: MakeEmulator,
) -> None:
    function = emulator("mixed", timeout=60, shutdown_grace=1)
    results: list[InvocationResult] = []
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(20)
        event = {"op": "hang", "started": listener.getsockname()[1]}
        caller = threading.Thread(target=lambda: results.append(function.invoke(event)))
        caller.start()
        listener.accept()[0].close()  # the handler is running
    function.close()
    caller.join(timeout=20)
    assert not caller.is_alive()
    assert results[0].error is not None and results[0].error.error_type == "Runtime.ExitError"


def test_events_may_be_sent_as_json_bytes(emulator: MakeEmulator) -> None:
    function = emulator("echo")
    assert function.invoke(json.dumps({"raw": [1, 2]}).encode()).value()["event"] == {"raw": [1, 2]}


@pytest.mark.parametrize(
    ("handler", "options", "message"),
    [
        ("handlers", {}, "module.function"),
        ("tests.aws.handlers.echo", {"memory": 64}, "128 to 10240 MB"),
        ("tests.aws.handlers.echo", {"timeout": 0}, "timeout must be a positive"),
    ],
)
def test_bad_configuration_is_refused(handler: str, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Emulator(handler, **options)


def test_the_report_line_reads_like_lambdas() -> None:
    result = InvocationResult(
        request_id="8f5ba2a8-0d41-4e48-9b5c-1c3f3f5e7d2a",
        payload=b"{}",
        error=None,
        duration_ms=12.344,
        init_duration_ms=101.5,
        memory_size_mb=512,
        max_memory_used_mb=40,
        pid=1,
    )
    assert result.report_line() == (
        "REPORT RequestId: 8f5ba2a8-0d41-4e48-9b5c-1c3f3f5e7d2a\tDuration: 12.34 ms\t"
        "Billed Duration: 114 ms\tMemory Size: 512 MB\tMax Memory Used: 40 MB\tInit Duration: 101.50 ms"
    )
