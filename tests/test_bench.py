"""The benchmark's own logic: the answer check can fail, the load generator reads HTTP right,
and the targets are computed from the figures (bench/ is scripts, loaded here by path)."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load(name: str) -> ModuleType:
    saved = list(sys.path)
    sys.path[:0] = [str(BENCH), str(BENCH / "stacks")]
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # (dataclasses look their module up there)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path[:] = saved


run = _load("run")
loadgen = _load("loadgen")
driver = _load("driver")
events = driver.events


@pytest.fixture(scope="module")
def dual() -> Any:
    saved = list(sys.path)
    sys.path[:0] = [str(BENCH / "stacks")]
    try:
        return importlib.import_module("diplex_dual").handler
    finally:
        sys.path[:] = saved


KINDS = ("rest", "mcp-legacy", "mcp-modern", "direct")
CASES = [f"{kind}:{tool}" for kind in KINDS for tool in ("add", "echo")]


@pytest.mark.parametrize("case", CASES)
def test_the_diplex_stack_answers_every_case_the_way_the_check_wants(dual: Any, case: str) -> None:
    assert driver.check(case, dual(driver.make_event(case), events.FakeContext())) is None


def test_the_listing_case_is_answered_and_counted(dual: Any) -> None:
    listed = dual(driver.make_event("list:mcp-legacy"), events.FakeContext())
    assert driver.check("list:mcp-legacy", listed) is None
    assert driver.count_listed(listed) == 2


def _mcp(result: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": 200, "body": json.dumps({"jsonrpc": "2.0", "id": 1, "result": result})}


@pytest.mark.parametrize(
    ("case", "response", "problem"),
    [
        ("rest:add", {"statusCode": 422, "body": '{"detail": []}'}, "HTTP 422"),
        ("rest:add", {"statusCode": 200, "body": "4"}, "REST body"),
        ("rest:echo", "not a response", "not an HTTP response"),
        ("mcp-legacy:add", {"statusCode": 200, "body": "<html>"}, "not JSON"),
        ("mcp-legacy:add", _mcp({"content": [{"type": "text", "text": "3"}], "isError": True}), "tools/call"),
        ("mcp-modern:echo", _mcp({"content": [{"type": "text", "text": "ho"}]}), "tools/call"),
        ("mcp-modern:echo", {"statusCode": 200, "body": '{"id": 1, "error": {}}'}, "a result"),
        ("list:mcp-legacy", _mcp({"tools": []}), "without tools"),
        ("direct:add", 4, "direct answer"),
    ],
)
def test_a_wrong_answer_is_named_not_timed(case: str, response: Any, problem: str) -> None:
    found = driver.check(case, response)
    assert found is not None and problem in found


def test_an_event_stream_answer_is_read_for_its_last_message() -> None:
    body = 'event: message\ndata: {"jsonrpc": "2.0", "id": 1, "result": {"content": [{"text": "hi"}]}}\n\n'
    assert driver.check("mcp-legacy:echo", {"statusCode": 200, "body": body}) is None


def test_the_load_generator_reads_length_and_chunked_responses_and_waits_for_the_rest() -> None:
    head = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\ncontent-type: application/json\r\n\r\n"
    assert loadgen.parse(head + b'"hi"\nHTTP/1.1') == (200, b'"hi"\n', b"HTTP/1.1")
    assert loadgen.parse(head + b'"h') is None
    assert loadgen.parse(b"HTTP/1.1 200 OK\r\ncontent-") is None
    chunked = b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunked += b"3\r\nabc\r\n2;x=1\r\nde\r\n0\r\n\r\n"
    assert loadgen.parse(chunked) == (404, b"abcde", b"")
    assert loadgen.parse(chunked[:-4]) is None
    with pytest.raises(ValueError, match="without content-length"):
        loadgen.parse(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nbody")


def _results() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((BENCH / "results.json").read_text())
    return data


def test_the_recorded_targets_are_the_ones_its_figures_give() -> None:
    results = _results()
    assert run.evaluate(results) == results["targets"]
    assert all(t["met"] is not None for t in results["targets"])  # a full run measured them all


def test_a_target_follows_its_figures_both_ways() -> None:
    results = copy.deepcopy(_results())
    name = "cold start, diplex dual, first call REST vs A"
    a_ms = results["cold"]["A"]["rest"]["total_ms"]
    for dual_ms, met in ((a_ms * 1.14, True), (a_ms * 1.16, False)):
        results["cold"]["dual"]["rest"]["total_ms"] = dual_ms
        (found,) = [t for t in run.evaluate(results) if t["target"] == name]
        assert found["met"] is met and found["value"] == pytest.approx(dual_ms / a_ms)
    del results["server"]
    server = [t for t in run.evaluate(results) if t["target"].startswith("server:")]
    assert server and all(t["met"] is None and t["value"] is None for t in server)  # not measured


def test_the_report_renders_a_full_run_and_an_empty_one() -> None:
    text = run.report(_results())
    for heading in ("Cold start", "Warm", "Scale", "Server mode", "Targets (issue 7)"):
        assert heading in text
    empty: dict[str, Any] = {"settings": {"quick": True}, "notes": [], "targets": run.evaluate({})}
    assert "n/a" in run.report(empty)
