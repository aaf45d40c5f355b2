"""``Tool``: one registered function, its metadata, and its (lazily built) schemas."""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from .context import ToolContext
from .errors import RegistrationError
from .schema import Serializer, Signature, Validator, parse_docstring, read_signature

__all__ = ["MISSING", "Example", "Tool", "ToolAnnotations"]

_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,128}")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class Example(NamedTuple):
    """A set of arguments for a tool, optionally with the result it must give."""

    arguments: Mapping[str, Any]
    result: Any = MISSING
    description: str | None = None

    @property
    def has_result(self) -> bool:
        return self.result is not MISSING


class ToolAnnotations(NamedTuple):
    """Hints about a tool's behaviour, as MCP defines them (None: not said)."""

    read_only: bool | None = None
    destructive: bool | None = None
    idempotent: bool | None = None
    open_world: bool | None = None


_NO_ANNOTATIONS = ToolAnnotations()


def _is_async_callable(fn: Any) -> bool:
    while isinstance(fn, functools.partial):
        fn = fn.func
    return inspect.iscoroutinefunction(fn) or (
        not inspect.isroutine(fn) and inspect.iscoroutinefunction(type(fn).__call__)
    )


def _default_name(fn: Any) -> str | None:
    while isinstance(fn, functools.partial):
        fn = fn.func
    name = getattr(fn, "__name__", None)
    return name if isinstance(name, str) else type(fn).__name__


class Tool:
    """A function served as a tool. Made by ``Registry.add`` / ``@registry.tool``."""

    def __init__(
        self,
        fn: Callable[..., Any],
        *,
        name: str | None = None,
        title: str | None = None,
        description: str | None = None,
        annotations: ToolAnnotations = _NO_ANNOTATIONS,
        tags: Iterable[str] = (),
        examples: Iterable[Example | Mapping[str, Any]] = (),
        timeout: float | None = None,
        inline: bool = False,
        deterministic: bool = True,
    ) -> None:
        if not callable(fn):
            raise RegistrationError(f"a tool must be a function or a callable, not {fn!r}")
        name = name if name is not None else _default_name(fn)
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise RegistrationError(
                f"invalid tool name {name!r}: a tool name is 1-128 characters of A-Z, a-z, 0-9, "
                "'_', '-' and '.'" + ("; pass name=... for a lambda" if name == "<lambda>" else "")
            )
        if timeout is not None and (
            isinstance(timeout, bool)
            or not isinstance(timeout, (int, float))
            or not math.isfinite(timeout)
            or timeout <= 0
        ):
            raise RegistrationError(
                f"tool {name!r}: timeout must be a positive number of seconds, not {timeout!r}"
            )
        tags = tuple(tags)
        if not all(isinstance(tag, str) for tag in tags):
            raise RegistrationError(f"tool {name!r}: tags must be strings, not {tags!r}")
        prose, doc_params = parse_docstring(inspect.getdoc(fn))
        self.fn = fn
        self.name: str = name
        self.title = title
        self.description = description if description is not None else prose
        self.annotations = annotations
        self.tags: tuple[str, ...] = tags
        self.examples: tuple[Example, ...] = tuple(_example(name, e) for e in examples)
        self.timeout: float | None = timeout
        self.inline = inline
        self.deterministic = deterministic
        self.is_async = _is_async_callable(fn)
        self.signature: Signature = read_signature(fn, name, ToolContext, doc_params)

    # Built on first use (a registry of 1,000 tools starts fast), then a plain attribute: each
    # call reads them.
    @functools.cached_property
    def validator(self) -> Validator:
        return Validator(self.name, self.signature.params)

    @functools.cached_property
    def serializer(self) -> Serializer:
        return Serializer(self.name, self.signature.returns)

    @property
    def input_schema(self) -> dict[str, Any]:
        """The JSON Schema of the arguments object (built on first use, then cached)."""
        return self.validator.schema

    @property
    def output_schema(self) -> dict[str, Any] | None:
        """The JSON Schema of the result, or None when the return type is not annotated."""
        return self.serializer.schema

    def build(self) -> Tool:
        """Build the validator, the serializer and both schemas now instead of on first use;
        returns the tool."""
        _ = self.validator.schema, self.serializer.schema
        return self

    def __repr__(self) -> str:
        return f"<Tool {self.name!r} ({'async' if self.is_async else 'sync'})>"


def _example(tool: str, example: Example | Mapping[str, Any]) -> Example:
    if isinstance(example, Example):
        arguments = example.arguments
    elif isinstance(example, Mapping):
        example = Example(arguments=dict(example))
        arguments = example.arguments
    else:
        raise RegistrationError(
            f"tool {tool!r}: an example must be an Example or a dict of arguments, not {example!r}"
        )
    if not isinstance(arguments, Mapping):
        raise RegistrationError(f"tool {tool!r}: an example's arguments must be a dict, not {arguments!r}")
    return example
