"""The invoker: every outcome kind, through call and acall, for sync and async tools."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import pydantic
import pytest

import diplex
from diplex import ToolContext, ToolError
from diplex.runtime import drive

registry = diplex.Registry("invoke-tests")


@registry.tool
def add(a: int, b: int = 10) -> int:
    return a + b


@registry.tool
async def aadd(a: int, b: int = 10) -> int:
    await asyncio.sleep(0)
    return a + b


@registry.tool
def refuse(reason: str) -> str:
    raise ToolError(f"refused: {reason}", status=409, data={"reason": reason})


@registry.tool
async def arefuse(reason: str) -> str:
    raise ToolError(f"refused: {reason}")


@registry.tool
def crash() -> None:
    raise RuntimeError("secret database password is hunter2")


@registry.tool
async def acrash() -> None:
    raise KeyError("secret")


@registry.tool
def exits() -> None:
    raise SystemExit(3)


@registry.tool
def wrong_type() -> int:
    return "not an int"  # type: ignore[return-value]


@registry.tool
def whoami(ctx: ToolContext) -> dict[str, Any]:
    return {"surface": ctx.surface, "transport": ctx.transport, "tool": ctx.tool, "id": ctx.request_id}


@registry.tool
async def awhoami(ctx: ToolContext) -> dict[str, Any]:
    return {"surface": ctx.surface, "transport": ctx.transport, "tool": ctx.tool, "id": ctx.request_id}


class Point(pydantic.BaseModel):
    x: int
    y: int


@registry.tool
def mirror(p: Point) -> Point:
    return Point(x=p.y, y=p.x)


@registry.tool
def untyped(value):  # type: ignore[no-untyped-def]
    return value


Caller = Callable[..., diplex.Outcome]


def call_sync(name: str, arguments: Any = None, context: ToolContext | None = None) -> diplex.Outcome:
    return registry.call(name, arguments, context=context)


def call_async(name: str, arguments: Any = None, context: ToolContext | None = None) -> diplex.Outcome:
    return drive(registry.acall(name, arguments, context=context))


both = pytest.mark.parametrize("call", [call_sync, call_async], ids=["call", "acall"])


@both
@pytest.mark.parametrize("tool", ["add", "aadd"])
def test_success_returns_the_value(call: Caller, tool: str) -> None:
    outcome = call(tool, {"a": 1, "b": 2})
    assert outcome.ok and outcome.value == 3 and outcome.error is None
    assert call(tool, {"a": 1}).value == 11


@both
def test_unknown_tool_is_not_found(call: Caller) -> None:
    outcome = call("nope", {})
    assert not outcome.ok
    assert outcome.error is not None
    assert outcome.error.kind == "not_found" and "nope" in outcome.error.message


@both
@pytest.mark.parametrize(
    ("arguments", "loc", "type_"),
    [
        ({"a": "5"}, ("a",), "int_type"),
        ({"a": 5.5}, ("a",), "int_type"),
        ({"a": True}, ("a",), "int_type"),
        ({}, ("a",), "missing"),
        ({"a": None}, ("a",), "int_type"),
        ({"a": 1, "c": 3}, ("c",), "extra_forbidden"),
    ],
)
@pytest.mark.parametrize("tool", ["add", "aadd"])
def test_invalid_arguments_carry_per_field_details(
    call: Caller, tool: str, arguments: dict[str, Any], loc: tuple[str, ...], type_: str
) -> None:
    outcome = call(tool, arguments)
    assert outcome.error is not None and outcome.error.kind == "invalid_arguments"
    assert any(d.loc == loc and d.type == type_ for d in outcome.error.details), outcome.error.details
    assert outcome.error.message.startswith(f"invalid arguments for tool {tool!r}")


@both
@pytest.mark.parametrize("arguments", [[1, 2], "text", 5])
def test_arguments_that_are_not_an_object_are_invalid(call: Caller, arguments: Any) -> None:
    outcome = call("add", arguments)
    assert outcome.error is not None and outcome.error.kind == "invalid_arguments"
    assert outcome.error.message == "arguments must be a JSON object"


@both
@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_numbers_are_refused(call: Caller, number: float) -> None:
    outcome = call("untyped", {"value": number})
    assert outcome.error is not None and outcome.error.kind == "invalid_arguments"
    assert "non-finite" in outcome.error.message


@both
def test_non_json_arguments_are_refused(call: Caller) -> None:
    outcome = call("untyped", {"value": object()})
    assert outcome.error is not None and outcome.error.kind == "invalid_arguments"


@both
def test_nested_models_validate_strictly(call: Caller) -> None:
    assert call("mirror", {"p": {"x": 1, "y": 2}}).value == {"x": 2, "y": 1}
    outcome = call("mirror", {"p": {"x": "1", "y": 2}})
    assert outcome.error is not None and outcome.error.details[0].loc == ("p", "x")


@both
def test_huge_integers_and_deep_nesting_do_not_crash(call: Caller) -> None:
    assert call("add", {"a": 10**40, "b": 1}).value == 10**40 + 1
    deep: Any = 1
    for _ in range(5000):
        deep = [deep]
    outcome = call("untyped", {"value": deep})
    assert outcome.error is not None and outcome.error.kind == "invalid_arguments"


@both
@pytest.mark.parametrize("tool", ["refuse", "arefuse"])
def test_tool_error_message_reaches_the_caller(call: Caller, tool: str) -> None:
    outcome = call(tool, {"reason": "busy"})
    assert outcome.error is not None and outcome.error.kind == "tool_error"
    assert outcome.error.message == "refused: busy"


def test_tool_error_status_and_data() -> None:
    error = call_sync("refuse", {"reason": "x"}, ToolContext(request_id="r1")).error
    assert error == diplex.Failure(
        "tool_error", "refused: x", status=409, data={"reason": "x"}, request_id="r1"
    )
    error = call_sync("arefuse", {"reason": "x"}).error
    assert error is not None and error.status == 400 and error.data is None


def test_tool_error_refuses_a_non_error_status() -> None:
    with pytest.raises(ValueError, match="400-599"):
        ToolError("x", status=200)


@both
@pytest.mark.parametrize("tool", ["crash", "acrash", "exits"])
def test_internal_errors_hide_the_message_and_log_the_traceback(
    call: Caller, tool: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="diplex"):
        outcome = call(tool, {}, ToolContext(request_id="req-42"))
    assert outcome.error is not None and outcome.error.kind == "internal"
    assert outcome.error.message == "internal error (request id req-42)"
    assert outcome.error.request_id == "req-42"
    assert "secret" not in outcome.error.message and "hunter2" not in repr(outcome)
    record = next(r for r in caplog.records if "req-42" in r.getMessage())
    assert record.exc_info is not None


@both
def test_a_result_that_does_not_fit_its_annotation_is_internal(
    call: Caller, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="diplex"):
        outcome = call("wrong_type", {})
    assert outcome.error is not None and outcome.error.kind == "internal"
    assert "does not fit its return annotation" in caplog.text


@both
@pytest.mark.parametrize("tool", ["whoami", "awhoami"])
def test_context_is_injected(call: Caller, tool: str) -> None:
    value = call(tool, {}).value
    assert value["surface"] == "python" and value["transport"] == "inprocess" and value["tool"] == tool
    assert len(value["id"]) == 16
    given = ToolContext(request_id="abc", surface="rest", transport="asgi")
    assert call(tool, {}, given).value == {"surface": "rest", "transport": "asgi", "tool": tool, "id": "abc"}


def test_the_context_parameter_cannot_be_passed_as_an_argument() -> None:
    outcome = call_sync("whoami", {"ctx": {}})
    assert outcome.error is not None and outcome.error.kind == "invalid_arguments"


def test_call_refuses_inside_a_running_loop() -> None:
    async def inside() -> None:
        with pytest.raises(diplex.BridgeError, match=r"await registry\.acall"):
            registry.call("add", {"a": 1})

    drive(inside())


def test_outcome_equality_and_repr() -> None:
    assert diplex.Outcome(1) == diplex.Outcome(1) and diplex.Outcome(1) != diplex.Outcome(2)
    assert repr(diplex.Outcome(1)) == "Outcome(value=1)"
    assert "not_found" in repr(call_sync("nope"))


# -- timeouts -----------------------------------------------------------------------------------

release = threading.Event()
timeouts = diplex.Registry("timeouts")


@timeouts.tool(timeout=0.2)
def blocked() -> None:
    release.wait(30)


@timeouts.tool(timeout=0.2)
async def ablocked() -> None:
    await asyncio.sleep(30)


@timeouts.tool
def patient() -> str:
    time.sleep(30)
    return "done"


@pytest.fixture(autouse=True)
def _release_threads() -> Any:
    yield
    release.set()
    release.clear()


def timed(fn: Callable[[], diplex.Outcome]) -> tuple[diplex.Outcome, float]:
    start = time.monotonic()
    outcome = fn()
    return outcome, time.monotonic() - start


@pytest.mark.parametrize("tool", ["blocked", "ablocked"])
def test_tool_timeout_through_call(tool: str) -> None:
    outcome, took = timed(lambda: timeouts.call(tool))
    assert outcome.error is not None and outcome.error.kind == "timeout"
    assert took < 5


@pytest.mark.parametrize("tool", ["blocked", "ablocked"])
def test_tool_timeout_through_acall(tool: str) -> None:
    outcome, took = timed(lambda: drive(timeouts.acall(tool)))
    assert outcome.error is not None and outcome.error.kind == "timeout"
    assert took < 5


def test_context_deadline_applies_to_a_tool_without_its_own_timeout() -> None:
    outcome, took = timed(lambda: timeouts.call("patient", context=ToolContext(timeout=0.2)))
    assert outcome.error is not None and outcome.error.kind == "timeout" and took < 5


def test_a_deadline_already_past_times_out_without_calling() -> None:
    outcome = timeouts.call("patient", context=ToolContext(deadline=time.monotonic() - 1))
    assert outcome.error is not None and outcome.error.kind == "timeout"
    outcome = drive(timeouts.acall("patient", context=ToolContext(deadline=time.monotonic() - 1)))
    assert outcome.error is not None and outcome.error.kind == "timeout"


def test_context_rejects_deadline_and_timeout_together() -> None:
    with pytest.raises(ValueError, match="not both"):
        ToolContext(deadline=1.0, timeout=1.0)
    assert ToolContext().remaining() is None
    remaining = ToolContext(timeout=10).remaining()
    assert remaining is not None and 0 < remaining <= 10
