"""Signatures, hints and docstrings become the published JSON Schemas."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import ipaddress
import pathlib
import typing
import uuid
from typing import Annotated, Any, Literal, NamedTuple, Optional, Union

import annotated_types
import pydantic
import pytest
from typing_extensions import TypedDict

import diplex
from diplex.schema import parse_docstring


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Movie(TypedDict):
    title: str
    year: int


class User(pydantic.BaseModel):
    name: str
    age: int = 0


class Pair(NamedTuple):
    left: int
    right: str


def schema_of(fn: Any) -> dict[str, Any]:
    registry = diplex.Registry()
    return registry.add(fn).input_schema


def prop(fn: Any, name: str = "x") -> dict[str, Any]:
    schema = schema_of(fn)
    value: dict[str, Any] = schema["properties"][name]
    value.pop("title", None)
    return value


def test_primitives_map_to_json_types() -> None:
    def f(i: int, n: float, s: str, b: bool, a: Any) -> None: ...

    props = schema_of(f)["properties"]
    assert props["i"]["type"] == "integer"
    assert props["n"]["type"] == "number"
    assert props["s"]["type"] == "string"
    assert props["b"]["type"] == "boolean"
    assert "type" not in props["a"]


def test_optional_is_nullable_and_not_required_when_defaulted() -> None:
    def f(x: Optional[int] = None) -> None: ...  # noqa: UP045 - the typing spelling is what we test

    schema = schema_of(f)
    assert schema["properties"]["x"]["anyOf"] == [{"type": "integer"}, {"type": "null"}]
    assert schema["properties"]["x"]["default"] is None
    assert "required" not in schema


def test_pep604_union() -> None:
    def f(x: int | str) -> None: ...

    assert prop(f)["anyOf"] == [{"type": "integer"}, {"type": "string"}]


def test_literal_becomes_enum() -> None:
    def f(x: Literal["a", "b"]) -> None: ...

    assert prop(f)["enum"] == ["a", "b"]


def test_enums_become_definitions() -> None:
    def f(x: Color, y: Level) -> None: ...

    schema = schema_of(f)
    assert schema["$defs"]["Color"]["enum"] == ["red", "green"]
    assert schema["$defs"]["Level"]["enum"] == [1, 2]


def test_containers() -> None:
    def f(x: list[int], y: dict[str, float], z: tuple[int, str], w: set[str]) -> None: ...

    props = schema_of(f)["properties"]
    assert props["x"]["items"] == {"type": "integer"}
    assert props["y"]["additionalProperties"] == {"type": "number"}
    assert props["z"]["prefixItems"] == [{"type": "integer"}, {"type": "string"}]
    assert props["w"]["type"] == "array" and "uniqueItems" not in props["w"]  # duplicates are merged


def test_datetimes_uuids_decimals_use_string_formats() -> None:
    def f(
        x: datetime.datetime, d: datetime.date, u: uuid.UUID, t: datetime.timedelta, m: decimal.Decimal
    ) -> None: ...

    props = schema_of(f)["properties"]
    assert props["x"]["format"] == "date-time"
    assert props["d"]["format"] == "date"
    assert props["u"]["format"] == "uuid"
    assert props["t"]["format"] == "duration"
    assert "anyOf" in props["m"] or props["m"]["type"] in ("number", "string")


def test_dataclass_typeddict_model_namedtuple() -> None:
    def f(p: Point, m: Movie, u: User, t: Pair) -> None: ...

    schema = schema_of(f)
    assert schema["$defs"]["Point"]["required"] == ["x", "y"]
    assert schema["$defs"]["Movie"]["properties"]["year"]["type"] == "integer"
    assert schema["$defs"]["User"]["properties"]["age"]["default"] == 0
    assert schema["$defs"]["Pair"]["type"] == "array"


def test_no_parameters_gives_the_empty_object_schema() -> None:
    def f() -> int:
        return 1

    assert schema_of(f) == {"type": "object", "additionalProperties": False}


def test_arguments_object_is_closed_and_lists_required() -> None:
    def f(a: int, b: int = 3) -> None: ...

    schema = schema_of(f)
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["a"]
    assert schema["properties"]["b"]["default"] == 3


def test_unannotated_parameter_accepts_any_json() -> None:
    def f(x) -> None:  # type: ignore[no-untyped-def]
        ...

    assert prop(f) == {}


def test_annotated_field_description_and_constraints() -> None:
    def f(x: Annotated[int, pydantic.Field(description="How many.", ge=1, le=9)]) -> None: ...

    assert prop(f) == {"type": "integer", "description": "How many.", "minimum": 1, "maximum": 9}


def test_context_parameter_is_not_in_the_schema() -> None:
    def f(a: int, ctx: diplex.ToolContext) -> None: ...

    registry = diplex.Registry()
    tool = registry.add(f)
    assert list(tool.input_schema["properties"]) == ["a"]
    assert tool.signature.context_param == "ctx"


def test_output_schema_from_return_annotation() -> None:
    registry = diplex.Registry()

    def count() -> int:
        return 1

    def user() -> User:
        return User(name="a")

    def nothing() -> None: ...

    def unannotated():  # type: ignore[no-untyped-def]
        return 1

    assert registry.add(count).output_schema == {"type": "integer"}
    user_schema = registry.add(user).output_schema
    assert user_schema is not None
    assert user_schema["properties"]["name"]["type"] == "string"
    assert registry.add(nothing).output_schema is None
    assert registry.add(unannotated).output_schema is None


def test_schemas_are_built_lazily_and_cached() -> None:
    registry = diplex.Registry()

    def f(a: int) -> int:
        return a

    tool = registry.add(f)
    assert "validator" not in vars(tool) and "serializer" not in vars(tool)
    assert tool.input_schema is tool.input_schema
    assert "validator" in vars(tool) and "serializer" not in vars(tool)
    assert tool.build().serializer is tool.serializer and "serializer" in vars(tool)
    assert "schema" in vars(tool.serializer)


def test_a_call_writes_no_json_schema_until_one_is_asked_for() -> None:
    registry = diplex.Registry()

    @registry.tool
    def f(a: int, b: list[int] | None = None) -> dict[str, int]:
        return {"a": a}

    tool = registry.tools["f"]
    assert registry.call("f", {"a": 1}).value == {"a": 1}
    assert "validator" in vars(tool) and "serializer" in vars(tool)
    assert "schema" not in vars(tool.validator) and "schema" not in vars(tool.serializer)
    assert tool.input_schema["properties"]["b"]["default"] is None  # written in full when asked
    assert tool.input_schema["additionalProperties"] is False and "title" not in tool.input_schema
    assert tool.output_schema == {"type": "object", "additionalProperties": {"type": "integer"}}


def test_google_docstring() -> None:
    doc = """Do a thing.

    More words about it.

    Args:
        first (int): The first one,
            continued here.
        second: The second.
        **rest: Ignored.

    Returns:
        Something.
    """
    description, params = parse_docstring(doc)
    assert description == "Do a thing.\n\nMore words about it."
    assert params == {"first": "The first one, continued here.", "second": "The second.", "rest": "Ignored."}


def test_numpy_docstring() -> None:
    doc = """Do a thing.

    Parameters
    ----------
    first : int
        The first one,
        continued.
    a, b : str
        Two at once.

    Returns
    -------
    int
    """
    description, params = parse_docstring(doc)
    assert description == "Do a thing."
    assert params == {"first": "The first one, continued.", "a": "Two at once.", "b": "Two at once."}


def test_docstring_without_sections() -> None:
    assert parse_docstring("Just a line.") == ("Just a line.", {})
    assert parse_docstring(None) == (None, {})
    assert parse_docstring("") == (None, {})


def test_docstring_descriptions_land_in_the_schema() -> None:
    def f(a: int, b: Annotated[int, pydantic.Field(description="From Annotated.")]) -> None:
        """Sum.

        Args:
            a: From the docstring.
            b: Overridden by Annotated.
        """

    schema = schema_of(f)
    assert schema["properties"]["a"]["description"] == "From the docstring."
    assert schema["properties"]["b"]["description"] == "From Annotated."


def test_union_of_models() -> None:
    def f(x: Union[Point, User]) -> None: ...  # noqa: UP007 - the typing spelling is what we test

    assert len(prop(f)["anyOf"]) == 2


def test_a_parameter_named_like_a_keyword_keeps_its_schema() -> None:
    def f(uniqueItems: bool, items: set[int]) -> None: ...  # the name is the point

    props = schema_of(f)["properties"]
    assert props["uniqueItems"]["type"] == "boolean"
    assert "uniqueItems" not in props["items"]


def test_standard_library_value_types_are_describable() -> None:
    def f(host: ipaddress.IPv4Address, net: ipaddress.IPv6Network, where: pathlib.Path) -> None: ...

    props = schema_of(f)["properties"]
    assert props["host"]["format"] == "ipv4"
    assert props["net"]["format"] == "ipv6network"
    assert props["where"]["format"] == "path"


# -- type hints of string annotations (this module has `from __future__ import annotations`) ----


def hinted_plainly(
    a: int,
    b: str | None,
    c: list[float],
    d: dict[str, Any],
    e: Annotated[int, annotated_types.Gt(0)],
    f: Literal["x", "y"],
    g: Point,
    h: Optional[datetime.date] = None,  # noqa: UP045 - the typing spelling, on purpose
) -> None:
    raise NotImplementedError


def hinted_with_a_quote_inside(points: list["Point"]) -> dict[str, "Point"]:  # noqa: UP037
    raise NotImplementedError


@pytest.mark.parametrize("fn", [hinted_plainly, hinted_with_a_quote_inside])
def test_string_annotations_resolve_as_get_type_hints_resolves_them(fn: Any) -> None:
    from diplex.schema import _type_hints

    assert all(isinstance(a, str) for a in fn.__annotations__.values())  # the shortcut's case
    assert _type_hints(fn) == typing.get_type_hints(fn, include_extras=True)


def test_many_tools_with_the_same_string_annotations_compile_each_string_once() -> None:
    from diplex.schema import _compiled

    registry = diplex.Registry()
    _compiled.cache_clear()
    for i in range(50):
        registry.add(hinted_plainly, name=f"tool_{i}")
    assert _compiled.cache_info().misses == len(hinted_plainly.__annotations__)
    assert registry.get("tool_49").input_schema == registry.get("tool_0").input_schema  # type: ignore[union-attr]
