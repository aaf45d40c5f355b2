"""The JSON encoder every surface answers with: compact, UTF-8, and never NaN or Infinity."""

from __future__ import annotations

import json
import math

import pytest

from diplex.wire import dumps, loads, may_name_non_finite


@pytest.mark.parametrize(
    "value",
    [
        math.nan,
        math.inf,
        -math.inf,
        {"result": {"values": [1.0, math.nan]}},
        {"Name": "Infinity", "x": math.inf},  # the words in a string, and a real one
        [{"N": 1}, {"I": -math.inf}],
    ],
)
def test_non_finite_numbers_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        dumps(value)


@pytest.mark.parametrize(
    "value",
    [
        {"text": "NaN"},
        {"text": "Infinity and beyond", "n": -1.5},
        {"NaN": "-Infinity"},
        ["I", "N", "INFINITY", "nan", 1e308],
        {"io.modelcontextprotocol/serverInfo": {"name": "Nina"}},
        "",
    ],
)
def test_the_words_inside_strings_are_fine_and_round_trip(value: object) -> None:
    data = dumps(value)
    assert loads(data) == value == json.loads(data)
    assert b" " not in data.replace(b"Infinity and beyond", b"")  # compact


def test_non_ascii_text_is_written_as_utf8() -> None:
    assert dumps({"t": "caf\u00e9 \u4e16"}) == '{"t":"caf\u00e9 \u4e16"}'.encode()


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b'{"a":1}', False),
        (b'{"N":"I","n":"infinity","nan":1}', False),  # the first letters alone, other cases
        (b"[NaN]", True),
        (b'{"t":"-Infinity"}', True),
        (b'"Na N Infinit"', False),
    ],
)
def test_the_non_finite_words_are_found_where_they_are_and_only_there(data: bytes, named: bool) -> None:
    assert may_name_non_finite(data) is named
