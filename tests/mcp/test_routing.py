"""Routing header values: plain visible ASCII, or the ``=?base64?...?=`` form, decoded."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import Field

import diplex
from diplex.mcp.jsonrpc import HEADER_MISMATCH, RpcError
from diplex.mcp.routing import RoutingHeaders, check_param_headers, decode_header_value, param_headers
from diplex.tool import Tool


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


def test_plain_values_are_exactly_the_visible_ascii_ones() -> None:
    for code in range(0x300):
        raw = f"a{chr(code)}b"
        visible = 0x20 <= code <= 0x7E
        assert decode_header_value(raw) == (raw if visible else None), hex(code)
    assert decode_header_value("") == ""


def test_routing_headers_are_read_trimmed_and_none_when_absent() -> None:
    read = RoutingHeaders.read(
        {"mcp-method": " tools/call ", "mcp-name": "  add  ", "mcp-param-region": " x "}
    )
    assert (read.protocol_version, read.method, read.name) == (None, "tools/call", "add")
    assert (read.param("region"), read.param("shard")) == ("x", None)


# -- Mcp-Param-* headers -------------------------------------------------------------------------


def _param_tool() -> Tool:
    registry = diplex.Registry()

    @registry.tool
    def regional(
        region: Annotated[str, Field(json_schema_extra={"x-mcp-header": "Region"})],
        shard: Annotated[int | None, Field(json_schema_extra={"x-mcp-header": "Shard"})] = None,
        dry: Annotated[bool, Field(json_schema_extra={"x-mcp-header": "Dry"})] = False,
    ) -> str:
        return region

    return registry["regional"]


def _headers(**params: str) -> RoutingHeaders:
    return RoutingHeaders.read({f"mcp-param-{k.lower()}": v for k, v in params.items()})


@pytest.mark.parametrize(
    ("params", "arguments"),
    [
        ({"Region": "eu-west-1", "Dry": "false"}, {"region": "eu-west-1"}),
        ({"Region": "=?base64?SGVsbG8sIOS4lueVjA==?=", "Dry": "false"}, {"region": "Hello, 世界"}),
        ({"Region": "x", "Shard": "007", "Dry": "true"}, {"region": "x", "shard": 7, "dry": True}),
        ({"Region": "x", "Dry": "false"}, {"region": "x", "shard": None}),
    ],
)
def test_matching_param_headers_are_accepted(params: dict[str, str], arguments: dict[str, object]) -> None:
    check_param_headers(_headers(**params), param_headers(_param_tool()), {"dry": False, **arguments})


@pytest.mark.parametrize(
    ("params", "arguments"),
    [
        ({}, {"region": "x"}),  # present in the body, header left out
        ({"Region": "y"}, {"region": "x"}),
        ({"Region": "=?base64?SGVsbG8?="}, {"region": "Hello"}),  # bad padding
        ({"Region": "=?base64?SGVs!!!bG8=?="}, {"region": "Hello"}),  # bad characters
        ({"Region": "x", "Shard": "seven"}, {"region": "x", "shard": 7}),
        ({"Region": "x", "Dry": "True"}, {"region": "x", "dry": True}),
    ],
)
def test_missing_or_mismatched_param_headers_are_refused(
    params: dict[str, str], arguments: dict[str, object]
) -> None:
    with pytest.raises(RpcError) as caught:
        check_param_headers(_headers(**params), param_headers(_param_tool()), arguments)
    assert caught.value.code == HEADER_MISMATCH
