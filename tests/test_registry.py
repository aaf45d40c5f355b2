"""Registering tools: names, options, callables, and every refusal."""

from __future__ import annotations

import functools
import threading
from typing import Any, TypeVar

import pytest

import diplex
from diplex import RegistrationError


def test_bare_decorator_returns_the_function_and_registers_it() -> None:
    registry = diplex.Registry(name="r", version="1.2.3")

    @registry.tool
    def add(a: int, b: int) -> int:
        """Add."""
        return a + b

    assert add(1, 2) == 3
    assert "add" in registry
    assert registry["add"].description == "Add."
    assert registry.name == "r" and registry.version == "1.2.3"
    assert len(registry) == 1 and [t.name for t in registry] == ["add"]


def test_decorator_with_options() -> None:
    registry = diplex.Registry()

    @registry.tool(
        name="sum.v2",
        title="Sum",
        description="Adds.",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=False,
        tags=["math"],
        examples=[{"a": 1}, diplex.Example({"a": 2}, result=2)],
        timeout=1.5,
        inline=True,
    )
    def f(a: int) -> int:
        return a

    tool = registry["sum.v2"]
    assert tool.title == "Sum" and tool.description == "Adds."
    assert tool.annotations == diplex.ToolAnnotations(
        read_only=True, destructive=False, idempotent=True, open_world=False
    )
    assert tool.tags == ("math",)
    assert tool.examples[0] == diplex.Example({"a": 1}) and not tool.examples[0].has_result
    assert tool.examples[1].result == 2 and tool.examples[1].has_result
    assert tool.timeout == 1.5 and tool.inline


def test_add_registers_async_functions_and_callables() -> None:
    registry = diplex.Registry()

    async def fetch(url: str) -> str:
        return url

    class Multiplier:
        """Multiply by a factor."""

        def __init__(self, factor: int) -> None:
            self.factor = factor

        def __call__(self, x: int) -> int:
            return x * self.factor

    class AsyncCallable:
        async def __call__(self, x: int) -> int:
            return x

    def power(base: int, exponent: int) -> int:
        return int(base**exponent)

    assert registry.add(fetch).is_async
    times = registry.add(Multiplier(3), name="triple")
    assert not times.is_async and times.description == "Multiply by a factor."
    assert list(times.input_schema["properties"]) == ["x"]
    assert registry.add(AsyncCallable(), name="acall").is_async
    square = registry.add(functools.partial(power, exponent=2), name="square")
    assert square.input_schema["properties"]["exponent"]["default"] == 2
    assert registry.call("triple", {"x": 2}).value == 6
    assert registry.call("square", {"base": 3}).value == 9
    assert registry.call("acall", {"x": 5}).value == 5


def test_default_name_of_a_callable_instance_is_its_class_name() -> None:
    class Lookup:
        def __call__(self) -> None: ...

    assert diplex.Registry().add(Lookup()).name == "Lookup"


@pytest.mark.parametrize("name", ["", "has space", "slash/name", "x" * 129, "ünïcode", "semi;colon"])
def test_invalid_names_are_refused(name: str) -> None:
    with pytest.raises(RegistrationError, match="invalid tool name"):
        diplex.Registry().add(lambda: None, name=name)


@pytest.mark.parametrize("name", ["a", "A.b-c_d", "x" * 128, "0"])
def test_valid_names(name: str) -> None:
    assert diplex.Registry().add(lambda: None, name=name).name == name


def test_lambda_needs_a_name() -> None:
    with pytest.raises(RegistrationError, match=r"pass name=\.\.\. for a lambda"):
        diplex.Registry().add(lambda: None)


def test_names_are_case_sensitive() -> None:
    registry = diplex.Registry()
    registry.add(lambda: 1, name="Tool")
    registry.add(lambda: 2, name="tool")
    assert len(registry) == 2


def test_duplicate_names_are_refused_naming_both() -> None:
    registry = diplex.Registry()

    def first() -> None: ...

    def second() -> None: ...

    registry.add(first, name="same")
    with pytest.raises(RegistrationError, match=r"duplicate tool name 'same'.*second.*first"):
        registry.add(second, name="same")


def test_var_positional_is_refused() -> None:
    def f(*items: int) -> None: ...

    with pytest.raises(RegistrationError, match=r"parameter 'items' is \*items"):
        diplex.Registry().add(f)


def test_var_keyword_is_refused() -> None:
    def f(**options: int) -> None: ...

    with pytest.raises(RegistrationError, match=r"parameter 'options' is \*\*options"):
        diplex.Registry().add(f)


def test_positional_only_is_refused() -> None:
    def f(a: int, /) -> None: ...

    with pytest.raises(RegistrationError, match="parameter 'a' is positional-only"):
        diplex.Registry().add(f)


class Opaque:
    pass


T = TypeVar("T")


@pytest.mark.parametrize(
    ("annotation", "shown"),
    [(Opaque, "Opaque"), (threading.Lock, "(allocate_)?lock"), (list[Opaque], "Opaque"), (T, "T")],
)
def test_types_pydantic_cannot_describe_are_refused(annotation: Any, shown: str) -> None:
    def f(x: Any) -> None: ...

    f.__annotations__["x"] = annotation
    with pytest.raises(RegistrationError, match=rf"parameter 'x' has type {shown}.*cannot describe"):
        diplex.Registry().add(f)


def test_undescribable_return_type_is_refused() -> None:
    def f() -> Opaque:
        return Opaque()

    with pytest.raises(RegistrationError, match="return annotation has type Opaque"):
        diplex.Registry().add(f)


def test_unresolvable_hint_is_refused() -> None:
    def f(x: NotDefinedAnywhere) -> None: ...  # type: ignore[name-defined]  # noqa: F821

    with pytest.raises(RegistrationError, match="cannot resolve its type hints"):
        diplex.Registry().add(f)


@pytest.mark.parametrize("timeout", [0, -1, float("inf"), float("nan"), "1", True])
def test_bad_timeouts_are_refused(timeout: Any) -> None:
    with pytest.raises(RegistrationError, match="timeout must be a positive number"):
        diplex.Registry().add(lambda: None, name="t", timeout=timeout)


def test_bad_tags_and_examples_are_refused() -> None:
    with pytest.raises(RegistrationError, match="tags must be strings"):
        diplex.Registry().add(lambda: None, name="t", tags=[1])  # type: ignore[list-item]
    with pytest.raises(RegistrationError, match="an example must be"):
        diplex.Registry().add(lambda: None, name="t", examples=[[1, 2]])  # type: ignore[list-item]
    with pytest.raises(RegistrationError, match="arguments must be a dict"):
        diplex.Registry().add(lambda: None, name="t", examples=[diplex.Example([1])])  # type: ignore[arg-type]


def test_non_callable_is_refused() -> None:
    with pytest.raises(RegistrationError, match="must be a function or a callable"):
        diplex.Registry().add(42)  # type: ignore[arg-type]


def test_registration_error_is_a_diplex_error() -> None:
    assert issubclass(RegistrationError, diplex.DiplexError)


def test_tools_view_keeps_registration_order() -> None:
    registry = diplex.Registry()
    for name in ["zeta", "alpha", "mid"]:
        registry.add(lambda: None, name=name)
    assert list(registry.tools) == ["zeta", "alpha", "mid"]
    assert registry.get("nope") is None
    assert "Registry 'diplex'" in repr(registry) and "3 tools" in repr(registry)
