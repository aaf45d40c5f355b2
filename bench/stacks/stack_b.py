"""B: FastAPI + Mangum, REST only: a sync route for ``add``, an async route for ``echo``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from mangum import Mangum
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


def build_app(**options: Any) -> FastAPI:
    app = FastAPI(**options)

    @app.post("/tools/add")
    def add_route(args: AddArgs) -> int:
        return add(args.a, args.b)

    @app.post("/tools/echo")
    async def echo_route(args: EchoArgs) -> str:
        return await echo(args.text)

    return app


app = build_app()
handler = Mangum(app, lifespan="off")


def asgi_app() -> Any:
    """The app for server mode (uvicorn --factory)."""
    return build_app()


CASES = ("rest",)
