"""The invoker's ``arguments_json``: arguments as JSON text (a request body) validate exactly
as the same arguments given as a dict, without being parsed and re-dumped."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import diplex
from diplex.invoke import _MAYBE_NOT_FINITE, FieldError, _maybe_not_finite, invoke, invoke_async
from diplex.runtime import drive

registry = diplex.Registry("arguments-json")


@registry.tool
def echo(x: Any = None, y: float = 0.0, s: str = "", n: int = 0) -> Any:
    return [x, y, s, n]


SAME_AS_A_DICT = [
    b'{"x": {"a": [1, 2.5, "\\u00e9", null, true]}}',
    b'  {"s": "NaN", "n": 3}  ',
    b'{"s": "e123 Infinity"}',  # a guard's false alarm: the slower path, the same answer
    b'{"n": 123456789012345678901234567890123456789}',
    b'{"y": 1.5e300}',
    b'{"s": "a", "s": "b"}',  # the last duplicate wins, as in json.loads
    b'{"n": "3"}',  # strict: no coercion from strings
    b'{"z": 1}',
    b"{}",
]


@pytest.mark.parametrize("body", SAME_AS_A_DICT)
def test_json_text_gives_what_the_same_dict_gives(body: bytes) -> None:
    expected = invoke(registry.tools, "echo", json.loads(body))
    assert invoke(registry.tools, "echo", None, arguments_json=body) == expected
    assert drive(invoke_async(registry.tools, "echo", None, arguments_json=body)) == expected


@pytest.mark.parametrize(
    "body",
    [
        b'{"x": NaN}',
        b'{"x": Infinity}',
        b'{"x": -Infinity}',
        b'{"x": 1e400}',
        b'{"y": 1' + b"0" * 400 + b".0}",
        # The same in longer texts, which the guard reads another way.
        b'{"s": "' + b"padding " * 20 + b'", "x": [1, 2, NaN]}',
        b'{"s": "' + b"padding " * 20 + b'", "x": {"deep": -Infinity}}',
        b'{"s": "' + b"padding " * 20 + b'", "y": 2E+400}',
        b'{"s": "' + b"padding " * 20 + b'", "y": 2e400}',
    ],
)
def test_numbers_json_cannot_carry_are_refused(body: bytes) -> None:
    error = invoke(registry.tools, "echo", None, arguments_json=body).error
    assert error is not None
    assert error.kind == "invalid_arguments"
    assert error.details == (FieldError((), "non-finite numbers are not JSON", "json_invalid"),)


@pytest.mark.parametrize("body", [b"[1]", b"null", b'"x"', b"", b"5"])
def test_text_that_is_not_an_object_is_refused_as_a_dict_would_be(body: bytes) -> None:
    error = invoke(registry.tools, "echo", None, arguments_json=body).error
    assert error == invoke(registry.tools, "echo", [1]).error


@pytest.mark.parametrize(
    "body",
    [b'{"s": "\xff"}', b'{"s": "\\ud800"}', b'{"s": 1} trailing', b"{", b'{"s": "NaN"} trailing'],
)
def test_text_that_is_not_json_is_refused_with_a_json_invalid_detail(body: bytes) -> None:
    error = invoke(registry.tools, "echo", None, arguments_json=body).error
    assert error is not None
    assert error.kind == "invalid_arguments"
    assert [(d.loc, d.type) for d in error.details] == [((), "json_invalid")]


def test_an_unknown_tool_is_not_found_whatever_the_text() -> None:
    error = invoke(registry.tools, "nosuch", None, arguments_json=b"not json").error
    assert error is not None
    assert error.kind == "not_found"


_PIECES = st.sampled_from(
    [b"NaN", b"Infinity", b"Na", b"Inf", b"e", b"E", b"+", b"-", b".", b" ", b'"', b"a", b"N", b"I"]
)
_DIGIT_RUNS = st.integers(1, 120).map(lambda n: b"7" * n)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_PIECES, _DIGIT_RUNS, st.binary(max_size=3)), max_size=60))
def test_the_non_finite_guard_finds_what_its_regex_finds(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    assert _maybe_not_finite(data) == (_MAYBE_NOT_FINITE.search(data) is not None)
