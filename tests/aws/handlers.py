"""Lambda handlers the emulator tests run through AWS's runtime client (``awslambdaric``).

Module state (``_calls``) lives as long as the runtime process: a warm environment keeps
counting, a cold one starts again at 1.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import threading
from typing import Any

_calls = 0


class TeapotError(Exception):
    """A handler's own error type, which Lambda reports as the ``errorType``."""


def _count() -> int:
    global _calls
    _calls += 1
    return _calls


def echo(event: Any, context: Any) -> dict[str, Any]:
    """The event back, with what the runtime told the handler about the invocation."""
    return {
        "event": event,
        "pid": os.getpid(),
        "calls": _count(),
        "request_id": context.aws_request_id,
        "function_arn": context.invoked_function_arn,
        "function_name": context.function_name,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "log_group_name": context.log_group_name,
        "client_context": context.client_context.custom if context.client_context else None,
        "cognito_identity_id": context.identity.cognito_identity_id,
        "trace_id": os.environ.get("_X_AMZN_TRACE_ID"),
        "execution_env": os.environ.get("AWS_EXECUTION_ENV"),
        "task_root": os.environ.get("LAMBDA_TASK_ROOT"),
    }


def mixed(event: dict[str, Any], context: Any) -> Any:
    """One handler, several behaviours, chosen by ``event["op"]``."""
    calls = _count()
    op = event["op"]
    if op == "add":
        return {"sum": event["a"] + event["b"], "pid": os.getpid(), "calls": calls}
    if op == "raise":
        raise TeapotError(f"refused {event['n']}")
    if op == "echo":
        return {"value": event["value"], "pid": os.getpid(), "calls": calls}
    if op == "hang":
        if "started" in event:  # tell the test, listening on that port, that it is in progress
            socket.create_connection(("127.0.0.1", event["started"]), timeout=10).close()
        threading.Event().wait()  # never set: only the function timeout ends this
    if op == "exit":
        os._exit(3)
    if op == "big":
        return "x" * event["size"]
    raise ValueError(f"unknown op {op!r}")


def probe(event: Any, context: Any) -> dict[str, int]:
    """Call the Runtime API as a misbehaving runtime would, and report the status codes."""
    statuses = {}
    for name, path in [
        ("unknown_request", "/2018-06-01/runtime/invocation/not-a-request-id/response"),
        ("late_init_error", "/2018-06-01/runtime/init/error"),
        ("no_such_endpoint", "/2018-06-01/runtime/nothing"),
    ]:
        connection = http.client.HTTPConnection(os.environ["AWS_LAMBDA_RUNTIME_API"], timeout=10)
        connection.request("POST", path, b"{}", {"Content-Type": "application/json"})
        statuses[name] = connection.getresponse().status
        connection.close()
    return statuses


def proxy(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """An HTTP function: answers in the proxy format every HTTP event source understands."""
    calls = _count()
    path = event.get("rawPath") or event.get("path")
    if path == "/fail":
        raise TeapotError("no coffee here")
    if path == "/inferred":
        return {"inferred": True}  # no statusCode: HTTP APIs and Function URLs answer 200 JSON
    if path == "/binary":
        return {
            "statusCode": 200,
            "headers": {"Content-Type": "application/octet-stream"},
            "body": base64.b64encode(bytes(range(256))).decode(),
            "isBase64Encoded": True,
        }
    summary = {"pid": os.getpid(), "calls": calls, "event": event}
    return {
        "statusCode": 201,
        "headers": {"Content-Type": "application/json", "X-Calls": str(calls)},
        "multiValueHeaders": {"X-Multi": ["one", "two"]},
        "cookies": ["first=1", "second=2; Path=/"],
        "body": json.dumps(summary),
        "isBase64Encoded": False,
    }
