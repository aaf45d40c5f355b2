"""Routing header values: plain visible ASCII, or the ``=?base64?...?=`` form, decoded."""

from __future__ import annotations

import pytest

from diplex.mcp.routing import RoutingHeaders, decode_header_value


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("get_weather", "get_weather"),
        ("=?base64?SGVsbG8sIOS4lueVjA==?=", "Hello, 世界"),
        ("=?base64?IHBhZGRlZCA=?=", " padded "),
        ("=?base64??=", ""),
    ],
)
def test_a_header_value_is_decoded(raw: str, value: str) -> None:
    assert decode_header_value(raw) == value


@pytest.mark.parametrize(
    "raw",
    ["caf\u00e9", "tab\there", "=?base64?not base64?=", "=?base64?SGVsbG8?=", "=?base64?//79?="],
)
def test_a_malformed_header_value_is_refused(raw: str) -> None:
    assert decode_header_value(raw) is None


def test_routing_headers_are_read_trimmed_and_none_when_absent() -> None:
    read = RoutingHeaders.read({"mcp-method": " tools/call ", "mcp-name": "  add  "})
    assert read == RoutingHeaders(protocol_version=None, method="tools/call", name="add")
