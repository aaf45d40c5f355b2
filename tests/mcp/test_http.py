"""The HTTP rules of the endpoint, in both eras, through the sync and the async entry points."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest

from diplex.mcp import McpEndpoint, McpOptions
from diplex.runtime import drive
from diplex.wire import HttpRequest, HttpResponse

from .messages import (
    initialize,
    legacy_call,
    modern,
    modern_call,
    modern_headers,
    notification,
    post,
    post_modern,
    request,
)
from .sample import registry
from .schemas import conforms, error_definition

Send = Callable[[HttpRequest], HttpResponse]


@pytest.fixture(params=["sync", "async"])
def entry(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def endpoint_for(entry: str, **options: Any) -> Send:
    """The endpoint's sync (Lambda) or async (ASGI) entry point, with ``options``."""
    endpoint = McpEndpoint(registry, McpOptions.build(**options))
    if entry == "sync":
        return endpoint.handle
    return lambda request: drive(endpoint.handle_async(request))


@pytest.fixture
def send(entry: str) -> Send:
    return endpoint_for(entry)


def body_of(response: HttpResponse) -> Any:
    assert dict(response.headers).get("content-type") == "application/json"
    return json.loads(response.body)


def error_code(response: HttpResponse) -> int:
    code: int = body_of(response)["error"]["code"]
    return code


def assert_error(response: HttpResponse, status: int, code: int, version: str = "2026-07-28") -> None:
    assert (response.status, error_code(response)) == (status, code), response
    body = body_of(response)
    if "id" not in body and version in ("2025-03-26", "2025-06-18"):
        version = "2025-11-25"  # older schemas have no id-less error, which their HTTP transport allows
    conforms(body, version, error_definition(version))


def no_session(response: HttpResponse) -> bool:
    return all(name != "mcp-session-id" for name, _ in response.headers)


# -- methods, media types, size ------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT", "OPTIONS"])
def test_only_post_is_allowed(send: Send, method: str) -> None:
    response = send(HttpRequest(method, "/mcp", {"accept": "text/event-stream"}))
    assert response.status == 405 and ("allow", "POST") in response.headers
    assert error_code(response) == -32600


@pytest.mark.parametrize("accept", ["text/html", "application/xml, image/*", "application/json;q=0"])
def test_an_accept_that_admits_neither_json_nor_a_stream_is_406(send: Send, accept: str) -> None:
    assert send(post(request("ping"), {"accept": accept})).status == 406


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/*", "text/event-stream"])
def test_an_accept_that_admits_json_or_a_stream_is_served(send: Send, accept: str | None) -> None:
    response = send(post(request("ping"), {"accept": accept} if accept else {"accept": None}))  # type: ignore[dict-item]
    assert response.status == 200


def test_a_client_that_takes_only_a_stream_gets_its_answer_as_one_event(send: Send) -> None:
    response = send(post(request("ping", request_id=4), {"accept": "text/event-stream"}))
    assert ("content-type", "text/event-stream") in response.headers
    assert response.body == b'event: message\ndata: {"jsonrpc":"2.0","id":4,"result":{}}\n\n'


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_body_that_is_not_declared_json_is_415(send: Send, content_type: str) -> None:
    assert send(post(request("ping"), {"content-type": content_type})).status == 415


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "Application/JSON", None])
def test_json_content_types_and_none_are_accepted(send: Send, content_type: str | None) -> None:
    assert send(post(request("ping"), {"content-type": content_type})).status == 200  # type: ignore[dict-item]


def test_a_body_over_the_limit_is_413(entry: str) -> None:
    small = post(legacy_call("greet", {"name": "x" * 50}))
    send = endpoint_for(entry, max_body_bytes=len(small.body))
    assert send(small).status == 200
    assert send(post(legacy_call("greet", {"name": "x" * 51}))).status == 413


NOT_JSON = [
    b"",
    b"{",
    b"NaN",
    b'{"a": Infinity}',
    b"\xff\xfe\x00",  # not UTF-8
    b'{"a": "\\ud800"}',  # a lone surrogate: no Unicode text
    b"[" * 100_000,
    b"[" * 300 + b"]" * 300,  # deeper than pydantic lets REST bodies go
    b'{"a": 1} {"b": 2}',
]


@pytest.mark.parametrize("raw", NOT_JSON)
def test_a_body_that_is_not_json_is_a_parse_error(send: Send, raw: bytes) -> None:
    response = send(post(None, raw=raw))
    assert (response.status, error_code(response)) == (400, -32700)
    assert "id" not in body_of(response)


@pytest.mark.parametrize("body", [5, "ping", None, {"jsonrpc": "2.0"}, {"method": "ping", "id": 1}])
def test_a_body_that_is_not_a_json_rpc_message_is_an_invalid_request(send: Send, body: Any) -> None:
    assert_error(send(post(body)), 400, -32600, "2025-03-26")


# -- Origin and Host -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "http://localhost",
        "http://localhost:3000",
        "https://127.0.0.1:8443",
        "http://[::1]:5173",
        "http://127.1.2.3",
    ],
)
def test_loopback_origins_are_accepted_by_default(send: Send, origin: str) -> None:
    assert send(post(request("ping"), {"origin": origin})).status == 200


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "null",
        "http://localhost.evil.example",
        "file://localhost",
        "http://localhost:x",
        "ftp://127.0.0.1",
    ],
)
def test_other_origins_are_refused_with_403(send: Send, origin: str) -> None:
    response = send(post(request("ping"), {"origin": origin}))
    assert response.status == 403 and error_code(response) == -32600


def test_a_request_from_a_rebinding_page_is_refused(send: Send) -> None:
    headers = {"host": "evil.example.com", "origin": "http://evil.example.com"}
    assert (
        send(post(modern("server/discover"), {**modern_headers("server/discover"), **headers})).status == 403
    )
    assert send(post(initialize(), {"mcp-protocol-version": "2025-11-25", **headers})).status == 403


def test_configured_origins_are_accepted_and_loopback_can_be_turned_off(entry: str) -> None:
    send = endpoint_for(entry, allowed_origins=["https://app.example"], allow_loopback=False)
    assert send(post(request("ping"), {"origin": "https://app.example"})).status == 200
    assert send(post(request("ping"), {"origin": "https://APP.example/"})).status == 200
    assert send(post(request("ping"), {"origin": "http://localhost:3000"})).status == 403
    assert send(post(request("ping"))).status == 200
    assert (
        endpoint_for(entry, allowed_origins=["*"])(
            post(request("ping"), {"origin": "https://x.example"})
        ).status
        == 200
    )


def test_the_host_is_checked_only_when_allowed_hosts_are_configured(entry: str) -> None:
    assert endpoint_for(entry)(post(request("ping"), {"host": "anything.example"})).status == 200
    send = endpoint_for(entry, allowed_hosts=["api.example", "localhost:8000", "[::1]"])
    for host in ("api.example", "api.example:443", "localhost:8000", "[::1]:9000"):
        assert send(post(request("ping"), {"host": host})).status == 200, host
    for host in ("evil.example", "localhost:9000", "", "api.example.evil"):
        assert send(post(request("ping"), {"host": host})).status == 421, host
    assert send(post(request("ping"))).status == 421


# -- the handshake era ---------------------------------------------------------------------------


def test_initialize_is_answered_without_minting_a_session(send: Send) -> None:
    response = send(post(initialize("2025-06-18")))
    assert response.status == 200 and no_session(response)
    assert body_of(response)["result"]["protocolVersion"] == "2025-06-18"


def test_a_session_id_sent_by_the_client_is_ignored(send: Send) -> None:
    response = send(
        post(
            legacy_call("add", {"a": 1, "b": 2}),
            {"mcp-session-id": "abc", "mcp-protocol-version": "2025-11-25"},
        )
    )
    assert response.status == 200 and no_session(response)


def test_a_notification_is_accepted_with_202_and_no_body(send: Send) -> None:
    response = send(post(notification("notifications/initialized"), {"mcp-protocol-version": "2025-11-25"}))
    assert (response.status, response.body) == (202, b"")


def test_without_a_version_header_a_request_is_served_at_2025_03_26(send: Send) -> None:
    result = body_of(send(post(legacy_call("add", {"a": 1, "b": 2}))))["result"]
    assert "structuredContent" not in result
    conforms(result, "2025-03-26", "CallToolResult")


@pytest.mark.parametrize(
    ("version", "structured"), [("2025-06-18", {"result": 3}), ("2025-11-25", {"result": 3})]
)
def test_the_version_header_sets_the_shape_of_a_handshake_result(
    send: Send, version: str, structured: Any
) -> None:
    result = body_of(send(post(legacy_call("add", {"a": 1, "b": 2}), {"mcp-protocol-version": version})))[
        "result"
    ]
    assert result["structuredContent"] == structured


def test_a_batch_is_answered_without_a_version_header_or_at_2025_03_26(send: Send) -> None:
    batch = [request("ping", request_id=1), legacy_call("add", {"a": 1, "b": 2}, 2)]
    for headers in ({}, {"mcp-protocol-version": "2025-03-26"}):
        response = send(post(batch, headers))
        assert response.status == 200 and [m["id"] for m in body_of(response)] == [1, 2]
    assert send(post([notification("notifications/initialized")])).status == 202


@pytest.mark.parametrize("version", ["2025-06-18", "2025-11-25", "2026-07-28"])
def test_a_batch_is_refused_at_later_versions(send: Send, version: str) -> None:
    assert_error(send(post([request("ping")], {"mcp-protocol-version": version})), 400, -32600, version)


def test_an_unknown_handshake_method_is_not_found_with_200(send: Send) -> None:
    response = send(post(request("prompts/list"), {"mcp-protocol-version": "2025-11-25"}))
    assert_error(response, 200, -32601, "2025-11-25")


# -- the modern era: the ladder of checks --------------------------------------------------------


def test_a_modern_request_with_matching_headers_is_served(send: Send) -> None:
    response = send(post_modern(modern_call("add", {"a": 1, "b": 2})))
    assert response.status == 200 and no_session(response)
    assert body_of(response)["result"]["structuredContent"] == 3


def test_a_modern_version_header_without_an_envelope_is_invalid_params(send: Send) -> None:
    response = send(post(request("tools/list", {}), modern_headers("tools/list")))
    assert_error(response, 400, -32602)


def test_an_unsupported_version_header_is_refused_even_without_an_envelope(send: Send) -> None:
    response = send(post(request("tools/list", {}), modern_headers("tools/list", version="v999.0.0")))
    assert_error(response, 400, -32022)
    assert body_of(response)["error"]["data"]["requested"] == "v999.0.0"
    both = send(
        post(modern("tools/list", version="v999.0.0"), modern_headers("tools/list", version="v999.0.0"))
    )
    assert_error(both, 400, -32022)


@pytest.mark.parametrize(
    ("message", "headers"),
    [
        (modern("tools/list", version="v999.0.0"), modern_headers("tools/list")),
        (modern("tools/list"), {}),
        (modern("tools/list"), modern_headers("tools/list", version="2025-11-25")),
        (modern("tools/list"), {"mcp-protocol-version": "2026-07-28"}),
        (modern("tools/list"), modern_headers("tools/call")),
        (modern("tools/list"), modern_headers("TOOLS/LIST")),
        (modern_call("add", {"a": 1, "b": 2}), modern_headers("tools/call")),
        (modern_call("add", {"a": 1, "b": 2}), modern_headers("tools/call", "greet")),
        (modern_call("add", {"a": 1, "b": 2}), modern_headers("tools/call", "=?base64?not-base64?=")),
        (modern_call("add", {"a": 1, "b": 2}), modern_headers("tools/call", "=?base64?Z3JlZXQ=?=")),
    ],
)
def test_routing_headers_that_disagree_with_the_body_are_a_header_mismatch(
    send: Send, message: dict[str, Any], headers: dict[str, str]
) -> None:
    assert_error(send(post(message, headers)), 400, -32020)


@pytest.mark.parametrize("name", ["  add  ", "=?base64?" + base64.b64encode(b"add").decode() + "?="])
def test_a_padded_or_encoded_name_header_matches(send: Send, name: str) -> None:
    response = send(post(modern_call("add", {"a": 1, "b": 2}), modern_headers("tools/call", name)))
    assert response.status == 200


@pytest.mark.parametrize(
    "method", ["initialize", "ping", "logging/setLevel", "resources/subscribe", "unknown/method"]
)
def test_a_method_the_modern_era_lacks_is_404(send: Send, method: str) -> None:
    assert_error(send(post_modern(modern(method))), 404, -32601)


def test_an_unknown_tool_is_invalid_params_with_200(send: Send) -> None:
    response = send(post_modern(modern_call("nope", {})))
    assert_error(response, 200, -32602)
    assert body_of(response)["error"]["data"] == {"kind": "not_found"}


def test_a_tool_error_is_a_result_not_an_http_error(send: Send) -> None:
    response = send(post_modern(modern_call("fail", {"message": "no"})))
    assert response.status == 200
    assert body_of(response)["result"]["_meta"]["dev.diplex/error"]["kind"] == "tool_error"


def test_an_invalid_cursor_is_invalid_params(send: Send) -> None:
    assert_error(send(post_modern(modern("tools/list", {"cursor": "bogus"}))), 200, -32602)
