"""``diplex.testing.check``: every surface agrees, and a surface that does not is pointed at."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from examples import tools

import diplex.mcp.results
import diplex.rest.exchange
from diplex import Outcome, ToolContext
from diplex.testing import SURFACES, CheckError, check
from diplex.testing.surfaces import IN_PROCESS
from diplex.wire import HttpResponse

from . import registries
from .conftest import AGREED_INVALID


@pytest.mark.usefixtures("example_db")
def test_every_surface_agrees_on_the_example_tools() -> None:
    report = check(tools.registry, examples=10, seed=0, invalid=AGREED_INVALID)
    assert report.ok, report.render()
    assert report.surfaces == list(IN_PROCESS)
    assert [t.name for t in report.tools][:-1] == list(tools.registry.tools)
    shape_only = {t.name for t in report.tools if not t.deterministic}
    assert shape_only == {"add_note", "list_notes", "count_notes"}
    assert "add_note (shape)" in report.table()


def test_every_surface_agrees_on_every_parameter_and_return_type() -> None:
    report = check(registries.typed, examples=12, seed=1, invalid=AGREED_INVALID)
    assert report.ok, report.render()
    assert all(t.cases >= 2 for t in report.tools[:-1])  # (the last: one call of an unknown tool)


def test_every_outcome_kind_agrees() -> None:
    """Tool errors (any 4xx status), internal errors, bad results, timeouts, varying results."""
    report = check(registries.outcomes, examples=3, seed=0, invalid=AGREED_INVALID)
    assert report.ok, report.render()


def test_invalid_inputs_are_refused_with_the_same_kind_everywhere() -> None:
    report = check(registries.typed, examples=16, seed=2, invalid=AGREED_INVALID)
    assert report.ok, report.render()
    from diplex.testing import cases_for

    kinds = set()
    for tool in registries.typed:
        for case in cases_for(tool, 16, 2, AGREED_INVALID):
            if case.invalid:
                error = registries.typed.call(case.tool, case.arguments).error
                assert error is not None and error.kind == "invalid_arguments", case  # the reference refused
                kinds.add(case.label.split(")")[0])
    assert kinds == {"invalid (missing", "invalid (unknown", "invalid (wrong_type", "invalid (not_object"}


def test_not_object_arguments_are_refused_alike_by_every_surface() -> None:
    report = check(registries.typed, examples=2, seed=0, invalid=["not_object"])
    assert report.ok, report.render()
    assert sum(tool.cases for tool in report.tools) > 0


def test_an_example_with_a_wrong_expected_result_is_caught_on_every_surface() -> None:
    report = check(registries.wrong_example, examples=0)
    assert not report.ok
    assert {m.surface for m in report.mismatches} == set(IN_PROCESS)
    first = report.mismatches[0]
    assert (first.expected_from, first.expected.value, first.got.value) == ("example", 5, 4)
    assert first.case.label == "example 1"


def test_a_varying_tool_not_marked_nondeterministic_is_caught() -> None:
    report = check(registries.unmarked, examples=1, invalid=())
    assert not report.ok
    assert {m.reason for m in report.mismatches} == {"value differs"}


def _round_floats(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 1)
    if isinstance(value, dict):
        return {k: _round_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_round_floats(v) for v in value]
    return value


@pytest.mark.usefixtures("example_db")
def test_a_rest_serializer_that_rounds_floats_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    real = diplex.rest.exchange.render  # how the REST exchange turns an outcome into a response

    def rounding(outcome: Outcome, context: ToolContext) -> HttpResponse:
        return real(outcome if not outcome.ok else Outcome(_round_floats(outcome.value)), context)

    monkeypatch.setattr("diplex.rest.exchange.render", rounding)
    report = check(tools.registry, examples=10, seed=0, invalid=())
    assert not report.ok
    divide = next(t for t in report.tools if t.name == "divide")
    assert divide.differences > 0
    surfaces = {m.surface for m in divide.mismatches}
    assert surfaces == {"rest", "lambda-http-v2-rest", "lambda-rest-v1"}
    assert {t.name for t in report.tools if t.differences} <= {"divide", "convert_temperature"}
    first = divide.mismatches[0]
    assert first.reason == "value differs"
    text = report.diffs()
    assert f"x divide: rest, lambda-http-v2-rest, lambda-rest-v1 differ on {first.case.label}" in text
    assert json.dumps(first.case.arguments, sort_keys=True) in text


@pytest.mark.usefixtures("example_db")
def test_an_mcp_path_that_drops_a_field_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    real = diplex.mcp.results.call_result

    def dropping(*args: Any) -> Any:
        result = real(*args)
        content = result.get("structuredContent")
        if isinstance(content, dict) and "unit" in content:
            result["structuredContent"] = {k: v for k, v in content.items() if k != "unit"}
        return result

    monkeypatch.setattr("diplex.mcp.protocol.call_result", dropping)
    report = check(tools.registry, examples=4, seed=0, invalid=())
    assert {t.name for t in report.tools if t.differences} == {"convert_temperature"}
    mcp = {"mcp-2026-07-28", "mcp-2025-11-25", "lambda-http-v2-mcp", "lambda-mcp-message"}
    assert {m.surface for m in report.mismatches} == mcp
    assert "unit" in json.dumps(report.mismatches[0].expected.value)
    assert "unit" not in json.dumps(report.mismatches[0].got.value)


def test_a_nondeterministic_result_that_breaks_its_schema_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    real = diplex.mcp.results.call_result

    def stringly(*args: Any) -> Any:
        result = real(*args)
        if result.get("structuredContent") in range(1, 7):
            result["structuredContent"] = str(result["structuredContent"])
        return result

    monkeypatch.setattr("diplex.mcp.protocol.call_result", stringly)
    report = check(registries.outcomes, examples=1, surfaces=["python", "mcp-2026-07-28"], invalid=())
    assert [(m.tool, m.surface, m.reason) for m in report.mismatches] == [
        ("roll", "mcp-2026-07-28", "output does not fit the schema")
    ]


def test_a_deployment_is_checked_by_url() -> None:
    from diplex.rest import create_app

    app = create_app(registries.typed)
    report = check(
        registries.typed,
        examples=3,
        url="http://deployed.example/",
        transport=httpx.ASGITransport(app=app),
        surfaces=["python", "url-rest", "url-mcp"],
        invalid=AGREED_INVALID,
    )
    assert report.ok, report.render()
    assert report.surfaces == ["python", "url-rest", "url-mcp"]


def test_an_unreachable_url_is_a_check_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(CheckError, match=r"cannot reach http://nowhere\.example"):
        check(registries.wrong_example, url="http://nowhere.example", transport=httpx.MockTransport(refuse))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"surfaces": ["rest", "telegraph"]}, "unknown surfaces"),
        ({"surfaces": ["url-rest"]}, "need a url"),
        ({"invalid": ["sideways"]}, "unknown invalid kinds"),
        ({"examples": -1}, "0 or more"),
    ],
)
def test_bad_options_are_check_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(CheckError, match=message):
        check(registries.wrong_example, **options)


def test_the_json_report_says_what_differed(tmp_path: Path) -> None:
    report = check(registries.wrong_example, examples=0)
    report.write_json(tmp_path / "report.json")
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["ok"] is False and data["differences"] == len(IN_PROCESS)
    add = data["tools"][0]
    assert add["name"] == "add" and add["surfaces"]["rest"] == {"cases": 1, "differ": 1}
    mismatch = add["mismatches"][0]
    assert mismatch["case"] == {"label": "example 1", "arguments": {"a": 2, "b": 2}, "invalid": False}
    assert mismatch["expected"]["value"] == 5 and mismatch["got"]["value"] == 4


def test_the_progress_bar_counts_every_call() -> None:
    stream = io.StringIO()
    report = check(
        registries.wrong_example, examples=0, surfaces=["python", "rest"], progress=True, stream=stream
    )
    calls = sum(t.cases for t in report.tools) * 2
    assert f"{calls}/{calls} calls" in stream.getvalue()
    assert stream.getvalue().endswith("\r")


def test_surfaces_lists_every_surface_name() -> None:
    assert set(SURFACES) == set(IN_PROCESS) | {"url-rest", "url-mcp"}
