"""FastAPI's OpenTelemetry check, lightened in diplex's app (``diplex.rest.telemetry``): the
same answer as FastAPI's own in every state, and spans for REST and MCP calls alike once a
provider is set, however late.

OpenTelemetry's providers can be set only once in a process, so the cases that set one run in
a fresh interpreter each.
"""

from __future__ import annotations

from typing import ClassVar

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import diplex
from diplex.rest import create_app
from diplex.rest.telemetry import lighten

from ..conftest import run_isolated

pytestmark = pytest.mark.anyio

# Builds an app, and `calls(client)`: one REST and one MCP tool call, both checked.
APP = """
import asyncio, os
import httpx
from fastapi import FastAPI
import diplex
from diplex.rest import create_app

registry = diplex.Registry("t")

@registry.tool
def add(a: int, b: int) -> int:
    return a + b

app = create_app(registry)
MCP = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
       "params": {"name": "add", "arguments": {"a": 1, "b": 2}}}
HEADERS = {"accept": "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25"}

async def calls(client):
    rest = await client.post("/tools/add", json={"a": 1, "b": 2})
    assert rest.json() == 3, rest.text
    mcp = await client.post("/mcp", json=MCP, headers=HEADERS)
    assert mcp.json()["result"]["structuredContent"] == {"result": 3}, mcp.text

def client():
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")

def fastapi_says():  # FastAPI's own check, on an app diplex did not touch
    return FastAPI()._native_telemetry.enabled()

async def main():  # serve once, then run the case's `then(client)`
    async with client() as c:
        await calls(c)
        await then(c)
"""


def run_case(then: str) -> str:
    """Run ``then`` (the source of ``async def then(c)``) after one round of calls, in a fresh
    interpreter; its stdout."""
    return run_isolated(APP + then + "\nasyncio.run(main())\n")


def test_the_check_is_lightened_with_the_installed_fastapi_and_opentelemetry() -> None:
    # Fails when an upgrade of either moves what the lighter check reads: then every request
    # pays FastAPI's full check again, still correct but slow, and this says so.
    app = FastAPI()
    fastapis = app._native_telemetry.enabled
    check = lighten(app)
    assert check is app._native_telemetry.enabled
    assert check != fastapis and check() is False


def test_an_app_given_its_own_provider_keeps_fastapis_check() -> None:
    app = FastAPI(telemetry={"tracer_provider": TracerProvider()})
    fastapis = app._native_telemetry.enabled
    assert lighten(app) == fastapis
    assert app._native_telemetry.enabled == fastapis and fastapis() is True


def test_a_fastapi_whose_check_cannot_be_read_is_taken_as_recording() -> None:
    # (an older FastAPI without telemetry, or a newer one that keeps it elsewhere: MCP requests
    # then take FastAPI's whole way, and no span can be lost)
    class Plain:
        pass

    class Slotted:  # its check cannot be replaced
        __slots__ = ()
        config: ClassVar[dict[str, object]] = {}

        def enabled(self) -> bool:
            return False

    class Elsewhere:
        _native_telemetry = Slotted()

    assert lighten(Plain())() is True
    checked = lighten(Elsewhere())
    assert checked() is False and checked == Elsewhere._native_telemetry.enabled


def test_spans_for_rest_and_mcp_once_a_provider_is_set_after_requests_were_served() -> None:
    out = run_case("""
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

async def then(c):
    # no provider yet: FastAPI's check says no, and so does diplex's
    assert app._native_telemetry.enabled() is False and fastapi_says() is False
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    assert app._native_telemetry.enabled() is True and fastapi_says() is True
    await calls(c)
    print(sorted(span.attributes.get("url.path") for span in exporter.get_finished_spans()))
""")
    assert out.strip() == "['/mcp', '/tools/add']"  # a server span for each call


def test_a_provider_named_in_the_environment_after_start_turns_telemetry_on() -> None:
    out = run_case("""
from opentelemetry import trace

async def then(c):
    assert app._native_telemetry.enabled() is False
    os.environ["OTEL_PYTHON_TRACER_PROVIDER"] = "sdk_tracer_provider"
    assert app._native_telemetry.enabled() is True  # FastAPI's check loaded the provider
    assert fastapi_says() is True
    del os.environ["OTEL_PYTHON_TRACER_PROVIDER"]
    assert app._native_telemetry.enabled() is True  # a provider, once set, stays
    await calls(c)
    print(type(trace.get_tracer_provider()).__module__)
""")
    assert out.strip() == "opentelemetry.sdk.trace"


async def test_an_app_with_its_own_provider_traces_mcp_calls() -> None:
    registry = diplex.Registry("t")

    @registry.tool
    def add(a: int, b: int) -> int:
        return a + b

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = create_app(registry, telemetry={"tracer_provider": provider})
    message = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "add", "arguments": {"a": 1, "b": 2}},
    }
    headers = {"accept": "application/json", "mcp-protocol-version": "2025-11-25"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        answer = await client.post("/mcp", json=message, headers=headers)
    assert answer.json()["result"]["structuredContent"] == {"result": 3}
    assert [(span.attributes or {}).get("url.path") for span in exporter.get_finished_spans()] == ["/mcp"]
