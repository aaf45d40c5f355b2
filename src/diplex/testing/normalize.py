"""Each surface's answer, reduced to what must be equal everywhere: an ``Observation``.

    success   the value: the REST body; MCP ``structuredContent`` (unwrapped where the
              2025-06-18/2025-11-25 era wraps a non-object result as ``{"result": value}``,
              decided by the tool's output schema), or the text content parsed as JSON when
              the tool has no output schema (compared as text: the string "5" and the number
              5 are the same text); a direct invocation's return value
    failure   the error kind: the REST body's ``kind`` if it carries one, else its status
              (404 not_found, 422 invalid_arguments, 504 timeout, 500 internal, other 4xx
              tool_error); MCP ``_meta["dev.diplex/error"]["kind"]`` on an ``isError`` result,
              or the JSON-RPC error's ``data.kind``; the direct invocation's exception type

An answer that fits none of these (an HTTP 502, a JSON-RPC error without a kind, a body that is
not JSON) keeps a kind of its own that starts with ``unexpected:``, so it never equals a real one.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

__all__ = [
    "Observation",
    "error_kind_of_exception",
    "from_direct",
    "from_mcp",
    "from_rest",
    "same",
]

ERROR_KEY = "dev.diplex/error"
_REST_STATUS = {404: "not_found", 422: "invalid_arguments", 504: "timeout", 500: "internal"}
_EXCEPTIONS = {
    "ToolNotFound": "not_found",
    "InvalidArguments": "invalid_arguments",
    "ToolFailed": "tool_error",
    "ToolTimeout": "timeout",
    "InternalError": "internal",
}


@dataclasses.dataclass(frozen=True)
class Observation:
    """One surface's answer to one case: a value (``ok``) or an error ``kind``.

    ``raw`` is what the surface actually said, shortened, for the report.
    """

    ok: bool
    value: Any = None
    kind: str | None = None
    raw: str = ""
    text: str | None = None  # the value as MCP text content, when that is all the answer carries

    def describe(self) -> str:
        return f"value {canonical(self.value)}" if self.ok else f"error {self.kind}"


def canonical(value: Any) -> str:
    """JSON text that tells ``1``, ``1.0`` and ``true`` apart and ignores key order."""
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError):
        return repr(value)


def same(a: Observation, b: Observation, *, compare_values: bool = True) -> bool:
    """Whether two observations agree: same kind, and (when compared) the same JSON value."""
    if a.ok != b.ok:
        return False
    if not a.ok:
        return a.kind == b.kind
    if not compare_values:
        return True
    if a.text is not None or b.text is not None:
        # Text alone cannot tell the string "5" from the number 5: compare as MCP renders.
        return _as_text(a) == _as_text(b)
    return canonical(a.value) == canonical(b.value)


def _as_text(observation: Observation) -> str:
    if observation.text is not None:
        return observation.text
    value = observation.value
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _parse(body: bytes) -> tuple[bool, Any]:
    try:
        return True, json.loads(body)
    except ValueError:
        return False, None


def from_rest(status: int, body: bytes) -> Observation:
    """A REST answer: status and body."""
    raw = _short(f"HTTP {status} {body.decode('utf-8', 'replace')}")
    parsed, value = _parse(body)
    if status == 200:
        return (
            Observation(True, value, raw=raw)
            if parsed
            else Observation(False, kind="unexpected:body", raw=raw)
        )
    if parsed and isinstance(value, Mapping) and isinstance(value.get("kind"), str):
        return Observation(False, kind=value["kind"], raw=raw)
    kind = _REST_STATUS.get(status)
    if kind is None:
        kind = "tool_error" if 400 <= status < 500 else f"unexpected:http-{status}"
    return Observation(False, kind=kind, raw=raw)


def wraps(version: str, output_schema: Mapping[str, Any] | None) -> bool:
    """Whether an era wraps this tool's structured result as ``{"result": value}``."""
    return (
        version in ("2025-06-18", "2025-11-25")
        and output_schema is not None
        and output_schema.get("type") != "object"
    )


def from_mcp(status: int, body: bytes, version: str, output_schema: Mapping[str, Any] | None) -> Observation:
    """An MCP ``tools/call`` answer over HTTP (or a raw JSON-RPC response, with status 200)."""
    raw = _short(f"HTTP {status} {body.decode('utf-8', 'replace')}")
    parsed, message = _parse(body)
    if not parsed or not isinstance(message, Mapping):
        return Observation(False, kind=f"unexpected:http-{status}", raw=raw)
    return from_jsonrpc(message, version, output_schema, raw)


def from_jsonrpc(
    message: Mapping[str, Any], version: str, output_schema: Mapping[str, Any] | None, raw: str = ""
) -> Observation:
    """A JSON-RPC response to ``tools/call``."""
    raw = raw or _short(canonical(message))
    error = message.get("error")
    if isinstance(error, Mapping):
        data = error.get("data")
        if isinstance(data, Mapping) and isinstance(data.get("kind"), str):
            return Observation(False, kind=data["kind"], raw=raw)
        return Observation(False, kind=f"unexpected:jsonrpc-{error.get('code')}", raw=raw)
    result = message.get("result")
    if not isinstance(result, Mapping):
        return Observation(False, kind="unexpected:no-result", raw=raw)
    if result.get("isError"):
        meta = result.get("_meta")
        detail = meta.get(ERROR_KEY) if isinstance(meta, Mapping) else None
        kind = detail.get("kind") if isinstance(detail, Mapping) else None
        return Observation(False, kind=kind if isinstance(kind, str) else "unexpected:no-kind", raw=raw)
    if "structuredContent" in result:
        value = result["structuredContent"]
        if wraps(version, output_schema):
            if not (isinstance(value, Mapping) and set(value) == {"result"}):
                return Observation(False, kind="unexpected:not-wrapped", raw=raw)
            value = value["result"]
        return Observation(True, value, raw=raw)
    if output_schema is not None:
        return Observation(False, kind="unexpected:no-structured-content", raw=raw)
    content = result.get("content")
    texts = [c.get("text") for c in content or () if isinstance(c, Mapping) and c.get("type") == "text"]
    if len(texts) != 1 or not isinstance(texts[0], str):
        return Observation(False, kind="unexpected:content", raw=raw)
    return Observation(True, _parsed(texts[0]), raw=raw, text=texts[0])


def _parsed(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def error_kind_of_exception(exc: BaseException) -> str:
    """The error kind a direct invocation's exception stands for (by class name, as Step
    Functions catches it)."""
    for cls in type(exc).__mro__:
        if cls.__name__ in _EXCEPTIONS:
            return _EXCEPTIONS[cls.__name__]
    return f"unexpected:{type(exc).__name__}"


def from_direct(value: Any = None, exc: BaseException | None = None) -> Observation:
    """A direct invocation: its return value, or the exception it raised."""
    if exc is not None:
        return Observation(
            False, kind=error_kind_of_exception(exc), raw=_short(f"{type(exc).__name__}: {exc}")
        )
    return Observation(True, value, raw=_short(canonical(value)))
