"""``diplex local``: plain HTTP in, a Lambda function run by ``awslambdaric`` behind it.

The servers run in a thread of the test process (``LocalServer``), except where the command's
own entry point (``serve_local``) is under test: that runs in a child process, stopped by a
signal as a terminal would stop it.
"""

from __future__ import annotations

import base64
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from diplex.aws.emulator import InvocationResult
from diplex.aws.gateway import EventFormat
from diplex.aws.local import LocalServer, serve_local
from tests.conftest import ROOT

pytest.importorskip("awslambdaric", reason="AWS's runtime client: pip install awslambdaric")

Serve = Callable[..., httpx.Client]


@pytest.fixture
def reports() -> list[InvocationResult]:
    return []


@pytest.fixture
def serve(reports: list[InvocationResult]) -> Iterator[Serve]:
    """Start a ``LocalServer`` for a target on a free port; yields an HTTP client for it."""
    running: list[tuple[LocalServer, threading.Thread, httpx.Client]] = []

    def start(target: str, **options: Any) -> httpx.Client:
        server = LocalServer(target, port=0, task_root=ROOT, on_report=reports.append, **options)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        client = httpx.Client(base_url=server.url, timeout=30)
        running.append((server, thread, client))
        return client

    yield start
    for server, thread, client in running:
        client.close()
        server.shutdown()
        thread.join(timeout=10)
        server.close()


def _seen(response: httpx.Response) -> dict[str, Any]:
    """The handler's summary of the event it received (tests/aws/handlers.py: proxy)."""
    assert response.status_code == 201, response.text
    summary: dict[str, Any] = response.json()
    return summary


@pytest.mark.parametrize("event_format", ["http-v2", "rest-v1", "alb", "function-url"])
def test_each_event_format_carries_the_request_and_the_answer(
    serve: Serve, event_format: EventFormat
) -> None:
    client = serve("tests.aws.handlers:proxy", event_format=event_format)
    response = client.post(
        "/orders/a%20b",
        params=[("x", "1"), ("y", "two")],
        json={"item": "tea"},
        headers={"X-Custom": "yes", "Cookie": "session=abc"},
    )
    event = _seen(response)["event"]
    assert response.headers["x-calls"] == "1"
    assert response.headers.get_list("x-multi") == ["one", "two"]
    v2 = event_format in ("http-v2", "function-url")
    assert response.headers.get_list("set-cookie") == (["first=1", "second=2; Path=/"] if v2 else [])
    assert json.loads(event["body"]) == {"item": "tea"} and event["isBase64Encoded"] is False
    if v2:
        assert (event["rawPath"], event["rawQueryString"]) == ("/orders/a%20b", "x=1&y=two")
        assert event["requestContext"]["http"]["method"] == "POST"
        assert event["cookies"] == ["session=abc"] and event["headers"]["x-custom"] == "yes"
        assert ".lambda-url." in event["requestContext"]["domainName"] or event_format == "http-v2"
    else:
        assert (event["httpMethod"], event["queryStringParameters"]) == ("POST", {"x": "1", "y": "two"})
        headers = {name.lower(): value for name, value in event["headers"].items()}
        assert headers["x-custom"] == "yes" and headers["cookie"] == "session=abc"
        assert headers["x-forwarded-proto"] == "http"
        assert event["path"] == ("/orders/a%20b" if event_format == "alb" else "/orders/a b")


@pytest.mark.parametrize("event_format", ["http-v2", "rest-v1"])
def test_binary_bodies_travel_base64_both_ways(serve: Serve, event_format: EventFormat) -> None:
    client = serve("tests.aws.handlers:proxy", event_format=event_format)
    sent = bytes(range(255, -1, -1))
    event = _seen(client.put("/upload", content=sent, headers={"Content-Type": "application/octet-stream"}))[
        "event"
    ]
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == sent
    response = client.get("/binary")
    assert response.status_code == 200 and response.content == bytes(range(256))
    assert response.headers["content-type"] == "application/octet-stream"


def test_requests_are_served_by_one_warm_function(serve: Serve, reports: list[InvocationResult]) -> None:
    client = serve("tests.aws.handlers:proxy")
    summaries = [_seen(client.get(f"/n/{n}")) for n in range(20)]
    assert [s["calls"] for s in summaries] == list(range(1, 21))
    assert len({s["pid"] for s in summaries}) == 1
    assert len(reports) == 20 and reports[0].init_duration_ms is not None
    assert all(r.init_duration_ms is None for r in reports[1:])


def test_cold_mode_starts_a_fresh_function_for_every_request(
    serve: Serve, reports: list[InvocationResult]
) -> None:
    client = serve("tests.aws.handlers:proxy", cold=True)
    summaries = [_seen(client.get("/")) for _ in range(3)]
    assert [s["calls"] for s in summaries] == [1, 1, 1]
    assert len({s["pid"] for s in summaries}) == 3
    assert all(r.init_duration_ms is not None for r in reports)


@pytest.mark.parametrize(("event_format", "status"), [("http-v2", 500), ("rest-v1", 502)])
def test_a_function_error_is_the_gateways_error_and_the_function_stays_warm(
    serve: Serve, event_format: EventFormat, status: int
) -> None:
    client = serve("tests.aws.handlers:proxy", event_format=event_format)
    failed = client.get("/fail")
    assert failed.status_code == status and failed.json()["message"].lower() == "internal server error"
    assert _seen(client.get("/"))["calls"] == 2


def test_an_answer_without_status_code_is_inferred_by_an_http_api(serve: Serve) -> None:
    response = serve("tests.aws.handlers:proxy").get("/inferred")
    assert response.status_code == 200 and response.json() == {"inferred": True}


def test_a_target_that_fails_to_import_answers_every_request_with_an_error(
    serve: Serve, reports: list[InvocationResult]
) -> None:
    client = serve("tests.aws.broken_handler:handler")
    assert [client.get("/").status_code for _ in range(2)] == [500, 500]
    assert [r.fault for r in reports] == ["init", "init"]


def test_a_chunked_request_body_is_joined(serve: Serve) -> None:
    client = serve("tests.aws.handlers:proxy")
    event = _seen(
        client.post("/", content=iter([b"ab", b"", b"cd" * 5000]), headers={"Content-Type": "text/plain"})
    )
    assert event["event"]["body"] == "ab" + "cd" * 5000


def test_a_malformed_request_is_refused_before_the_function_sees_it(
    serve: Serve, reports: list[InvocationResult]
) -> None:
    url = serve("tests.aws.handlers:proxy").base_url
    with socket.create_connection((url.host, url.port or 80), timeout=10) as connection:
        connection.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n")
        assert connection.recv(100).startswith(b"HTTP/1.1 400 ")
    assert reports == []


def test_a_head_request_gets_headers_only(serve: Serve) -> None:
    response = serve("tests.aws.handlers:proxy").head("/")
    assert (
        response.status_code == 201
        and response.content == b""
        and int(response.headers["content-length"]) > 0
    )


@pytest.mark.parametrize("cold", [False, True])
def test_a_registry_is_served_through_the_lambda_handler(serve: Serve, cold: bool) -> None:
    client = serve("examples.tools:registry", cold=cold)
    for a in range(3):
        response = client.post("/tools/add", json={"a": a, "b": 2})
        assert (response.status_code, response.json()) == (200, a + 2)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
async def test_the_mcp_client_calls_the_example_tools_through_diplex_local(serve: Serve, mode: str) -> None:
    from mcp import Client

    url = str(serve("examples.tools:registry").base_url).rstrip("/") + "/mcp"
    async with Client(url, mode=mode) as client:
        listed = await client.list_tools()
        result = await client.call_tool("add", {"a": 2, "b": 3})
    assert "add" in {tool.name for tool in listed.tools}
    assert result.structured_content in (5, {"result": 5})  # the handshake era wraps a scalar


def _line(stream: Any, timeout: float) -> str:
    """One line from a child's pipe, or fail after ``timeout`` seconds (never hang)."""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        assert selector.select(timeout), f"no output within {timeout} s"
    line: str = stream.readline()
    return line


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_local_serves_until_stopped_and_stops_its_function(stop: signal.Signals) -> None:
    code = "import sys, diplex.aws.local as l; sys.exit(l.serve_local('tests.aws.handlers:proxy', port=0))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        banner = _line(child.stdout, timeout=20)
        assert "tests.aws.handlers:proxy on http://127.0.0.1:" in banner and "http-v2 events" in banner
        url = banner.split(" on ")[1].split(" ")[0]
        response = httpx.get(f"{url}/hello", timeout=20)
        pid = response.json()["pid"]
        child.send_signal(stop)
        _, errors = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0
    assert "REPORT RequestId: " in errors and "Init Duration: " in errors
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@pytest.mark.parametrize(
    ("target", "options", "message"),
    [
        ("no_colon", {}, "expected module:attribute"),
        ("tests.aws.handlers:proxy", {"event_format": "websocket"}, "unknown event format"),
        ("tests.aws.handlers:proxy", {"memory": 1}, "128 to 10240 MB"),
    ],
)
def test_serve_local_refuses_a_bad_target_or_option(
    target: str, options: dict[str, Any], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert serve_local(target, port=0, **options) == 2
    assert message in capsys.readouterr().err
