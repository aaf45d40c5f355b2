"""The cases a check sends: a tool's declared examples, generated arguments, generated invalid ones.

Generation is Hypothesis driven by a seed, so ``seed=S`` gives the same cases on every run (on
the same Hypothesis version). Invalid arguments are valid ones with one thing broken:

    missing      a required argument left out
    unknown      an argument the schema does not declare (when it forbids extra ones)
    wrong_type   one argument replaced by a value of a JSON type its schema does not admit
    not_object   the arguments are not a JSON object at all
"""

from __future__ import annotations

import dataclasses
import json
import math
import zlib
from collections.abc import Iterable, Mapping
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as seed_with
from hypothesis import strategies as st

from diplex.tool import MISSING, Tool

from .strategies import JSON_TYPES, arguments, json_types, not_object

__all__ = ["INVALID_KINDS", "UNKNOWN_TOOL", "Case", "cases_for", "unknown_tool_case"]

INVALID_KINDS = ("missing", "unknown", "wrong_type", "not_object")
UNKNOWN_TOOL = "diplex-check.no-such-tool"

# One value of each JSON type, to put where a schema admits other types only.
_OF_TYPE: Mapping[str, Any] = {
    "null": None,
    "boolean": True,
    "integer": 7,
    "number": 1.5,
    "string": "not this",
    "array": [1, "two"],
    "object": {"not": "this"},
}


@dataclasses.dataclass(frozen=True)
class Case:
    """One call to make on every surface.

    ``label`` says where it came from (``example 1``, ``generated 4``, ``invalid: missing 'a'``);
    ``expected`` is an example's declared result as JSON (``MISSING`` when none was given).
    """

    tool: str
    arguments: Any
    label: str
    expected: Any = MISSING
    invalid: bool = False

    @property
    def has_expected(self) -> bool:
        return self.expected is not MISSING


def unknown_tool_case() -> Case:
    """A call of a tool that does not exist: every surface must answer ``not_found``."""
    return Case(UNKNOWN_TOOL, {}, "unknown tool", invalid=True)


def cases_for(tool: Tool, examples: int, seed: int, invalid: Iterable[str] = INVALID_KINDS) -> list[Case]:
    """The tool's declared examples, ``examples`` generated argument sets, and invalid ones."""
    cases = [
        Case(
            tool.name,
            dict(example.arguments),
            f"example {number}",
            tool.serializer.to_json(example.result) if example.has_result else MISSING,
        )
        for number, example in enumerate(tool.examples, 1)
    ]
    if examples <= 0:
        return cases
    schema = tool.input_schema
    tool_seed = seed ^ zlib.crc32(tool.name.encode())
    for number, value in enumerate(draw(arguments(schema), examples, tool_seed), 1):
        cases.append(Case(tool.name, value, f"generated {number}"))
    per_kind = max(1, math.ceil(examples / 8))
    wanted = set(invalid)
    for offset, (kind, strategy) in enumerate(_invalid_strategies(schema).items(), 1):
        if kind not in wanted:
            continue
        for label, value in draw(strategy, per_kind, tool_seed + offset):
            cases.append(Case(tool.name, value, f"invalid ({kind}): {label}", invalid=True))
    return cases


def draw(strategy: st.SearchStrategy[Any], count: int, seed: int) -> list[Any]:
    """Up to ``count`` distinct values of ``strategy``, the same ones for the same seed."""
    found: dict[str, Any] = {}

    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @seed_with(seed)
    @given(strategy)
    def collect(value: Any) -> None:
        found.setdefault(json.dumps(value, sort_keys=True), value)

    collect()
    return list(found.values())[:count]


def _invalid_strategies(schema: Mapping[str, Any]) -> dict[str, st.SearchStrategy[tuple[str, Any]]]:
    valid = arguments(schema)
    props: Mapping[str, Any] = schema.get("properties", {})
    required = [name for name in schema.get("required", []) if isinstance(name, str)]
    found: dict[str, st.SearchStrategy[tuple[str, Any]]] = {}
    if required:
        found["missing"] = st.tuples(valid, st.sampled_from(required)).map(
            lambda drawn: (f"missing {drawn[1]!r}", {k: v for k, v in drawn[0].items() if k != drawn[1]})
        )
    if schema.get("additionalProperties") is False:
        extra = next(f"unexpected_{n}" for n in range(len(props) + 1) if f"unexpected_{n}" not in props)
        found["unknown"] = valid.map(lambda args: (f"unknown {extra!r}", {**args, extra: 1}))
    wrong = {name: _wrong_values(sub, schema) for name, sub in props.items()}
    wrong = {name: values for name, values in wrong.items() if values}
    if wrong:
        found["wrong_type"] = st.sampled_from(sorted(wrong)).flatmap(
            lambda name: st.tuples(valid, st.sampled_from(wrong[name])).map(
                lambda drawn: _replace(drawn[0], name, drawn[1])
            )
        )
    found["not_object"] = not_object().map(lambda value: (f"{type(value).__name__} arguments", value))
    return found


def _wrong_values(schema: Any, root: Mapping[str, Any]) -> list[Any]:
    if not isinstance(schema, Mapping):
        return []
    admitted = json_types(schema, root)
    if admitted is None:
        return []
    return [_OF_TYPE[t] for t in JSON_TYPES if t not in admitted]


def _replace(args: dict[str, Any], name: str, value: Any) -> tuple[str, Any]:
    return f"{name!r} = {json.dumps(value)}", {**args, name: value}
