"""The example tool set behaves as the README says, and keeps its connection across calls."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from examples import tools

from diplex.runtime import drive


@pytest.fixture(autouse=True)
def _fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DIPLEX_EXAMPLE_DB", str(tmp_path / "notes.db"))
    drive(tools.close_db())
    yield
    drive(tools.close_db())


def test_declared_examples_give_their_expected_results() -> None:
    for tool in tools.registry:
        for example in tool.examples:
            outcome = tools.registry.call(tool.name, dict(example.arguments))
            assert outcome.ok, (tool.name, outcome)
            if example.has_result:
                assert outcome.value == example.result


def test_divide_by_zero_is_a_tool_error() -> None:
    error = tools.registry.call("divide", {"a": 1, "b": 0}).error
    assert error is not None and error.kind == "tool_error" and error.message == "cannot divide by zero"


def test_structured_result() -> None:
    outcome = tools.registry.call(
        "convert_temperature", {"value": 100, "from_unit": "celsius", "to_unit": "kelvin"}
    )
    assert outcome.value == {"value": 373.15, "unit": "kelvin"}
    below = tools.registry.call(
        "convert_temperature", {"value": -500, "from_unit": "celsius", "to_unit": "kelvin"}
    )
    assert below.error is not None and below.error.kind == "tool_error"


def test_greet_validates_its_annotated_constraints() -> None:
    assert tools.registry.call("greet", {"name": "Ada", "excited": True}).value == "Hello, Ada!"
    error = tools.registry.call("greet", {"name": ""}).error
    assert error is not None and error.kind == "invalid_arguments"


def test_the_notebook_connection_survives_between_sync_and_async_calls() -> None:
    first = tools.registry.call("add_note", {"text": "one"}).value
    connection = tools._connection
    second = drive(tools.registry.acall("add_note", {"text": "two"})).value
    assert tools._connection is connection is not None
    assert second["id"] == first["id"] + 1
    assert tools.registry.call("count_notes").value == 2
    assert [n["text"] for n in tools.registry.call("list_notes", {"limit": 5}).value] == ["two", "one"]
    asyncio.run(asyncio.sleep(0))  # a stray asyncio.run() between calls changes nothing
    assert tools.registry.call("count_notes").value == 2
