"""From a function's signature, type hints and docstring to JSON Schemas and validators.

Nothing here runs per call except what the built ``Validator`` and ``Serializer`` do. Building
them (pydantic core schemas) is the expensive part, so ``tool.py`` does it lazily, on first
use; what registration checks eagerly (parameter kinds, types pydantic can describe) is cheap.
"""

from __future__ import annotations

import collections.abc
import contextlib
import dataclasses
import datetime
import enum
import functools
import inspect
import re
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any, Literal, NamedTuple, Union, get_args, get_origin

import pydantic
import pydantic_core
import typing_extensions

from .errors import RegistrationError

__all__ = [
    "EMPTY_OBJECT_SCHEMA",
    "Param",
    "Serializer",
    "Signature",
    "Validator",
    "check_describable",
    "parse_docstring",
    "read_signature",
]

EMPTY_OBJECT_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


# ---------------------------------------------------------------------------------------------
# Docstrings
# ---------------------------------------------------------------------------------------------

_GOOGLE_PARAMS = re.compile(r"^(Args|Arguments|Parameters|Params|Keyword Args|Keyword Arguments):\s*$")
_GOOGLE_OTHER = re.compile(
    r"^(Returns?|Yields?|Raises|Examples?|Notes?|Warnings?|See Also|Todo|References|Attributes):\s*$"
)
_GOOGLE_ENTRY = re.compile(r"^(\*{0,2}\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_NUMPY_ENTRY = re.compile(r"^(\*{0,2}\w+(?:\s*,\s*\*{0,2}\w+)*)\s*(?::.*)?$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def parse_docstring(doc: str | None) -> tuple[str | None, dict[str, str]]:
    """Split a docstring into its leading prose and per-parameter descriptions.

    Understands Google style (``Args:`` with ``name (type): text``) and NumPy style
    (``Parameters`` underlined with dashes, ``name : type`` then indented text).
    """
    if not doc:
        return None, {}
    lines = inspect.cleandoc(doc).splitlines()
    params: dict[str, str] = {}
    prose_end = len(lines)
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        numpy_header = i + 1 < len(lines) and re.fullmatch(r"-{3,}", lines[i + 1].strip() or "x")
        if numpy_header or _GOOGLE_PARAMS.match(line) or _GOOGLE_OTHER.match(line):
            prose_end = min(prose_end, i)
        if _GOOGLE_PARAMS.match(line):
            i = _read_google(lines, i + 1, _indent(lines[i]), params)
        elif numpy_header and line in ("Parameters", "Other Parameters", "Keyword Arguments"):
            i = _read_numpy(lines, i + 2, _indent(lines[i]), params)
        else:
            i += 1
    prose = "\n".join(lines[:prose_end]).strip()
    return (prose or None), params


def _read_google(lines: list[str], i: int, header_indent: int, out: dict[str, str]) -> int:
    name: str | None = None
    entry_indent = -1
    while i < len(lines):
        raw = lines[i]
        if raw.strip() and _indent(raw) <= header_indent:
            break
        if raw.strip():
            match = _GOOGLE_ENTRY.match(raw.strip())
            if match and (entry_indent < 0 or _indent(raw) <= entry_indent):
                entry_indent = _indent(raw)
                name = match.group(1).lstrip("*")
                out[name] = match.group(2).strip()
            elif name is not None:
                out[name] = f"{out[name]} {raw.strip()}".strip()
        i += 1
    return i


def _read_numpy(lines: list[str], i: int, header_indent: int, out: dict[str, str]) -> int:
    names: list[str] = []
    while i < len(lines):
        raw = lines[i]
        if i + 1 < len(lines) and re.fullmatch(r"-{3,}", lines[i + 1].strip() or "x"):
            break  # the next section's header
        if raw.strip() and _indent(raw) <= header_indent:
            match = _NUMPY_ENTRY.match(raw.strip())
            if not match:
                break
            names = [n.strip().lstrip("*") for n in match.group(1).split(",")]
            for name in names:
                out[name] = ""
        elif raw.strip():
            for name in names:
                out[name] = f"{out[name]} {raw.strip()}".strip()
        i += 1
    return i


# ---------------------------------------------------------------------------------------------
# Types pydantic can describe
# ---------------------------------------------------------------------------------------------

_SIMPLE_TYPES: frozenset[Any] = frozenset(
    {
        Any, object, int, float, str, bool, bytes, type(None), None, list, dict, tuple, set,
        frozenset, datetime.datetime, datetime.date, datetime.time, datetime.timedelta,
    }
)  # fmt: skip
# Standard-library classes pydantic describes, known by name: importing their modules here
# (ipaddress, pathlib, uuid, decimal) would cost a Lambda cold start some milliseconds.
_STDLIB_TYPES: frozenset[tuple[str, str]] = frozenset(
    {
        ("uuid", "UUID"), ("decimal", "Decimal"), ("pathlib", "Path"), ("pathlib", "PurePath"),
        ("pathlib", "PosixPath"), ("pathlib", "PurePosixPath"), ("ipaddress", "IPv4Address"),
        ("ipaddress", "IPv6Address"), ("ipaddress", "IPv4Network"), ("ipaddress", "IPv6Network"),
        ("ipaddress", "IPv4Interface"), ("ipaddress", "IPv6Interface"),
    }
)  # fmt: skip
_CONTAINERS: frozenset[Any] = frozenset(
    {
        list, dict, tuple, set, frozenset, collections.abc.Sequence, collections.abc.Mapping,
        collections.abc.Set, collections.abc.MutableSequence, collections.abc.MutableMapping,
        collections.abc.Iterable, Union, types.UnionType, typing_extensions.Required,
        typing_extensions.NotRequired,
    }
)  # fmt: skip


def _stdlib_name(annotation: Any) -> tuple[str, str]:
    # The top-level package: pathlib.Path lives in pathlib._local since Python 3.13.
    module = getattr(annotation, "__module__", None)
    qualname = getattr(annotation, "__qualname__", None)
    return (module.partition(".")[0] if isinstance(module, str) else "", str(qualname))


def check_describable(annotation: Any, where: str, _seen: frozenset[int] = frozenset()) -> None:
    """Refuse, cheaply and at registration, a type pydantic cannot turn into JSON Schema.

    The full schema is built later (lazily); this walk catches the usual mistakes early:
    an arbitrary class, a callable, a TypeVar.
    """
    if id(annotation) in _seen:
        return  # a recursive model
    seen = _seen | {id(annotation)}
    origin = get_origin(annotation)
    if origin is typing_extensions.Annotated:
        check_describable(get_args(annotation)[0], where, seen)
    elif origin is Literal or annotation in _SIMPLE_TYPES or _stdlib_name(annotation) in _STDLIB_TYPES:
        return
    elif origin in _CONTAINERS:
        for arg in get_args(annotation):
            if arg is not Ellipsis:
                check_describable(arg, where, seen)
    elif isinstance(annotation, type) and _is_model_like(annotation):
        return
    elif isinstance(annotation, type) and issubclass(annotation, (str, int, float, bytes)):
        return  # str/int subclasses, including enums mixing them in
    else:
        shown = getattr(annotation, "__name__", None) or repr(annotation)
        raise RegistrationError(
            f"{where} has type {shown}, which pydantic cannot describe as JSON Schema; use a "
            "JSON-friendly type (primitives, lists, dicts, Literal, enums, datetimes, UUIDs, "
            "dataclasses, TypedDicts or pydantic models)"
        )


def _is_model_like(cls: type) -> bool:
    return (
        issubclass(cls, (pydantic.BaseModel, enum.Enum))
        or dataclasses.is_dataclass(cls)
        or typing_extensions.is_typeddict(cls)
        or (issubclass(cls, tuple) and hasattr(cls, "_fields"))  # NamedTuple
        or hasattr(cls, "__get_pydantic_core_schema__")
    )


# ---------------------------------------------------------------------------------------------
# Signatures
# ---------------------------------------------------------------------------------------------


class Param(NamedTuple):
    name: str
    annotation: Any  # inspect.Parameter.empty when not annotated
    default: Any  # inspect.Parameter.empty when required
    description: str | None


class Signature(NamedTuple):
    params: tuple[Param, ...]
    returns: Any  # inspect.Signature.empty when not annotated
    context_param: str | None  # the parameter that receives the ToolContext


def read_signature(
    fn: Callable[..., Any], tool_name: str, context_type: type, doc_params: dict[str, str]
) -> Signature:
    """Read and check a tool function's signature; raise RegistrationError when unservable."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError) as exc:
        raise RegistrationError(f"tool {tool_name!r}: cannot read its signature ({exc})") from exc
    target: Any = fn
    while isinstance(target, functools.partial):
        target = target.func
    if not (inspect.isroutine(target) or isinstance(target, type)):
        target = type(target).__call__
    try:
        hints = _type_hints(target)
    except Exception as exc:
        raise RegistrationError(
            f"tool {tool_name!r}: cannot resolve its type hints ({type(exc).__name__}: {exc})"
        ) from exc
    params: list[Param] = []
    context_param: str | None = None
    for parameter in signature.parameters.values():
        where = f"tool {tool_name!r}: parameter {parameter.name!r}"
        if parameter.kind is parameter.VAR_POSITIONAL:
            raise RegistrationError(f"{where} is *{parameter.name}; tools take named arguments only")
        if parameter.kind is parameter.VAR_KEYWORD:
            raise RegistrationError(
                f"{where} is **{parameter.name}; a tool's arguments must be declared one by one "
                "so that they have a schema"
            )
        if parameter.kind is parameter.POSITIONAL_ONLY:
            raise RegistrationError(f"{where} is positional-only; tools are called with named arguments")
        annotation = hints.get(parameter.name, parameter.annotation)
        if _is_context(annotation, context_type):
            context_param = parameter.name
            continue
        if parameter.annotation is not parameter.empty:
            check_describable(annotation, where)
        params.append(Param(parameter.name, annotation, parameter.default, doc_params.get(parameter.name)))
    returns = hints.get("return", signature.return_annotation)
    if returns is not inspect.Signature.empty:
        check_describable(returns, f"tool {tool_name!r}: return annotation")
    return Signature(tuple(params), returns, context_param)


def _type_hints(target: Any) -> dict[str, Any]:
    """``typing.get_type_hints(target, include_extras=True)``, cheaper for a function whose
    annotations are all strings (``from __future__ import annotations``).

    ``get_type_hints`` compiles every annotation string anew, which is most of the time it takes
    to register a thousand tools; here each distinct string is compiled once per process and
    evaluated in the function's module. Whatever this shortcut cannot settle (a name it cannot
    resolve, a forward reference left inside the result, anything but a plain function) goes to
    ``get_type_hints``, which also reports the errors.
    """
    annotations = getattr(target, "__annotations__", None)
    if inspect.isfunction(target) and annotations and all(type(a) is str for a in annotations.values()):
        namespace = inspect.unwrap(target).__globals__
        try:
            hints = {name: _evaluate(text, namespace) for name, text in annotations.items()}
        except Exception:  # get_type_hints gives the error worth reporting
            pass
        else:
            if not any(_has_forward_ref(hint) for hint in hints.values()):
                return hints
    return typing.get_type_hints(target, include_extras=True)


@functools.lru_cache(maxsize=1024)
def _compiled(text: str) -> types.CodeType:
    return compile(text, "<annotation>", "eval")


def _evaluate(text: str, namespace: dict[str, Any]) -> Any:
    value = eval(_compiled(text), namespace)  # as get_type_hints does
    return type(None) if value is None else value


def _has_forward_ref(hint: Any) -> bool:
    if isinstance(hint, (str, typing.ForwardRef)):
        return True
    return any(_has_forward_ref(arg) for arg in get_args(hint))


def _is_context(annotation: Any, context_type: type) -> bool:
    if annotation is context_type:
        return True
    args = get_args(annotation)
    return get_origin(annotation) in (Union, types.UnionType) and context_type in args


# ---------------------------------------------------------------------------------------------
# Validators and serializers (built lazily by tool.py)
# ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _building(tool_name: str, what: str) -> Iterator[None]:
    """Turn pydantic's refusal to describe a type into a RegistrationError naming the tool."""
    try:
        yield
    except (pydantic.PydanticSchemaGenerationError, pydantic.PydanticUserError, TypeError) as exc:
        raise RegistrationError(f"tool {tool_name!r}: cannot build its {what} ({exc})") from exc


class Validator:
    """Validates a JSON object of arguments the way the published input schema says.

    Strict JSON validation: ``"5"`` is not an integer, ``5.5`` is not an integer, non-finite
    numbers are refused, unknown arguments are refused. Validated from JSON text, because
    pydantic's strict *JSON* mode is what matches JSON Schema (a datetime is a string there).
    """

    def __init__(self, tool_name: str, params: tuple[Param, ...]) -> None:
        self._tool_name = tool_name
        self._params = params
        if not params:
            self._adapter: pydantic.TypeAdapter[dict[str, Any]] | None = None
            self._validate_json: Callable[..., dict[str, Any]] | None = None
            return
        fields: dict[str, Any] = {}
        for p in params:
            annotation = Any if p.annotation is inspect.Parameter.empty else p.annotation
            if p.description is not None:
                # The docstring's description goes first, so an explicit Annotated Field wins.
                base, *metadata = (
                    get_args(annotation)
                    if get_origin(annotation) is typing_extensions.Annotated
                    else (annotation,)
                )
                doc_field = pydantic.Field(description=p.description)
                parts = (base, doc_field, *metadata)
                annotation = typing_extensions.Annotated[parts]
            required = p.default is inspect.Parameter.empty
            fields[p.name] = (
                typing_extensions.Required[annotation]
                if required
                else typing_extensions.NotRequired[annotation]
            )
        make_typeddict: Any = typing_extensions.TypedDict
        arguments = make_typeddict(f"{tool_name}_arguments", fields)
        arguments.__pydantic_config__ = pydantic.ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
        with _building(tool_name, "input schema"):
            self._adapter = pydantic.TypeAdapter(arguments)
        # pydantic-core's validator itself: TypeAdapter.validate_json checks its options first.
        self._validate_json = self._adapter.validator.validate_json

    # The JSON Schema is written when first asked for (a listing, OpenAPI, a modern MCP call's
    # header check), not for the first call: a REST cold start does not pay for it.
    @functools.cached_property
    def schema(self) -> dict[str, Any]:
        """The published input schema."""
        if self._adapter is None:
            return dict(EMPTY_OBJECT_SCHEMA)
        with _building(self._tool_name, "input schema"):
            schema = self._adapter.json_schema()
        schema.pop("title", None)
        for p in self._params:
            if p.default is not inspect.Parameter.empty:
                # A default that is not JSON (a sentinel object) is left out of the schema.
                with contextlib.suppress(pydantic_core.PydanticSerializationError):
                    schema["properties"][p.name]["default"] = pydantic_core.to_jsonable_python(p.default)
        schema.setdefault("additionalProperties", False)
        _drop_unique_items(schema)
        return schema

    def validate_json(self, data: str | bytes) -> dict[str, Any]:
        """Validate JSON text holding an object; raise pydantic.ValidationError."""
        if self._validate_json is None:
            return _no_arguments().validate_json(data, strict=True)
        return self._validate_json(data, strict=True)


def _drop_unique_items(schema: Any) -> None:
    """Remove ``uniqueItems`` (from set parameters): validation merges duplicates rather than
    refusing them, so the published schema must not promise a refusal."""
    if isinstance(schema, dict):
        if schema.get("uniqueItems") is True:
            del schema["uniqueItems"]
        for key, value in schema.items():
            if key in ("properties", "$defs", "patternProperties") and isinstance(value, dict):
                for member in value.values():  # names here are parameters, not keywords
                    _drop_unique_items(member)
            else:
                _drop_unique_items(value)
    elif isinstance(schema, list):
        for value in schema:
            _drop_unique_items(value)


class _NoArguments(typing_extensions.TypedDict):
    pass


_NoArguments.__pydantic_config__ = pydantic.ConfigDict(extra="forbid")  # type: ignore[attr-defined]


@functools.cache
def _no_arguments() -> pydantic.TypeAdapter[dict[str, Any]]:
    """The validator of tools without parameters, built on first use (not at import)."""
    return pydantic.TypeAdapter(_NoArguments)  # type: ignore[arg-type]


class Serializer:
    """Turns a tool's return value into JSON-compatible data, through its return annotation."""

    def __init__(self, tool_name: str, returns: Any) -> None:
        self._tool_name = tool_name
        self._adapter: pydantic.TypeAdapter[Any] | None = None
        # pydantic-core's serializer itself: TypeAdapter.dump_python costs a microsecond more.
        self._to_python: Callable[..., Any] | None = None
        # A value of exactly the annotated scalar type is its own JSON form; checking that it
        # fits (warnings="error") would cost another microsecond on the commonest results.
        self._itself: type | None = returns if returns in (str, int, float, bool) else None
        if returns is inspect.Signature.empty or returns is Any or returns is None or returns is type(None):
            return
        with _building(tool_name, "output schema"):
            self._adapter = pydantic.TypeAdapter(returns)
        self._to_python = self._adapter.serializer.to_python

    @functools.cached_property
    def schema(self) -> dict[str, Any] | None:
        """The published output schema; None when the return type is not annotated."""
        if self._adapter is None:
            return None
        with _building(self._tool_name, "output schema"):
            return self._adapter.json_schema(mode="serialization")

    def to_json(self, value: Any) -> Any:
        """JSON-compatible data; raise PydanticSerializationError when the value does not fit."""
        if type(value) is self._itself:
            return value
        if self._to_python is None:
            return pydantic_core.to_jsonable_python(value)
        return self._to_python(value, mode="json", warnings="error")
