"""JSON-RPC 2.0 as MCP uses it: error codes, the statuses HTTP gives them, message builders."""

from __future__ import annotations

from typing import Any, Final

from ..errors import DiplexError

__all__ = [
    "HEADER_MISMATCH",
    "INTERNAL_ERROR",
    "INVALID_PARAMS",
    "INVALID_REQUEST",
    "METHOD_NOT_FOUND",
    "MISSING_CAPABILITY",
    "PARSE_ERROR",
    "UNSUPPORTED_VERSION",
    "JsonObject",
    "RequestId",
    "RpcError",
    "error_message",
    "result_message",
]

JsonObject = dict[str, Any]
RequestId = str | int

PARSE_ERROR: Final = -32700
INVALID_REQUEST: Final = -32600
METHOD_NOT_FOUND: Final = -32601
INVALID_PARAMS: Final = -32602
INTERNAL_ERROR: Final = -32603
HEADER_MISMATCH: Final = -32020
MISSING_CAPABILITY: Final = -32021
UNSUPPORTED_VERSION: Final = -32022

# Statuses the specification (or its conformance suite) names; every other error answers 200.
_STATUS: Final = {
    PARSE_ERROR: 400,
    INVALID_REQUEST: 400,
    HEADER_MISMATCH: 400,
    MISSING_CAPABILITY: 400,
    UNSUPPORTED_VERSION: 400,
}


class RpcError(DiplexError):
    """A request the dispatcher answers with a JSON-RPC error. Never leaves ``diplex.mcp``.

    ``status`` is the HTTP status of the answer; by default the one the specification names
    for ``code`` (404 for an unknown method in the modern era), else 200.
    """

    def __init__(self, code: int, message: str, data: Any = None, *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data
        self.status = status if status is not None else _STATUS.get(code, 200)


def error_message(request_id: RequestId | None, code: int, message: str, data: Any = None) -> JsonObject:
    """A JSON-RPC error response; without a readable request id the ``id`` is left out."""
    error: JsonObject = {"code": code, "message": message}
    if data is not None:
        error["data"] = data
    if request_id is None:
        return {"jsonrpc": "2.0", "error": error}
    return {"jsonrpc": "2.0", "id": request_id, "error": error}


def result_message(request_id: RequestId, result: JsonObject) -> JsonObject:
    return {"jsonrpc": "2.0", "id": request_id, "result": result}
