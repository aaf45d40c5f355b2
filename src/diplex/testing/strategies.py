"""Hypothesis strategies from a tool's JSON Schema: arguments that fit it, and ones that do not.

``hypothesis-jsonschema`` was the first choice, but its last release (0.23, 2024) fails on
current Hypothesis (``'many' object has no attribute 'more'``) and refuses recursive ``$ref``s,
which pydantic emits for recursive models. This builder covers what diplex's schemas use:
``$ref``/``$defs`` (recursion cut off by depth), ``type`` (one or a list), ``enum``, ``const``,
``anyOf``/``oneOf``/``allOf``, objects (``properties``, ``required``, ``additionalProperties``),
arrays (``items``, ``prefixItems``, ``minItems``/``maxItems``, ``uniqueItems``), bounds and
``multipleOf`` on numbers, lengths and ``pattern`` on strings, and the formats pydantic writes
(dates and times, ``uuid``, IP addresses and networks, ``binary``, ``email``, ``uri``).

Values are plain JSON data: finite numbers, string keys, no tuples.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from hypothesis import strategies as st

__all__ = ["JSON_TYPES", "arguments", "json_types", "json_values", "not_object", "resolve"]

Schema = Mapping[str, Any]
JSON_TYPES = ("null", "boolean", "integer", "number", "string", "array", "object")
_MAX_DEPTH = 3  # how deep a recursive $ref goes before only its smallest form is drawn
_MAX_ITEMS = 4  # the longest array or open object drawn, when the schema sets no bound

_finite = st.floats(allow_nan=False, allow_infinity=False)
_scalar: st.SearchStrategy[Any] = st.none() | st.booleans() | st.integers() | _finite | st.text(max_size=12)
_any_json: st.SearchStrategy[Any] = st.recursive(
    _scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def json_values() -> st.SearchStrategy[Any]:
    """Any JSON value, small."""
    return _any_json


def resolve(schema: Schema, root: Schema) -> Schema:
    """``schema`` with a local ``$ref`` (``#/$defs/X``) followed; siblings of the ``$ref`` kept."""
    seen = 0
    while "$ref" in schema and seen < 32:
        ref = schema["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise ValueError(f"only local $refs are supported, not {ref!r}")
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        seen += 1
    return schema


def json_types(schema: Schema, root: Schema) -> set[str] | None:
    """The JSON types a schema admits, or None when it admits every type (or cannot tell)."""
    schema = resolve(schema, root)
    if "const" in schema:
        return {_type_of(schema["const"])}
    if isinstance(schema.get("enum"), list):
        return {_type_of(value) for value in schema["enum"]}
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared, "integer"} if declared == "number" else {declared}
    if isinstance(declared, list):
        found = {str(t) for t in declared}
        return found | {"integer"} if "number" in found else found
    branches = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(branches, list):
        union: set[str] = set()
        for branch in branches:
            types = json_types(branch, root)
            if types is None:
                return None
            union |= types
        return union
    return None


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def arguments(schema: Schema) -> st.SearchStrategy[dict[str, Any]]:
    """Argument objects that fit a tool's input schema."""
    return _object(schema, schema, 0)


def not_object() -> st.SearchStrategy[Any]:
    """Arguments that are not a JSON object at all."""
    return st.one_of(st.lists(_scalar, max_size=3), st.integers(), st.text(max_size=8), st.booleans())


def from_schema(schema: Schema, root: Schema, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values that fit ``schema`` (whose ``$ref``s point into ``root``)."""
    if "$ref" in schema:
        if depth >= _MAX_DEPTH:
            return _smallest(resolve(schema, root), root)
        return st.deferred(lambda: from_schema(resolve(schema, root), root, depth + 1))
    if "const" in schema:
        return st.just(schema["const"])
    if isinstance(schema.get("enum"), list):
        return st.sampled_from(schema["enum"])
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            rest = {k: v for k, v in schema.items() if k != key}
            return st.one_of([from_schema({**rest, **branch}, root, depth) for branch in schema[key]])
    if isinstance(schema.get("allOf"), list):
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            merged.update(resolve(part, root))
        return from_schema(merged, root, depth)
    declared = schema.get("type")
    if isinstance(declared, list):
        return st.one_of([from_schema({**schema, "type": t}, root, depth) for t in declared])
    if declared is None:
        return _any_json
    return _BY_TYPE[declared](schema, root, depth)


def _smallest(schema: Schema, root: Schema) -> st.SearchStrategy[Any]:
    """The least-nested values of a recursive schema: objects with only their required keys."""
    if schema.get("type") == "object":
        required = schema.get("required", [])
        props = schema.get("properties", {})
        return st.fixed_dictionaries(
            {name: from_schema(props.get(name, {}), root, _MAX_DEPTH) for name in required}
        )
    if schema.get("type") == "array":
        return st.just([])
    return from_schema({k: v for k, v in schema.items() if k != "$ref"}, root, _MAX_DEPTH)


def _object(schema: Schema, root: Schema, depth: int) -> st.SearchStrategy[Any]:
    props: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    fixed = {name: from_schema(sub, root, depth) for name, sub in props.items() if name in required}
    optional = {name: from_schema(sub, root, depth) for name, sub in props.items() if name not in required}
    base = st.fixed_dictionaries(fixed, optional=optional)
    extra = schema.get("additionalProperties", True)
    if extra is False:
        return base
    values = _any_json if extra is True else from_schema(extra, root, depth)
    keys = st.text(max_size=8).filter(lambda key: key not in props)
    more = st.dictionaries(keys, values, max_size=_MAX_ITEMS)
    return st.builds(lambda known, others: {**others, **known}, base, more)


def _array(schema: Schema, root: Schema, depth: int) -> st.SearchStrategy[Any]:
    low = int(schema.get("minItems", 0))
    high = int(schema.get("maxItems", low + _MAX_ITEMS))
    prefix = schema.get("prefixItems")
    if isinstance(prefix, list):
        head = st.tuples(*(from_schema(item, root, depth) for item in prefix)).map(list)
        tail_schema = schema.get("items", {})
        if tail_schema is False or high <= len(prefix):
            return head
        tail = st.lists(from_schema(tail_schema, root, depth), max_size=high - len(prefix))
        return st.builds(lambda a, b: a + b, head, tail)
    items = from_schema(schema.get("items", {}), root, depth)
    if schema.get("uniqueItems"):
        return st.lists(items, min_size=low, max_size=high, unique_by=_canonical)
    return st.lists(items, min_size=low, max_size=high)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _integer_bounds(schema: Schema) -> tuple[int | None, int | None]:
    low = _bound(schema.get("minimum"), math.ceil)
    high = _bound(schema.get("maximum"), math.floor)
    if schema.get("exclusiveMinimum") is not None:
        low = math.floor(schema["exclusiveMinimum"]) + 1
    if schema.get("exclusiveMaximum") is not None:
        high = math.ceil(schema["exclusiveMaximum"]) - 1
    return low, high


def _integer(schema: Schema, root: Schema, depth: int) -> st.SearchStrategy[Any]:
    low, high = _integer_bounds(schema)
    values = st.integers(min_value=low, max_value=high)
    step = schema.get("multipleOf")
    return values.filter(lambda v: v % step == 0) if isinstance(step, int) and step > 0 else values


def _bound(value: Any, rounding: Callable[[float], int]) -> int | None:
    return None if value is None else rounding(value)


def _number(schema: Schema, root: Schema, depth: int) -> st.SearchStrategy[Any]:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    floats = st.floats(
        min_value=low,
        max_value=high,
        exclude_min="exclusiveMinimum" in schema,
        exclude_max="exclusiveMaximum" in schema,
        allow_nan=False,
        allow_infinity=False,
    )
    low_int, high_int = _integer_bounds(schema)
    if low_int is not None and high_int is not None and low_int > high_int:
        return floats  # no integer fits between the bounds
    return st.one_of(_integer(schema, root, depth), floats)


_FORMATS: Mapping[str, Callable[[], st.SearchStrategy[str]]] = {
    "date-time": lambda: st.datetimes(timezones=st.just(datetime.timezone.utc)).map(
        lambda d: d.isoformat().replace("+00:00", "Z")
    ),
    "date": lambda: st.dates().map(datetime.date.isoformat),
    "time": lambda: st.times().map(datetime.time.isoformat),
    "duration": lambda: st.builds(lambda d, s: f"P{d}DT{s}S", st.integers(0, 9999), st.integers(0, 86_399)),
    "uuid": lambda: st.uuids().map(str),
    "ipv4": lambda: st.ip_addresses(v=4).map(str),
    "ipv6": lambda: st.ip_addresses(v=6).map(str),
    "ipv4network": lambda: st.builds(
        lambda a, n: str(ipaddress.IPv4Network((int(a), n), strict=False)),
        st.ip_addresses(v=4),
        st.integers(0, 32),
    ),
    "ipv6network": lambda: st.builds(
        lambda a, n: str(ipaddress.IPv6Network((int(a), n), strict=False)),
        st.ip_addresses(v=6),
        st.integers(0, 128),
    ),
    "email": lambda: st.emails(),
    "uri": lambda: st.sampled_from(
        ["https://example.com/", "http://localhost:8000/a?b=c", "urn:isbn:0451450523"]
    ),
}


def _string(schema: Schema, root: Schema, depth: int) -> st.SearchStrategy[Any]:
    low = int(schema.get("minLength", 0))
    high = schema.get("maxLength")
    fmt = schema.get("format")
    pattern = schema.get("pattern")
    if isinstance(fmt, str) and fmt in _FORMATS:
        values = _FORMATS[fmt]()
    elif isinstance(pattern, str):
        if pattern.endswith("$") and not pattern.endswith("\\$"):
            pattern = pattern[:-1] + r"\Z"  # JSON Schema's "$" (ECMA) never matches before a final newline
        values = st.from_regex(re.compile(pattern))
    else:
        return st.text(min_size=low, max_size=high if high is not None else max(low, 16))
    return values.filter(lambda s: low <= len(s) and (high is None or len(s) <= high))


_BY_TYPE: Mapping[str, Callable[[Schema, Schema, int], st.SearchStrategy[Any]]] = {
    "null": lambda schema, root, depth: st.none(),
    "boolean": lambda schema, root, depth: st.booleans(),
    "integer": _integer,
    "number": _number,
    "string": _string,
    "array": _array,
    "object": _object,
}
