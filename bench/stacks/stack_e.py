"""E: Powertools for AWS Lambda, ``APIGatewayHttpResolver`` with data validation, REST only.

The resolver is synchronous (``resolve``); the async tool runs on one loop created once, as in A.
"""

from __future__ import annotations

from typing import Any

import _once
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from pydantic import BaseModel


def add(a: int, b: int) -> int:
    return a + b


async def echo(text: str) -> str:
    return text


class AddArgs(BaseModel):
    a: int
    b: int


class EchoArgs(BaseModel):
    text: str


app = APIGatewayHttpResolver(enable_validation=True)
_loop = _once.loop()


@app.post("/tools/add")
def add_route(args: AddArgs) -> int:
    return add(args.a, args.b)


@app.post("/tools/echo")
def echo_route(args: EchoArgs) -> str:
    return _loop.run_until_complete(echo(args.text))


def handler(event: dict[str, Any], context: Any) -> Any:
    return app.resolve(event, context)


CASES = ("rest",)
