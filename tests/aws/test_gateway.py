"""What ``diplex local`` does in place of API Gateway, an ALB or a Function URL: build the event
for a request, and turn the function's proxy response into the HTTP response.

Each built event is also read back by the Lambda handler's own event reader, so the two sides
agree on every shape.
"""

from __future__ import annotations

import base64
import json

import pytest

from diplex.aws.events import classify, read_request
from diplex.aws.gateway import (
    EVENT_FORMATS,
    EventFormat,
    GatewayRequest,
    alb_event,
    build_event,
    error_response,
    function_url_event,
    http_v2_event,
    proxy_response,
    rest_v1_event,
)


def post(body: bytes = b'{"a": 1}', content_type: str = "application/json") -> GatewayRequest:
    return GatewayRequest(
        method="POST",
        target="/tools/a%20b?x=1&x=2&q=%3D",
        headers=[
            ("Host", "127.0.0.1:3000"),
            ("Content-Type", content_type),
            ("Cookie", "session=abc; theme=dark"),
            ("X-Repeated", "one"),
            ("X-Repeated", "two"),
        ],
        body=body,
        request_id="req-1",
        time_epoch_ms=1_700_000_000_000,
    )


@pytest.mark.parametrize("event_format", EVENT_FORMATS)
def test_every_built_event_reads_back_as_the_same_request(event_format: EventFormat) -> None:
    event = build_event(post(), event_format)
    assert classify(event) == event_format
    request = read_request(event, event_format)
    assert (request.method, request.path, request.body) == ("POST", "/tools/a b", b'{"a": 1}')
    single_valued = event_format == "alb"  # an ALB's default: the last value of each parameter
    assert sorted(request.query.split("&")) == (
        ["q=%3D", "x=2"] if single_valued else ["q=%3D", "x=1", "x=2"]
    )
    assert request.headers["content-type"] == "application/json"
    assert request.headers["cookie"] == "session=abc; theme=dark"


def test_an_http_api_event_has_the_2_0_shape() -> None:
    event = http_v2_event(post())
    assert event["version"] == "2.0" and event["routeKey"] == "$default"
    assert (event["rawPath"], event["rawQueryString"]) == ("/tools/a%20b", "x=1&x=2&q=%3D")
    assert event["cookies"] == ["session=abc", "theme=dark"] and "cookie" not in event["headers"]
    assert event["headers"]["x-repeated"] == "one,two"
    assert event["queryStringParameters"] == {"x": "1,2", "q": "="}
    assert (event["body"], event["isBase64Encoded"]) == ('{"a": 1}', False)
    context = event["requestContext"]
    assert (context["requestId"], context["stage"], context["timeEpoch"]) == (
        "req-1",
        "$default",
        1_700_000_000_000,
    )
    assert context["http"] == {
        "method": "POST",
        "path": "/tools/a%20b",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "",
    }
    assert context["time"] == "14/Nov/2023:22:13:20 +0000"


def test_a_get_without_body_query_or_cookies_leaves_those_keys_out() -> None:
    event = http_v2_event(GatewayRequest("GET", "/"))
    assert not {"body", "cookies", "queryStringParameters"} & set(event)
    assert event["isBase64Encoded"] is False


def test_a_function_url_event_is_on_a_lambda_url_domain() -> None:
    event = function_url_event(post(), region="eu-west-1")
    assert event["requestContext"]["domainName"] == "diplexlocal.lambda-url.eu-west-1.on.aws"


def test_a_rest_api_event_has_single_and_multi_value_headers_and_query() -> None:
    event = rest_v1_event(post())
    assert (event["httpMethod"], event["path"], event["resource"]) == ("POST", "/tools/a b", "/{proxy+}")
    assert event["headers"]["X-Repeated"] == "two"
    assert event["multiValueHeaders"]["X-Repeated"] == ["one", "two"]
    assert event["queryStringParameters"] == {"x": "2", "q": "="}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "q": ["="]}
    assert event["pathParameters"] == {"proxy": "tools/a b"}
    assert event["requestContext"]["stage"] == "$default"
    assert event["requestContext"]["requestTimeEpoch"] == 1_700_000_000_000


def test_a_rest_api_get_has_null_body_and_parameters() -> None:
    event = rest_v1_event(GatewayRequest("GET", "/"))
    assert (
        event["body"] is None and event["queryStringParameters"] is None and event["pathParameters"] is None
    )


def test_an_alb_event_keeps_the_query_percent_encoded_and_lower_cases_headers() -> None:
    event = alb_event(post())
    assert event["queryStringParameters"] == {"x": "2", "q": "%3D"}
    assert event["headers"]["x-repeated"] == "two" and event["headers"]["cookie"] == "session=abc; theme=dark"
    assert "elb" in event["requestContext"]
    assert alb_event(GatewayRequest("GET", "/"))["body"] == ""


@pytest.mark.parametrize("event_format", EVENT_FORMATS)
@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"\x00\xff\x10", "application/octet-stream"), (b"plain", "image/png"), (b"\xff\xfe", "text/plain")],
)
def test_a_body_that_is_not_text_travels_base64(
    event_format: EventFormat, body: bytes, content_type: str
) -> None:
    event = build_event(post(body, content_type), event_format)
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == body
    assert read_request(event, event_format).body == body


@pytest.mark.parametrize(
    "content_type", ["text/csv", "application/problem+json", "application/x-www-form-urlencoded", ""]
)
def test_a_text_body_travels_as_text(content_type: str) -> None:
    event = http_v2_event(post(b"a=1", content_type))
    assert (event["body"], event["isBase64Encoded"]) == ("a=1", False)


def _answer(**fields: object) -> bytes:
    return json.dumps({"statusCode": 200, **fields}).encode()


def test_a_proxy_response_becomes_status_headers_cookies_and_body() -> None:
    payload = _answer(
        statusCode=201,
        headers={"Content-Type": "text/plain", "X-One": 1, "X-Multi": "ignored"},
        multiValueHeaders={"X-Multi": ["a", "b"]},
        cookies=["a=1", "b=2"],
        body="créé",
    )
    response = proxy_response(payload, "http-v2")
    assert response.status == 201 and response.body == "créé".encode()
    assert response.headers == [
        ("X-Multi", "a"),
        ("X-Multi", "b"),
        ("Content-Type", "text/plain"),
        ("X-One", "1"),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
    ]


def test_cookies_are_an_http_api_and_function_url_key_only() -> None:
    assert ("Set-Cookie", "a=1") not in proxy_response(_answer(cookies=["a=1"]), "rest-v1").headers
    assert ("Set-Cookie", "a=1") in proxy_response(_answer(cookies=["a=1"]), "function-url").headers


def test_a_base64_body_is_decoded_and_hop_by_hop_headers_are_dropped() -> None:
    payload = _answer(
        body=base64.b64encode(b"\x00\x01").decode(), isBase64Encoded=True, headers={"Connection": "x"}
    )
    response = proxy_response(payload, "alb")
    assert (response.body, response.headers) == (b"\x00\x01", [])


@pytest.mark.parametrize(
    ("payload", "event_format", "status", "body"),
    [
        (b'{"no": "statusCode"}', "http-v2", 200, b'{"no": "statusCode"}'),  # inferred, as AWS does
        (b'"just text"', "function-url", 200, b'"just text"'),
        (b'{"no": "statusCode"}', "rest-v1", 502, b'{"message": "Internal server error"}'),
        (b'{"no": "statusCode"}', "alb", 502, b'{"message": "Internal server error"}'),
        (b"not json", "http-v2", 500, b'{"message": "Internal Server Error"}'),
        (_answer(body="%%%", isBase64Encoded=True), "rest-v1", 502, b'{"message": "Internal server error"}'),
        (_answer(statusCode="nope"), "alb", 502, b'{"message": "Internal server error"}'),
        (_answer(statusCode=204), "rest-v1", 204, b""),
    ],
)
def test_odd_answers_are_taken_as_aws_takes_them(
    payload: bytes, event_format: EventFormat, status: int, body: bytes
) -> None:
    response = proxy_response(payload, event_format)
    assert (response.status, response.body) == (status, body)


def test_a_function_error_is_a_500_from_an_http_api_and_a_502_elsewhere() -> None:
    assert [error_response(f).status for f in EVENT_FORMATS] == [500, 502, 502, 502]


def test_an_unknown_event_format_is_refused() -> None:
    with pytest.raises(ValueError, match="http-v2, rest-v1, alb, function-url"):
        build_event(post(), "websocket")  # type: ignore[arg-type]
