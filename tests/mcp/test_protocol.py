"""The dispatcher answers raw JSON-RPC messages (the stdio and Lambda direct paths) in both eras."""

from __future__ import annotations

import time
from typing import Any

import pytest

import diplex
from diplex.mcp import Channel, Dispatcher, Reply
from diplex.mcp.jsonrpc import JsonObject
from diplex.runtime import drive

from .messages import initialize, legacy_call, modern, modern_call, notification, request
from .sample import registry
from .schemas import conforms, error_definition

HANDSHAKE = ("2025-03-26", "2025-06-18", "2025-11-25")
dispatcher = Dispatcher(registry)


def answer(message: Any, version: str = "2025-11-25") -> Reply:
    return dispatcher.answer(message, Channel(transport="lambda", default_version=version))


def result_of(message: Any, version: str = "2025-11-25") -> JsonObject:
    reply = answer(message, version)
    assert isinstance(reply.body, dict) and "result" in reply.body, reply
    result: JsonObject = reply.body["result"]
    return result


def error_of(message: Any, version: str = "2025-11-25") -> JsonObject:
    reply = answer(message, version)
    assert isinstance(reply.body, dict) and "error" in reply.body, reply
    conforms(reply.body, version, error_definition(version))
    error: JsonObject = reply.body["error"]
    return error


# -- eras ----------------------------------------------------------------------------------------


def test_a_message_without_meta_is_served_in_the_handshake_era_at_2025_11_25_by_default() -> None:
    reply = Dispatcher(registry).answer(legacy_call("pair", {"x": 3}), Channel(transport="lambda"))
    assert isinstance(reply.body, dict)
    result = reply.body["result"]
    assert result["structuredContent"] == {"result": [3, 3]}
    assert "resultType" not in result and "io.modelcontextprotocol/serverInfo" not in result.get("_meta", {})


def test_a_message_with_meta_is_served_in_the_modern_era() -> None:
    result = result_of(modern_call("pair", {"x": 3}))
    assert result["structuredContent"] == [3, 3]
    assert result["resultType"] == "complete"
    assert result["_meta"]["io.modelcontextprotocol/serverInfo"] == {
        "name": "diplex-test",
        "version": "1.2.3",
    }
    conforms(result, "2026-07-28", "CallToolResult")


STRUCTURED: dict[str, dict[str, Any]] = {
    # tool, arguments -> structuredContent per version (absent: None)
    "add": {"2025-03-26": None, "2025-06-18": {"result": 5}, "2025-11-25": {"result": 5}, "2026-07-28": 5},
    "pair": {"2025-03-26": None, "2025-06-18": {"result": [2, 2]}, "2026-07-28": [2, 2]},
    "point": {
        "2025-03-26": None,
        "2025-11-25": {"x": 2.0, "y": 3.0, "colour": "red"},
        "2026-07-28": {"x": 2.0, "y": 3.0, "colour": "red"},
    },
    "untyped": {"2025-06-18": None, "2026-07-28": None},
}
ARGUMENTS: dict[str, JsonObject] = {
    "add": {"a": 2, "b": 3},
    "pair": {"x": 2},
    "point": {"x": 2, "y": 3},
    "untyped": {"x": 2},
}


@pytest.mark.parametrize(
    ("tool", "version"), [(tool, version) for tool, versions in STRUCTURED.items() for version in versions]
)
def test_structured_results_take_the_shape_of_the_version(tool: str, version: str) -> None:
    if version == "2026-07-28":
        result = result_of(modern_call(tool, ARGUMENTS[tool]))
    else:
        result = result_of(legacy_call(tool, ARGUMENTS[tool]), version)
    expected = STRUCTURED[tool][version]
    assert result.get("structuredContent") == expected
    assert ("structuredContent" in result) == (expected is not None)
    assert result["isError"] is False and result["content"][0]["type"] == "text"
    conforms(result, version, "CallToolResult")


def test_the_text_block_holds_a_string_as_is_and_other_values_as_json() -> None:
    assert result_of(legacy_call("greet", {"name": "Ada"}))["content"] == [
        {"type": "text", "text": "Hello, Ada."}
    ]
    assert result_of(legacy_call("point", {"x": 1, "y": 2}))["content"][0]["text"] == (
        '{"x":1.0,"y":2.0,"colour":"red"}'
    )


@pytest.mark.parametrize(
    ("tool", "arguments", "kind"),
    [
        ("fail", {"message": "no"}, "tool_error"),
        ("crash", {}, "internal"),
        ("slow", {}, "timeout"),
        ("add", {"a": "two", "b": 3}, "invalid_arguments"),
        ("add", {"a": 1}, "invalid_arguments"),
    ],
)
@pytest.mark.parametrize("era", ["handshake", "modern"])
def test_a_failed_call_is_an_error_result_carrying_its_kind(
    tool: str, arguments: JsonObject, kind: str, era: str
) -> None:
    message = modern_call(tool, arguments) if era == "modern" else legacy_call(tool, arguments)
    result = result_of(message)
    assert result["isError"] is True
    assert result["_meta"]["dev.diplex/error"]["kind"] == kind
    assert result["content"][0]["text"]
    assert "secret" not in str(result)
    assert "structuredContent" not in result
    conforms(result, "2026-07-28" if era == "modern" else "2025-11-25", "CallToolResult")


def test_an_error_result_carries_the_details_a_client_can_act_on() -> None:
    invalid = result_of(legacy_call("add", {"a": "two", "b": 3}))["_meta"]["dev.diplex/error"]
    assert invalid["details"] == [
        {"loc": ["a"], "msg": "Input should be a valid integer", "type": "int_type"}
    ]
    failed = result_of(legacy_call("fail", {"message": "no"}))
    assert failed["content"][0]["text"] == "no"
    assert failed["_meta"]["dev.diplex/error"]["data"] == {"why": "asked"}
    crashed = result_of(legacy_call("crash"))["_meta"]["dev.diplex/error"]
    assert (
        crashed["requestId"] in result_of(legacy_call("crash"))["content"][0]["text"] or crashed["requestId"]
    )


@pytest.mark.parametrize("era", ["handshake", "modern"])
def test_an_unknown_tool_is_invalid_params_with_kind_not_found(era: str) -> None:
    message = modern_call("nope", {}) if era == "modern" else legacy_call("nope")
    error = error_of(message, "2025-11-25")
    assert error["code"] == -32602 and error["data"] == {"kind": "not_found"}
    assert answer(message).status == 200


# -- lifecycle and discovery ---------------------------------------------------------------------


@pytest.mark.parametrize("version", HANDSHAKE)
def test_initialize_echoes_a_supported_version(version: str) -> None:
    result = result_of(initialize(version), version)
    assert result["protocolVersion"] == version
    assert result["serverInfo"] == {"name": "diplex-test", "version": "1.2.3"}
    assert result["capabilities"] == {"tools": {"listChanged": False}}
    assert result["instructions"] == "Tools for testing the MCP surface."
    conforms(result, version, "InitializeResult")


@pytest.mark.parametrize("offered", ["2024-11-05", "2026-07-28", "1999-01-01"])
def test_initialize_answers_the_latest_handshake_version_to_one_it_does_not_speak(offered: str) -> None:
    assert result_of(initialize(offered))["protocolVersion"] == "2025-11-25"


def test_initialize_needs_a_protocol_version() -> None:
    assert error_of(request("initialize", {"capabilities": {}}))["code"] == -32602


def test_ping_is_answered_in_the_handshake_era_only() -> None:
    assert result_of(request("ping")) == {}
    error = error_of(modern("ping"), "2026-07-28")
    assert error["code"] == -32601
    assert answer(modern("ping")).status == 404


@pytest.mark.parametrize(
    "method", ["initialize", "logging/setLevel", "resources/list", "prompts/list", "x/y"]
)
def test_methods_the_modern_era_lacks_are_not_found_with_404(method: str) -> None:
    reply = answer(modern(method))
    assert isinstance(reply.body, dict) and reply.body["error"]["code"] == -32601 and reply.status == 404


def test_an_unknown_handshake_method_is_not_found_with_200() -> None:
    reply = answer(request("resources/list"))
    assert isinstance(reply.body, dict) and reply.body["error"]["code"] == -32601 and reply.status == 200


def test_server_discover_describes_the_server() -> None:
    result = result_of(modern("server/discover"))
    assert result["supportedVersions"] == ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"]
    assert result["capabilities"] == {"tools": {}}
    assert result["ttlMs"] == 60_000 and result["cacheScope"] == "public"
    assert result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"] == "diplex-test"
    assert result["instructions"] == "Tools for testing the MCP surface."
    conforms(result, "2026-07-28", "DiscoverResult")


def test_tools_list_is_in_registration_order_in_both_eras() -> None:
    names = [tool.name for tool in registry]
    assert [t["name"] for t in result_of(request("tools/list"))["tools"]] == names
    modern_list = result_of(modern("tools/list"))
    assert [t["name"] for t in modern_list["tools"]] == names
    assert modern_list["resultType"] == "complete" and modern_list["cacheScope"] == "public"
    conforms(modern_list, "2026-07-28", "ListToolsResult")


# -- the modern envelope -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "meta",
    [
        {"io.modelcontextprotocol/protocolVersion": "2026-07-28"},
        {"io.modelcontextprotocol/protocolVersion": 2026, "io.modelcontextprotocol/clientCapabilities": {}},
        {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": [],
        },
    ],
)
def test_an_incomplete_envelope_is_invalid_params_with_400(meta: JsonObject) -> None:
    reply = answer(request("tools/list", {"_meta": meta}))
    assert isinstance(reply.body, dict) and reply.body["error"]["code"] == -32602 and reply.status == 400


def test_an_unsupported_modern_version_lists_the_supported_ones() -> None:
    reply = answer(modern("tools/list", version="2099-01-01"))
    assert reply.status == 400 and isinstance(reply.body, dict)
    assert reply.body["error"]["code"] == -32022
    assert reply.body["error"]["data"] == {
        "supported": ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"],
        "requested": "2099-01-01",
    }
    conforms(reply.body, "2026-07-28", "UnsupportedProtocolVersionError")


def test_a_handshake_request_may_carry_a_progress_token_in_meta() -> None:
    message = request(
        "tools/call", {"name": "add", "arguments": {"a": 1, "b": 1}, "_meta": {"progressToken": 7}}
    )
    assert result_of(message)["structuredContent"] == {"result": 2}


# -- JSON-RPC ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        [],
        "tools/list",
        42,
        None,
        {"id": 1, "method": "ping"},
        {"jsonrpc": "1.0", "id": 1, "method": "ping"},
        {"jsonrpc": "2.0", "id": 1, "method": 5},
        {"jsonrpc": "2.0", "id": True, "method": "ping"},
        {"jsonrpc": "2.0", "id": 1.5, "method": "ping"},
        {"jsonrpc": "2.0", "id": None, "method": "ping"},
        {"jsonrpc": "2.0", "id": [1], "method": "ping"},
        {"jsonrpc": "2.0", "id": 1},
    ],
)
def test_a_message_that_is_not_json_rpc_is_an_invalid_request(message: Any) -> None:
    reply = answer(message, "2025-03-26")
    assert reply.status == 400
    assert isinstance(reply.body, dict) and reply.body["error"]["code"] == -32600
    assert "id" not in reply.body or reply.body["id"] == 1


def test_errors_echo_the_request_id() -> None:
    for request_id in ("abc", 0, 12345678901234):
        reply = answer(request("nope/nope", request_id=request_id))
        assert isinstance(reply.body, dict) and reply.body["id"] == request_id


@pytest.mark.parametrize(
    "params",
    [[1, 2], "x", {"name": 5}, {"name": "add", "arguments": [1, 2]}, {"name": "add", "arguments": "a=1"}, {}],
)
def test_params_of_the_wrong_type_are_invalid_params(params: Any) -> None:
    assert error_of({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params})["code"] == -32602


def test_notifications_and_client_responses_get_no_answer() -> None:
    assert answer(notification("notifications/initialized")) == Reply(None, 202)
    assert answer(notification("notifications/cancelled", {"requestId": 1})) == Reply(None, 202)
    assert answer({"jsonrpc": "2.0", "id": 1, "result": {}}) == Reply(None, 202)


def test_batches_are_answered_in_2025_03_26() -> None:
    batch = [
        request("ping", request_id=1),
        notification("notifications/initialized"),
        legacy_call("add", {"a": 1, "b": 2}, 2),
    ]
    reply = answer(batch, "2025-03-26")
    assert reply.status == 200 and isinstance(reply.body, list)
    assert [m["id"] for m in reply.body] == [1, 2]
    assert reply.body[1]["result"]["content"][0]["text"] == "3"
    conforms(reply.body, "2025-03-26", "JSONRPCBatchResponse")


def test_a_batch_without_requests_needs_no_answer() -> None:
    assert answer([notification("notifications/initialized")], "2025-03-26") == Reply(None, 202)


def test_initialize_must_not_be_batched() -> None:
    reply = answer([initialize("2025-03-26")], "2025-03-26")
    assert isinstance(reply.body, list) and reply.body[0]["error"]["code"] == -32600


@pytest.mark.parametrize("version", ["2025-06-18", "2025-11-25"])
def test_batches_are_refused_after_2025_03_26(version: str) -> None:
    reply = answer([request("ping")], version)
    assert reply.status == 400 and isinstance(reply.body, dict) and reply.body["error"]["code"] == -32600


def test_an_empty_batch_is_an_invalid_request() -> None:
    reply = answer([], "2025-03-26")
    assert isinstance(reply.body, dict) and reply.body["error"]["code"] == -32600


# -- drivers and context -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        legacy_call("add", {"a": 2, "b": 3}),
        modern_call("greet", {"name": "Bo"}),
        modern_call("fail", {"message": "x"}),
        modern("tools/list"),
        initialize(),
    ],
)
def test_the_sync_and_async_drivers_give_the_same_answers(message: JsonObject) -> None:
    channel = Channel(transport="stdio", request_id="same")
    assert dispatcher.answer(message, channel) == drive(dispatcher.answer_async(message, channel))


def test_a_tool_receives_the_channel_in_its_context() -> None:
    seen: list[diplex.ToolContext] = []
    local = diplex.Registry()

    @local.tool
    def look(ctx: diplex.ToolContext) -> None:
        seen.append(ctx)

    deadline = time.monotonic() + 30
    channel = Channel(transport="lambda", deadline=deadline, platform="lambda-context", request_id="req-1")
    Dispatcher(local).answer(legacy_call("look"), channel)
    (ctx,) = seen
    assert (ctx.surface, ctx.transport, ctx.deadline, ctx.platform, ctx.request_id) == (
        "mcp", "lambda", deadline, "lambda-context", "req-1",
    )  # fmt: skip


def test_progress_reaches_the_channel_with_the_request_token() -> None:
    sent: list[JsonObject] = []

    async def notify(message: JsonObject) -> None:
        sent.append(message)

    message = modern_call("count_up", {"steps": 2}, progressToken="tok")
    reply = drive(dispatcher.answer_async(message, Channel(transport="stdio", notify=notify)))
    assert isinstance(reply.body, dict) and reply.body["result"]["structuredContent"] == 2
    assert [m["params"] for m in sent] == [
        {"progressToken": "tok", "progress": 1, "total": 2, "message": "step 1"},
        {"progressToken": "tok", "progress": 2, "total": 2, "message": "step 2"},
    ]
    for m in sent:
        conforms(m, "2026-07-28", "ProgressNotification")


def test_progress_is_dropped_without_a_token_or_a_channel_for_it() -> None:
    sent: list[JsonObject] = []

    async def notify(message: JsonObject) -> None:
        sent.append(message)

    drive(
        dispatcher.answer_async(
            modern_call("count_up", {"steps": 2}), Channel(transport="stdio", notify=notify)
        )
    )
    drive(
        dispatcher.answer_async(
            modern_call("count_up", {"steps": 2}, progressToken=True), Channel("stdio", notify=notify)
        )
    )
    assert result_of(modern_call("count_up", {"steps": 2}, progressToken="t"))["structuredContent"] == 2
    assert sent == []
