"""The router inside an app the user already has: its own routes, prefix and lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI, Request
from openapi_spec_validator import validate

from ..servers import uvicorn_server
from . import registries


def test_the_router_joins_an_existing_app_with_its_prefix_and_lifespan() -> None:
    events: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, str]]:
        events.append("startup")
        yield {"greeting": "hello"}
        events.append("shutdown")

    app = FastAPI(title="theirs", lifespan=lifespan)

    @app.get("/own")
    async def own(request: Request) -> dict[str, str]:
        return {"greeting": request.state.greeting}

    app.include_router(registries.outcomes.router(prefix="/fn"), prefix="/api")

    with uvicorn_server(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        assert client.get("/own").json() == {"greeting": "hello"}
        assert client.post("/api/fn/echo_sync", json={"x": 4}).json() == 4
        assert client.post("/api/fn/nosuch", json={}).status_code == 404
        assert client.get("/api/fn").json()["tools"][0]["name"] == "echo_sync"
        spec = client.get("/openapi.json").json()
    assert events == ["startup", "shutdown"]
    validate(spec)
    assert {"/own", "/api/fn/echo_sync", "/api/fn", "/api/fn/{name}"} <= set(spec["paths"])
    assert spec["info"]["title"] == "theirs"
