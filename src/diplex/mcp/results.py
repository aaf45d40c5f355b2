"""A tool's ``Outcome`` as a ``tools/call`` result, in each version's shape."""

from __future__ import annotations

from ..invoke import Failure, Outcome
from ..wire import dumps
from .catalog import is_object_schema
from .jsonrpc import JsonObject
from .versions import ERROR_KEY, structure

__all__ = ["call_result", "error_detail"]


def error_detail(failure: Failure) -> JsonObject:
    """What a client needs to tell failures apart: the kind, and the details that go with it."""
    detail: JsonObject = {"kind": failure.kind}
    if failure.details:
        detail["details"] = [{"loc": list(d.loc), "msg": d.msg, "type": d.type} for d in failure.details]
    if failure.data is not None:
        detail["data"] = failure.data
    if failure.request_id is not None:
        detail["requestId"] = failure.request_id
    return detail


def call_result(
    outcome: Outcome, output_schema: JsonObject | None, version: str, server_meta: JsonObject | None
) -> JsonObject:
    """The ``CallToolResult``; ``server_meta`` (modern era) goes into its ``_meta``."""
    failure = outcome.error
    result: JsonObject
    if failure is None:
        value = outcome.value
        if isinstance(value, str):
            text = value
        else:
            text = (outcome.encoded if outcome.encoded is not None else dumps(value)).decode()
        result = {"content": [{"type": "text", "text": text}], "isError": False}
        mode = structure(version)
        if output_schema is not None and mode != "none":
            wrap = mode == "object" and not is_object_schema(output_schema)
            result["structuredContent"] = {"result": value} if wrap else value
        meta: JsonObject | None = server_meta
    else:
        result = {"content": [{"type": "text", "text": failure.message}], "isError": True}
        meta = {ERROR_KEY: error_detail(failure)}
        if server_meta is not None:
            meta.update(server_meta)
    if server_meta is not None:
        result["resultType"] = "complete"
    if meta is not None:
        result["_meta"] = meta
    return result
