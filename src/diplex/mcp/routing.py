"""The modern era's routing headers: ``MCP-Protocol-Version``, ``Mcp-Method``, ``Mcp-Name``,
and ``Mcp-Param-{X}`` for the arguments a tool's input schema marks with ``"x-mcp-header": "X"``.

On HTTP a 2026-07-28 request repeats parts of its body in headers, so that gateways can route
it without parsing JSON. The server checks that they agree with the body (-32020 otherwise).
A value that is not plain visible ASCII travels as ``=?base64?<base64 of UTF-8>?=``.
"""

from __future__ import annotations

import base64
import binascii
import types
from collections.abc import Mapping
from typing import Any, NamedTuple

from ..tool import Tool
from .jsonrpc import HEADER_MISMATCH, RpcError

__all__ = [
    "ParamHeader",
    "RoutingHeaders",
    "check_param_headers",
    "check_routing",
    "decode_header_value",
    "param_headers",
]

_PREFIX, _SUFFIX = "=?base64?", "?="
_NO_HEADERS: Mapping[str, str] = types.MappingProxyType({})


class RoutingHeaders(NamedTuple):
    """The routing headers of one HTTP request, whitespace-trimmed; None when absent."""

    protocol_version: str | None = None
    method: str | None = None
    name: str | None = None
    raw: Mapping[str, str] = _NO_HEADERS  # all headers, lower-case names

    def param(self, name: str) -> str | None:
        """The ``Mcp-Param-{name}`` header (``name`` lower-case), trimmed; read only when a tool
        declares one, so ordinary requests never scan their headers for it."""
        value = self.raw.get(f"mcp-param-{name}")
        return None if value is None else value.strip()

    @classmethod
    def read(cls, headers: Mapping[str, str]) -> RoutingHeaders:
        """From lower-cased HTTP headers."""
        version, method, name = (
            headers.get("mcp-protocol-version"),
            headers.get("mcp-method"),
            headers.get("mcp-name"),
        )
        return tuple.__new__(
            cls,
            (
                None if version is None else version.strip(),
                None if method is None else method.strip(),
                None if name is None else name.strip(),
                headers,
            ),
        )


def decode_header_value(raw: str) -> str | None:
    """The value a header stands for, or None when it is malformed."""
    if raw.startswith(_PREFIX) and raw.endswith(_SUFFIX) and len(raw) >= len(_PREFIX) + len(_SUFFIX):
        encoded = raw[len(_PREFIX) : -len(_SUFFIX)]
        try:
            data = base64.b64decode(encoded, validate=True)
            value = data.decode("utf-8")
        except (binascii.Error, ValueError):
            return None
        return value if base64.b64encode(data).decode() == encoded else None  # canonical only
    return raw if raw.isascii() and raw.isprintable() else None  # visible ASCII: 0x20-0x7e


def _mismatch(header: str, sent: str | None, body: object) -> RpcError:
    if sent is None:
        return RpcError(HEADER_MISMATCH, f"Header mismatch: the {header} header is required")
    return RpcError(
        HEADER_MISMATCH, f"Header mismatch: {header} header value {sent!r} does not match body value {body!r}"
    )


def check_routing(headers: RoutingHeaders, version: Any, method: str, params: Mapping[str, Any]) -> None:
    """Raise -32020 unless the headers agree with the body of a modern request."""
    if headers.protocol_version != version:
        raise _mismatch("MCP-Protocol-Version", headers.protocol_version, version)
    if headers.method != method:
        raise _mismatch("Mcp-Method", headers.method, method)
    if method == "tools/call":
        name = params.get("name")
        if not isinstance(name, str):
            return  # the params check answers -32602 for it
        sent = headers.name
        if sent is None or decode_header_value(sent) != name:
            raise _mismatch("Mcp-Name", sent, name)


ParamHeader = tuple[str, tuple[str, ...]]  # (header name lower-cased, path of property names)


def param_headers(tool: Tool) -> tuple[ParamHeader, ...]:
    """The ``Mcp-Param-*`` headers ``tool`` declares: its input schema's ``x-mcp-header``s."""
    found: list[ParamHeader] = []
    _collect(tool.input_schema, (), found)
    return tuple(found)


def _collect(schema: Any, path: tuple[str, ...], found: list[ParamHeader]) -> None:
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    if not isinstance(properties, Mapping):
        return
    for name, prop in properties.items():
        if not isinstance(prop, Mapping):
            continue
        header = prop.get("x-mcp-header")
        if isinstance(header, str) and header:
            found.append((header.lower(), (*path, name)))
        _collect(prop, (*path, name), found)  # only through plain `properties` chains


def _matches(decoded: str, value: Any) -> bool:
    if isinstance(value, bool):
        return decoded == ("true" if value else "false")
    if isinstance(value, int):
        try:
            return int(decoded) == value
        except ValueError:
            return False
    return isinstance(value, str) and decoded == value


def check_param_headers(headers: RoutingHeaders, declared: tuple[ParamHeader, ...], arguments: Any) -> None:
    """Raise -32020 unless every declared ``Mcp-Param-*`` header (``param_headers``) matches
    its argument.

    An argument that is absent or null needs no header; one that is present needs its header,
    decoded (``=?base64?...?=``) and equal to the argument (integers compare numerically).
    """
    for header, path in declared:
        value: Any = arguments
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        if value is None:
            continue
        sent = headers.param(header)
        decoded = None if sent is None else decode_header_value(sent)
        if decoded is None or not _matches(decoded, value):
            raise _mismatch(f"Mcp-Param-{header}", sent, value)
