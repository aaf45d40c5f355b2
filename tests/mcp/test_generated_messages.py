"""Generated JSON-RPC messages and headers never get a 5xx, and every answer is well formed."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import diplex
from diplex.mcp import McpEndpoint
from diplex.wire import HttpRequest, dumps

from . import sample
from .messages import envelope

fuzzed = diplex.Registry("fuzzed")
for fn in (sample.add, sample.greet, sample.pair, sample.point, sample.untyped, sample.fail, sample.count_up):
    fuzzed.add(fn)
endpoint = McpEndpoint(fuzzed)

VERSIONS = ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", "v999"]
METHODS = [
    "initialize",
    "ping",
    "tools/list",
    "tools/call",
    "server/discover",
    "notifications/initialized",
    "x",
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
metas = st.one_of(
    json_values,
    st.builds(envelope, st.sampled_from(VERSIONS)),
    st.fixed_dictionaries(
        {}, optional={"progressToken": json_values, "io.modelcontextprotocol/protocolVersion": json_values}
    ),
)
params = st.fixed_dictionaries(
    {},
    optional={
        "_meta": metas,
        "name": st.sampled_from([*fuzzed.tools, "nope"]) | json_values,
        "arguments": st.fixed_dictionaries(
            {}, optional={"a": json_values, "b": json_values, "name": json_values}
        )
        | json_values,
        "cursor": json_values,
        "protocolVersion": st.sampled_from(VERSIONS) | json_values,
    },
)
messages = st.fixed_dictionaries(
    {},
    optional={
        "jsonrpc": st.just("2.0") | json_values,
        "id": st.integers() | st.text(max_size=5) | json_values,
        "method": st.sampled_from(METHODS) | json_values,
        "params": params | json_values,
        "result": json_values,
    },
)
bodies = messages | st.lists(messages, max_size=3) | json_values
headers = st.fixed_dictionaries(
    {},
    optional={
        "mcp-protocol-version": st.sampled_from(VERSIONS) | st.text(max_size=5),
        "mcp-method": st.sampled_from(METHODS) | st.text(max_size=5),
        "mcp-name": st.sampled_from([*fuzzed.tools, "=?base64?YWRk?=", "=?base64?x?="]) | st.text(max_size=5),
        "accept": st.sampled_from(
            ["application/json, text/event-stream", "text/event-stream", "*/*", "text/html"]
        ),
        "content-type": st.sampled_from(["application/json", "text/plain"]),
        "origin": st.sampled_from(["http://localhost:3000", "https://evil.example", "null"]),
    },
)


def check(response_body: bytes, content_type: str | None) -> None:
    if content_type == "application/json":
        answer: Any = json.loads(response_body)
        for message in answer if isinstance(answer, list) else [answer]:
            assert message["jsonrpc"] == "2.0"
            assert ("result" in message) != ("error" in message)
            if "error" in message:
                assert isinstance(message["error"]["code"], int) and isinstance(
                    message["error"]["message"], str
                )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies, sent=headers)
def test_generated_messages_get_a_well_formed_answer_and_never_a_5xx(body: Any, sent: dict[str, str]) -> None:
    response = endpoint.handle(HttpRequest("POST", "/mcp", sent, dumps(body)))
    assert 200 <= response.status < 500
    check(response.body, dict(response.headers).get("content-type"))


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=64))
def test_generated_bytes_get_a_4xx_or_an_answer(raw: bytes) -> None:
    response = endpoint.handle(HttpRequest("POST", "/mcp", {"content-type": "application/json"}, raw))
    assert 200 <= response.status < 500
    check(response.body, dict(response.headers).get("content-type"))
