"""Reading Lambda events as requests, and framing answers, for every source."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from diplex.aws.events import BadEvent, HttpSource, classify, frame_response, read_request
from diplex.wire import HttpResponse
from tests.aws.factories import alb_event, direct_event, function_url_event, http_v2_event, rest_v1_event, rpc

SHARED_EVENTS = Path(__file__).resolve().parents[3] / "shared" / "lambda-events"
NEGATIVE = "rest-v1_isBase64Encoded-true-but-plain-text-body.json"
MAKERS: dict[str, Callable[..., dict[str, Any]]] = {
    "rest-v1": rest_v1_event,
    "http-v2": http_v2_event,
    "alb": alb_event,
    "function-url": function_url_event,
}


def test_classify_every_shape() -> None:
    assert classify(http_v2_event()) == "http-v2"
    assert classify(function_url_event()) == "function-url"
    assert classify(rest_v1_event()) == "rest-v1"
    assert classify(rest_v1_event(version="1.0")) == "rest-v1"
    assert classify(alb_event()) == "alb"
    assert classify(alb_event(multi_value=True)) == "alb"
    assert classify(direct_event("add", {})) == "direct"
    assert classify(rpc("ping")) == "mcp"
    assert classify([rpc("ping"), rpc("ping", id_=2)]) == "mcp"


@pytest.mark.parametrize("event", [{}, {"foo": 1}, [], [1], "text", 5, None, {"Records": []}])
def test_unknown_shapes_classify_as_none(event: Any) -> None:
    assert classify(event) is None


def test_http_v2_request() -> None:
    event = http_v2_event(
        "POST",
        "/tools/add",
        body='{"a":1}',
        headers={"X-Trace": "t"},
        cookies=["a=1", "b=2"],
        query="x=1&x=2",
    )
    request = read_request(event, "http-v2")
    assert (request.method, request.path, request.body, request.query) == (
        "POST",
        "/tools/add",
        b'{"a":1}',
        "x=1&x=2",
    )
    assert request.headers["x-trace"] == "t"
    assert request.headers["cookie"] == "a=1; b=2"


@pytest.mark.parametrize("stage", ["Prod", "beta", "v1-2", "$default"])
def test_any_named_stage_is_stripped_from_http_api_paths(stage: str) -> None:
    assert read_request(http_v2_event(path="/tools/add", stage=stage), "http-v2").path == "/tools/add"
    assert read_request(http_v2_event(path="/", stage=stage), "http-v2").path == "/"


def test_a_path_that_merely_starts_like_the_stage_is_kept() -> None:
    event = http_v2_event(path="/tools/add")
    event["requestContext"]["stage"] = "tool"
    assert read_request(event, "http-v2").path == "/tools/add"


@pytest.mark.parametrize("source", ["rest-v1", "http-v2", "alb", "function-url"])
def test_configured_base_paths_are_stripped(source: HttpSource) -> None:
    make = MAKERS
    event = make[source]("GET", "/api/v1/tools/add")
    request = read_request(event, source, base_paths=["/other", "/api/v1"])
    assert request.path == "/tools/add"


def test_rest_v1_request_with_multi_value_headers_and_query() -> None:
    event = rest_v1_event(
        "GET", "/x", query={"a": ["1", "2"], "b": ["c d"]}, headers={"Accept": "text/plain"}
    )
    event["multiValueHeaders"]["Accept"] = ["text/plain", "application/json"]
    request = read_request(event, "rest-v1")
    assert request.method == "GET" and request.path == "/x"
    assert request.headers["accept"] == "text/plain, application/json"
    assert request.query == "a=1&a=2&b=c+d"


def test_rest_v1_single_value_headers_only() -> None:
    event = rest_v1_event("GET", "/x")
    del event["multiValueHeaders"], event["multiValueQueryStringParameters"]
    event["queryStringParameters"] = {"q": "1"}
    request = read_request(event, "rest-v1")
    assert request.headers["content-type"] == "application/json" and request.query == "q=1"


@pytest.mark.parametrize("multi", [False, True])
def test_alb_keeps_query_encoding_and_decodes_the_path(multi: bool) -> None:
    event = alb_event("GET", "/a%20b", query={"q": "x%20y"}, multi_value=multi)
    request = read_request(event, "alb")
    assert request.path == "/a b" and request.query == "q=x%20y"


@pytest.mark.parametrize("source", ["rest-v1", "http-v2", "alb", "function-url"])
def test_base64_bodies_are_decoded(source: HttpSource) -> None:
    make = MAKERS
    event = make[source]("POST", "/x", body=b"\x00\xffbinary", base64_body=True)
    assert read_request(event, source).body == b"\x00\xffbinary"


@pytest.mark.parametrize("source", ["rest-v1", "http-v2", "alb", "function-url"])
def test_a_body_marked_base64_that_is_not_is_a_bad_event(source: HttpSource) -> None:
    make = MAKERS
    event = make[source]("POST", "/x", body="Hello from Lambda!")
    event["isBase64Encoded"] = True
    with pytest.raises(BadEvent, match="marked base64-encoded but is not valid base64"):
        read_request(event, source)


def test_a_non_string_body_is_a_bad_event() -> None:
    event = http_v2_event()
    event["body"] = {"a": 1}
    with pytest.raises(BadEvent, match="not a string"):
        read_request(event, "http-v2")


def test_missing_fields_take_safe_defaults() -> None:
    request = read_request({"rawPath": "/x"}, "http-v2")
    assert (request.method, request.path, request.body, dict(request.headers)) == ("GET", "/x", b"", {})
    request = read_request({"httpMethod": "get"}, "rest-v1")
    assert (request.method, request.path) == ("GET", "/")


def test_frame_http_v2_puts_cookies_apart() -> None:
    response = HttpResponse(200, b'{"a":1}', [("content-type", "application/json"), ("set-cookie", "s=1")])
    framed = frame_response(response, "http-v2", http_v2_event())
    assert framed == {
        "statusCode": 200,
        "body": '{"a":1}',
        "isBase64Encoded": False,
        "headers": {"content-type": "application/json"},
        "cookies": ["s=1"],
    }


def test_frame_binary_bodies_as_base64() -> None:
    framed = frame_response(HttpResponse(200, b"\xff\x00"), "rest-v1", rest_v1_event())
    assert framed["isBase64Encoded"] is True and base64.b64decode(framed["body"]) == b"\xff\x00"


def test_frame_rest_v1_has_both_header_styles() -> None:
    response = HttpResponse(201, b"x", [("set-cookie", "a=1"), ("set-cookie", "b=2")])
    framed = frame_response(response, "rest-v1", rest_v1_event())
    assert framed["multiValueHeaders"] == {"set-cookie": ["a=1", "b=2"]}
    assert framed["headers"] == {"set-cookie": "b=2"}


@pytest.mark.parametrize("multi", [False, True])
def test_frame_alb_matches_the_request_header_style(multi: bool) -> None:
    response = HttpResponse(404, b"{}", [("content-type", "application/json")])
    framed = frame_response(response, "alb", alb_event(multi_value=multi))
    assert framed["statusDescription"] == "404 Not Found"
    if multi:
        assert (
            framed["multiValueHeaders"] == {"content-type": ["application/json"]} and "headers" not in framed
        )
    else:
        assert framed["headers"] == {"content-type": "application/json"} and "multiValueHeaders" not in framed


def test_frame_alb_with_an_unknown_status() -> None:
    assert frame_response(HttpResponse(599), "alb", alb_event())["statusDescription"] == "599"


# -- real events written by AWS and others ------------------------------------------------------


def shared_events() -> list[Path]:
    return sorted(SHARED_EVENTS.glob("*.json")) if SHARED_EVENTS.is_dir() else []


@pytest.mark.skipif(not shared_events(), reason=f"{SHARED_EVENTS} is not on this machine")
@pytest.mark.parametrize("path", shared_events(), ids=lambda p: p.stem)
def test_every_shared_event_is_read_or_refused_as_it_should(path: Path) -> None:
    event = json.loads(path.read_text())
    kind = classify(event)
    assert kind in ("rest-v1", "http-v2", "alb", "function-url"), kind
    source: HttpSource = kind
    if path.name == NEGATIVE:
        with pytest.raises(BadEvent):
            read_request(event, source)
        return
    request = read_request(event, source)
    assert request.method in ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
    assert request.path.startswith("/")
    stage = (event.get("requestContext") or {}).get("stage")
    if kind == "http-v2" and stage not in (None, "$default"):
        assert not request.path.startswith(f"/{stage}/"), request.path
    if kind.startswith("rest"):
        assert all(k == k.lower() for k in request.headers)
    if event.get("body") and not event.get("isBase64Encoded"):
        assert request.body == event["body"].encode()
