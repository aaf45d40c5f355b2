"""A: the floor. A bare Lambda handler: json, pydantic validation, call.

REST ``POST /tools/{name}`` from an HTTP API 2.0 event, and direct invocation
``{"tool": name, "arguments": {...}}``. The async tool runs on one loop created once.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from typing import Any

from pydantic import BaseModel, ValidationError


def add(a: int, b: int) -> int:
    return a + b


async def echo(text: str) -> str:
    return text


class AddArgs(BaseModel):
    a: int
    b: int


class EchoArgs(BaseModel):
    text: str


TOOLS: dict[str, tuple[type[BaseModel], Any]] = {"add": (AddArgs, add), "echo": (EchoArgs, echo)}
_loop = asyncio.new_event_loop()
asyncio.set_event_loop(_loop)
_JSON = {"content-type": "application/json"}


def _call(name: str, args: BaseModel) -> Any:
    fn = TOOLS[name][1]
    values = dict(args)
    if inspect.iscoroutinefunction(fn):
        return _loop.run_until_complete(fn(**values))
    return fn(**values)


def _answer(status: int, value: Any) -> dict[str, Any]:
    return {"statusCode": status, "headers": _JSON, "body": json.dumps(value), "isBase64Encoded": False}


def handler(event: dict[str, Any], context: Any) -> Any:
    if "tool" in event:
        name = event["tool"]
        model = TOOLS[name][0]
        return _call(name, model.model_validate(event.get("arguments") or {}))
    path: str = event["rawPath"]
    name = path.rsplit("/", 1)[-1]
    if (
        event["requestContext"]["http"]["method"] != "POST"
        or not path.startswith("/tools/")
        or name not in TOOLS
    ):
        return _answer(404, {"detail": "not found"})
    try:
        args = TOOLS[name][0].model_validate_json(event.get("body") or "{}")
    except ValidationError as exc:
        return _answer(422, {"detail": exc.errors(include_url=False)})
    return _answer(200, _call(name, args))


CASES = ("rest", "direct")
