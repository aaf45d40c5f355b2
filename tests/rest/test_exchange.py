"""The framework-free REST exchange: what the Lambda handler will call, sync and async alike."""

from __future__ import annotations

import asyncio
import json

import pytest

import diplex
from diplex import ToolContext
from diplex.invoke import Failure, FieldError, Outcome
from diplex.rest import RestEndpoint
from diplex.rest.exchange import is_json_media_type, render
from diplex.runtime import drive

from . import registries

endpoint = RestEndpoint(registries.outcomes.tools, transport="lambda")

CASES = [
    ("echo_sync", b'{"x": 3}', 200, 3),
    ("echo_async", b'{"x": 3}', 200, 3),
    (
        "refuse_sync",
        b'{"status": 418}',
        418,
        {"detail": "refused on purpose", "kind": "tool_error", "data": {"why": "a test"}},
    ),
    ("nosuch", b"{}", 404, {"detail": "unknown tool 'nosuch'", "kind": "not_found"}),
    ("echo_sync", b"[]", 400, {"detail": "arguments must be a JSON object", "kind": "invalid_arguments"}),
    (
        "echo_sync",
        b"{}",
        422,
        {
            "detail": [{"loc": ["body", "x"], "msg": "Field required", "type": "missing"}],
            "kind": "invalid_arguments",
        },
    ),
]


@pytest.mark.parametrize(("tool", "body", "status", "answer"), CASES)
def test_the_sync_call_answers_like_the_async_one(
    tool: str, body: bytes, status: int, answer: object
) -> None:
    sync = endpoint.call(tool, "application/json", body)
    asynchronous = drive(endpoint.call_async(tool, "application/json", body))
    for response in (sync, asynchronous):
        assert (response.status, json.loads(response.body)) == (status, answer)
        assert response.headers == [("content-type", "application/json")]


def test_the_sync_call_runs_a_sync_tool_on_the_calling_thread_under_its_deadline() -> None:
    registries.release.clear()
    try:
        response = endpoint.call("hang_sync", None, b"")
    finally:
        registries.release.set()
    assert response.status == 504


def test_the_endpoints_timeout_bounds_every_call() -> None:
    patient = RestEndpoint(registries.outcomes.tools, timeout=0.05)
    response = drive(patient.call_async("nap", None, b'{"seconds": 5}'))
    assert response.status == 504


def test_the_context_is_a_rest_context_with_the_given_request_id() -> None:
    context = endpoint.context(request_id="abc", deadline=1.0)
    assert (context.surface, context.transport, context.request_id, context.deadline) == (
        "rest",
        "lambda",
        "abc",
        1.0,
    )


@pytest.mark.parametrize(
    ("content_type", "json_like"),
    [
        (None, True),
        ("application/json", True),
        ("Application/JSON; charset=utf-8", True),
        ("application/merge-patch+json", True),
        ("text/json", False),
        ("text/plain", False),
        ("", False),
    ],
)
def test_json_media_types(content_type: str | None, json_like: bool) -> None:
    assert is_json_media_type(content_type) is json_like


@pytest.mark.parametrize(
    ("failure", "status"),
    [
        (Failure("timeout", "late", request_id="r"), 504),
        (Failure("internal", "internal error (request id r)", request_id="r"), 500),
        (Failure("tool_error", "no", status=None), 400),
        (Failure("invalid_arguments", "not JSON", (FieldError((), "bad", "json_invalid"),)), 400),
        (Failure("invalid_arguments", "not JSON data"), 400),
        (Failure("invalid_arguments", "bad", (FieldError(("a", 0), "bad", "int_type"),)), 422),
    ],
)
def test_each_failure_kind_has_its_status(failure: Failure, status: int) -> None:
    assert render(Outcome(error=failure), ToolContext()).status == status


def test_a_tool_errors_data_that_is_not_json_answers_500() -> None:
    response = render(Outcome(error=Failure("tool_error", "no", data=object())), ToolContext(request_id="r"))
    assert (response.status, json.loads(response.body)["request_id"]) == (500, "r")


def test_sets_and_recursive_models_are_served() -> None:
    sets = RestEndpoint(registries.sets.tools)
    assert json.loads(sets.call("distinct", None, b'{"unique": [3, 1], "frozen": ["a"]}').body) == [1, 3, 1]
    recursive = RestEndpoint(registries.recursive.tools)
    body = b'{"tree": {"label": "a", "children": [{"label": "b", "children": [{"label": "c"}]}]}}'
    assert json.loads(recursive.call("depth", None, body).body) == 3


def test_a_late_tool_is_served_by_the_endpoint() -> None:
    registry = diplex.Registry()
    late = RestEndpoint(registry.tools)
    registry.add(lambda: "here", name="late")
    assert asyncio.run(late.call_async("late", None, b"")).body == b'"here"'


@pytest.mark.parametrize("timeout", [0, -1, True])
def test_a_timeout_must_be_positive(timeout: float) -> None:
    with pytest.raises(ValueError, match="timeout"):
        RestEndpoint({}, timeout=timeout)
