"""The Lambda handler: every source, its own routes, Mangum for the rest, non-HTTP events."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from fastapi import FastAPI, Request

import diplex
from diplex.aws import lambda_handler
from diplex.errors import (
    AppStartupFailed,
    InternalError,
    InvalidArguments,
    ToolFailed,
    ToolNotFound,
    ToolTimeout,
    UnsupportedEvent,
)
from tests.aws.factories import (
    MODERN,
    alb_event,
    direct_event,
    function_url_event,
    http_v2_event,
    json_body,
    modern_call,
    modern_headers,
    rest_v1_event,
    rpc,
)
from tests.conftest import run_isolated

registry = diplex.Registry("lambda-tests")
release = threading.Event()


@registry.tool
def add(a: int, b: int) -> int:
    return a + b


@registry.tool
async def echo(text: str) -> str:
    await asyncio.sleep(0)
    return text


@registry.tool
def refuse() -> None:
    raise diplex.ToolError("no", data={"why": "because"})


@registry.tool
def crash() -> None:
    raise RuntimeError("secret")


@registry.tool
def slow() -> str:
    release.wait(30)
    return "late"


@registry.tool
async def aslow() -> str:
    await asyncio.sleep(30)
    return "late"


@registry.tool
def platform(ctx: diplex.ToolContext) -> dict[str, Any]:
    return {
        "request": ctx.request_id,
        "function": getattr(ctx.platform, "function_name", None),
        "surface": ctx.surface,
        "transport": ctx.transport,
    }


class FakeContext:
    """What the Lambda runtime passes as ``context`` (the fields diplex reads)."""

    def __init__(self, remaining_ms: int = 30_000, request_id: str = "aws-req-1") -> None:
        self.aws_request_id = request_id
        self.function_name = "diplex-fn"
        self._deadline = time.monotonic() + remaining_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@pytest.fixture(autouse=True)
def _release() -> Iterator[None]:
    yield
    release.set()
    release.clear()


handler = lambda_handler(registry)

SHAPES: dict[str, Callable[..., dict[str, Any]]] = {
    "http-v2": http_v2_event,
    "function-url": function_url_event,
    "rest-v1": rest_v1_event,
    "alb": alb_event,
    "alb-multi": lambda *a, **k: alb_event(*a, multi_value=True, **k),
    "http-v1.0": lambda *a, **k: rest_v1_event(*a, version="1.0", **k),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_rest_tool_call_from_every_source(shape: str) -> None:
    event = SHAPES[shape]("POST", "/tools/add", body=json.dumps({"a": 2, "b": 3}))
    answer = handler(event, FakeContext())
    assert answer["statusCode"] == 200 and json_body(answer) == 5


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/tools/add", '{"a": "2", "b": 3}', 422),
        ("/tools/nope", "{}", 404),
        ("/tools/add", "[1]", 400),
        ("/tools/add", "{not json", 400),
        ("/tools/refuse", "{}", 400),
        ("/tools/crash", "{}", 500),
    ],
)
def test_rest_errors_map_to_statuses(path: str, body: str, status: int) -> None:
    answer = handler(http_v2_event("POST", path, body=body), FakeContext())
    assert answer["statusCode"] == status
    detail = json_body(answer)["detail"]
    assert detail
    assert "secret" not in json.dumps(detail)


def test_a_named_stage_and_base_path_reach_the_right_route() -> None:
    staged = lambda_handler(registry, base_paths=["/api"])
    event = http_v2_event("POST", "/api/tools/add", body='{"a":1,"b":1}', stage="Prod")
    assert json_body(staged(event, FakeContext())) == 2


def test_a_body_marked_base64_that_is_not_gets_400_not_a_crash() -> None:
    event = rest_v1_event("POST", "/tools/add", body="Hello from Lambda!")
    event["isBase64Encoded"] = True
    answer = handler(event, FakeContext())
    assert answer["statusCode"] == 400
    assert "base64" in json_body(answer)["detail"]


def test_base64_bodies_are_decoded_before_the_size_limit() -> None:
    small = lambda_handler(registry, max_body_size=64)
    body = json.dumps({"a": 1, "b": 2}).encode()
    ok = small(http_v2_event("POST", "/tools/add", body=body, base64_body=True), FakeContext())
    assert ok["statusCode"] == 200
    big = json.dumps({"a": 1, "b": 2, "pad": "x" * 60}).encode()
    assert (
        small(http_v2_event("POST", "/tools/add", body=big, base64_body=True), FakeContext())["statusCode"]
        == 413
    )


# -- MCP over HTTP events --------------------------------------------------------------------


def test_mcp_handshake_era_from_an_http_event() -> None:
    headers = {"accept": "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25"}
    call = rpc("tools/call", {"name": "add", "arguments": {"a": 1, "b": 2}})
    answer = handler(http_v2_event("POST", "/mcp", body=json.dumps(call), headers=headers), FakeContext())
    assert answer["statusCode"] == 200
    result = json_body(answer)["result"]
    assert result["structuredContent"] == {"result": 3} and result["isError"] is False
    assert "mcp-session-id" not in {k.lower() for k in answer["headers"]}


def test_mcp_modern_era_from_an_http_event() -> None:
    body = json.dumps(modern_call("echo", {"text": "hi"}))
    event = rest_v1_event("POST", "/mcp", body=body, headers=modern_headers("tools/call", "echo"))
    answer = handler(event, FakeContext())
    assert answer["statusCode"] == 200
    assert json_body(answer)["result"]["structuredContent"] == "hi"


def test_mcp_get_is_405() -> None:
    answer = handler(http_v2_event("GET", "/mcp"), FakeContext())
    assert answer["statusCode"] == 405


# -- the rest goes through Mangum ---------------------------------------------------------------


def test_docs_and_openapi_come_through_mangum() -> None:
    docs = handler(http_v2_event("GET", "/docs"), FakeContext())
    assert docs["statusCode"] == 200 and "swagger" in docs["body"].lower()
    spec = handler(http_v2_event("GET", "/openapi.json"), FakeContext())
    assert "/tools/add" in json_body(spec)["paths"]


def test_the_loop_is_made_current_again_before_mangum_runs() -> None:
    asyncio.run(asyncio.sleep(0))  # clears the main thread's current loop, as in the original bug
    answer = handler(http_v2_event("GET", "/openapi.json"), FakeContext())
    assert answer["statusCode"] == 200


def make_user_app(log: list[str]) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        log.append("startup")
        yield {"greeting": "hello from lifespan"}
        log.append("shutdown")

    app = FastAPI(lifespan=lifespan)

    @app.get("/hello/{name}")
    async def hello(name: str, request: Request) -> dict[str, Any]:
        return {"hello": name, "state": request.state.greeting, "query": dict(request.query_params)}

    @app.post("/echo")
    async def echo_body(request: Request) -> dict[str, Any]:
        return {
            "body": (await request.body()).decode(),
            "cookies": dict(request.cookies),
            "path": request.url.path,
            "method": request.method,
        }

    return app


def test_a_user_app_serves_its_routes_and_its_lifespan_starts_once() -> None:
    log: list[str] = []
    user = lambda_handler(registry, app=make_user_app(log))
    for i in range(30):
        answer = user(http_v2_event("GET", f"/hello/n{i}", query="x=1"), FakeContext())
        assert json_body(answer) == {"hello": f"n{i}", "state": "hello from lifespan", "query": {"x": "1"}}
    assert json_body(user(http_v2_event("POST", "/tools/add", body='{"a":1,"b":1}'), FakeContext())) == 2
    answer = user(http_v2_event("POST", "/echo", body="raw", cookies=["c=1"], stage="beta"), FakeContext())
    assert json_body(answer) == {"body": "raw", "cookies": {"c": "1"}, "path": "/echo", "method": "POST"}
    assert log == ["startup"]
    user._fallback.lifespan.shutdown()  # type: ignore[union-attr]
    assert log == ["startup", "shutdown"]


def test_a_failing_startup_fails_the_invocation_and_is_retried() -> None:
    attempts: list[int] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("database unreachable")
        yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/ok")
    async def ok() -> str:
        return "ok"

    user = lambda_handler(registry, app=app)
    with pytest.raises(AppStartupFailed, match="database unreachable"):
        user(http_v2_event("GET", "/ok"), FakeContext())
    assert json_body(user(http_v2_event("GET", "/ok"), FakeContext())) == "ok"
    assert len(attempts) == 2


def test_lifespan_shuts_down_on_sigterm_then_calls_the_previous_handler() -> None:
    out = run_isolated(
        """
        import os, signal, json
        from contextlib import asynccontextmanager
        from fastapi import FastAPI
        import diplex
        from diplex.aws import lambda_handler
        from tests.aws.factories import http_v2_event

        seen = []
        signal.signal(signal.SIGTERM, lambda s, f: seen.append("previous handler"))

        @asynccontextmanager
        async def lifespan(app):
            seen.append("startup")
            yield
            seen.append("shutdown")

        app = FastAPI(lifespan=lifespan)

        @app.get("/x")
        async def x():
            return 1

        handler = lambda_handler(diplex.Registry(), app=app)
        for _ in range(5):
            assert handler(http_v2_event("GET", "/x"), None)["statusCode"] == 200
        os.kill(os.getpid(), signal.SIGTERM)
        print(json.dumps(seen))
        """
    )
    assert json.loads(out) == ["startup", "shutdown", "previous handler"]


# -- direct invocations -------------------------------------------------------------------------


def test_direct_invocation_returns_the_value_itself() -> None:
    assert handler(direct_event("add", {"a": 4, "b": 5}), FakeContext()) == 9
    assert handler(direct_event("echo", {"text": "x"}), FakeContext()) == "x"


@pytest.mark.parametrize(
    ("event", "error"),
    [
        (direct_event("nope", {}), ToolNotFound),
        (direct_event("add", {"a": "1", "b": 2}), InvalidArguments),
        (direct_event("add", [1, 2]), InvalidArguments),
        (direct_event(5, {}), InvalidArguments),
        ({"tool": None}, InvalidArguments),
        (direct_event("refuse", {}), ToolFailed),
        (direct_event("crash", {}), InternalError),
    ],
)
def test_direct_invocation_failures_raise_typed_errors(event: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        handler(event, FakeContext())
    assert isinstance(caught.value, diplex.DiplexError)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert "secret" not in str(caught.value)


def test_direct_tool_failure_carries_its_data_and_internal_errors_a_request_id() -> None:
    with pytest.raises(ToolFailed) as failed:
        handler(direct_event("refuse", {}), FakeContext())
    assert failed.value.data == {"why": "because"} and failed.value.kind == "tool_error"
    with pytest.raises(InternalError, match="aws-req-1"):
        handler(direct_event("crash", {}), FakeContext(request_id="aws-req-1"))


# -- raw MCP messages ---------------------------------------------------------------------------


def test_a_raw_handshake_message_is_answered() -> None:
    answer = handler(rpc("tools/call", {"name": "add", "arguments": {"a": 1, "b": 1}}), FakeContext())
    assert answer["result"]["structuredContent"] == {"result": 2}
    listing = handler(rpc("tools/list", id_=2), FakeContext())
    assert [t["name"] for t in listing["result"]["tools"]][:2] == ["add", "echo"]


def test_a_raw_modern_message_is_answered_without_header_checks() -> None:
    answer = handler(modern_call("add", {"a": 2, "b": 2}), FakeContext())
    assert answer["result"]["structuredContent"] == 4
    assert answer["result"]["_meta"]["io.modelcontextprotocol/serverInfo"]["name"] == "lambda-tests"
    assert MODERN


def test_a_raw_notification_gets_no_answer() -> None:
    assert handler(rpc("notifications/initialized", id_=None), FakeContext()) is None


# -- context and deadlines ----------------------------------------------------------------------


def test_the_lambda_context_reaches_tools() -> None:
    context = FakeContext(request_id="aws-req-9")
    assert handler(direct_event("platform", {}), context) == {
        "request": "aws-req-9",
        "function": "diplex-fn",
        "surface": "direct",
        "transport": "lambda",
    }
    answer = handler(http_v2_event("POST", "/tools/platform", body="{}"), context)
    assert json_body(answer)["surface"] == "rest"


@pytest.mark.parametrize("tool", ["slow", "aslow"])
def test_an_overrunning_tool_is_answered_before_the_lambda_deadline(tool: str) -> None:
    context = FakeContext(remaining_ms=700)  # 0.25 s margin: the tool gets about 0.45 s
    start = time.monotonic()
    answer = handler(http_v2_event("POST", f"/tools/{tool}", body="{}"), context)
    assert answer["statusCode"] == 504
    assert time.monotonic() - start < 0.7  # answered before Lambda would have killed us
    with pytest.raises(ToolTimeout):
        handler(direct_event(tool, {}), FakeContext(remaining_ms=700))


# -- configuration and unknown events -----------------------------------------------------------


@pytest.mark.parametrize("event", [{}, {"Records": [{"eventSource": "aws:sqs"}]}, [1, 2], "text", None])
def test_unknown_events_raise_unsupported_event_naming_the_sources(event: Any) -> None:
    with pytest.raises(UnsupportedEvent, match="API Gateway REST API"):
        handler(event, FakeContext())


def test_bad_configuration_is_refused() -> None:
    with pytest.raises(ValueError, match="surfaces"):
        lambda_handler(registry, surfaces={"soap"})
    with pytest.raises(ValueError, match="surfaces"):
        lambda_handler(registry, surfaces=set())
    with pytest.raises(ValueError, match="deadline_margin"):
        lambda_handler(registry, deadline_margin=-1)


def test_rest_only_handler_does_not_answer_mcp() -> None:
    rest_only = lambda_handler(registry, surfaces={"rest"})
    assert (
        rest_only(http_v2_event("POST", "/tools/add", body='{"a":1,"b":2}'), FakeContext())["statusCode"]
        == 200
    )
    with pytest.raises(UnsupportedEvent, match="does not serve MCP"):
        rest_only(rpc("ping"), FakeContext())


def test_mcp_only_handler_never_imports_fastapi_starlette_or_mangum() -> None:
    out = run_isolated(
        """
        import sys, json
        import diplex
        from diplex.aws import lambda_handler
        from tests.aws.factories import http_v2_event, rpc, direct_event

        registry = diplex.Registry()

        @registry.tool
        def add(a: int, b: int) -> int:
            return a + b

        handler = lambda_handler(registry, surfaces={"mcp"})
        call = rpc("tools/call", {"name": "add", "arguments": {"a": 1, "b": 2}})
        headers = {"accept": "application/json, text/event-stream"}
        mcp = handler(http_v2_event("POST", "/mcp", body=json.dumps(call), headers=headers), None)
        docs = handler(http_v2_event("GET", "/docs"), None)
        rest = handler(http_v2_event("POST", "/tools/add", body="{}"), None)
        direct = handler(direct_event("add", {"a": 1, "b": 1}), None)
        heavy = [m for m in ("fastapi", "starlette", "mangum") if m in sys.modules]
        print(json.dumps([mcp["statusCode"], docs["statusCode"], rest["statusCode"], direct, heavy]))
        """
    )
    assert json.loads(out) == [200, 404, 404, 2, []]


def test_the_lambda_path_imports_only_what_it_answers_with() -> None:
    # A cold start pays for every module imported: REST and MCP calls answered from the event
    # need neither the ASGI app, nor the fallback and its lifespan, nor a worker-thread queue,
    # nor the reason phrases only ALB answers carry. The fallback is imported for the first
    # request that reaches it, and only once.
    out = run_isolated(
        """
        import sys, json
        import diplex
        from diplex.aws import lambda_handler
        from tests.aws.factories import http_v2_event, rpc

        registry = diplex.Registry()

        @registry.tool
        def add(a: int, b: int) -> int:
            return a + b

        handler = lambda_handler(registry)
        call = rpc("tools/call", {"name": "add", "arguments": {"a": 1, "b": 2}})
        headers = {"accept": "application/json, text/event-stream"}
        mcp = handler(http_v2_event("POST", "/mcp", body=json.dumps(call), headers=headers), None)
        rest = handler(http_v2_event("POST", "/tools/add", body='{"a": 1, "b": 2}'), None)
        lazy = ("diplex.mcp.asgi", "diplex.aws.fallback", "diplex.aws.lifespan", "queue", "http")
        before = [m for m in lazy if m in sys.modules]
        health = handler(http_v2_event("GET", "/health"), None)
        fallback = handler._fallback
        handler(http_v2_event("GET", "/health"), None)
        print(json.dumps([
            mcp["statusCode"], rest["body"], before, health["statusCode"],
            fallback is not None and handler._fallback is fallback,
        ]))
        """
    )
    assert json.loads(out) == [200, "3", [], 200, True]
