"""Malformed requests: each gets a 4xx with a JSON body saying what is wrong, never a 5xx."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from diplex.rest import DEFAULT_MAX_BODY_SIZE, RestEndpoint, create_app

from ..servers import uvicorn_server
from . import registries

pytestmark = pytest.mark.anyio

JSON = {"content-type": "application/json"}


async def post(client: httpx.AsyncClient, body: bytes, tool: str = "echo_sync") -> httpx.Response:
    response = await client.post(f"/tools/{tool}", content=body, headers=JSON)
    assert response.headers["content-type"] == "application/json"
    if response.status_code >= 400:
        assert response.json()["detail"]
    return response


@pytest.mark.parametrize(
    ("body", "status", "detail_type"),
    [
        (b'{"x": 1, "y": 2}', 422, "extra_forbidden"),  # an unknown field
        (b'{"x": "1"}', 422, "int_type"),  # a wrong type (no coercion from strings)
        (b'{"x": 1.5}', 422, "int_type"),
        (b'{"x": true}', 422, "int_type"),
        (b"{}", 422, "missing"),  # a missing required field
        (b'{"x": null}', 422, "int_type"),  # null where not allowed
    ],
)
async def test_arguments_that_break_the_schema_answer_422(
    client: httpx.AsyncClient, body: bytes, status: int, detail_type: str
) -> None:
    response = await post(client, body)
    assert response.status_code == status
    assert [error["type"] for error in response.json()["detail"]] == [detail_type]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"{", id="truncated"),
        pytest.param(b"not json", id="not-json"),
        pytest.param(b'{"x": 1} trailing', id="trailing-garbage"),
        pytest.param(b"[1, 2]", id="array"),
        pytest.param(b'"x"', id="string"),
        pytest.param(b"null", id="null"),
        pytest.param(b"5", id="number"),
        pytest.param(b'{"x": NaN}', id="nan"),
        pytest.param(b'{"x": -Infinity}', id="infinity"),
        pytest.param(b'{"x": "\xff\xfe"}', id="invalid-utf8"),
        pytest.param(b'{"x": "\\ud800"}', id="lone-surrogate"),
        pytest.param(b'{"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", id="deeply-nested"),
        pytest.param(b'{"x": ' + b"{" * 5_000 + b"}" * 5_000 + b"}", id="deeply-nested-objects"),
        pytest.param(b"\xef\xbb\xbf{}", id="byte-order-mark"),
    ],
)
async def test_a_body_that_is_not_a_json_object_answers_400(client: httpx.AsyncClient, body: bytes) -> None:
    response = await post(client, body)
    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize(
    "number", [b"1e400", b"-1e400", b"1" + b"0" * 400 + b".0", b"1" + b"0" * 250 + b"e60"]
)
async def test_a_number_too_big_for_a_float_answers_400(client: httpx.AsyncClient, number: bytes) -> None:
    response = await post(client, b'{"seconds": ' + number + b"}", tool="nap")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "arguments are not JSON data: non-finite numbers are not JSON",
        "kind": "invalid_arguments",
    }


async def test_a_huge_integer_is_an_integer(client: httpx.AsyncClient) -> None:
    huge = b"9" * 1000
    response = await post(client, b'{"x": ' + huge + b"}")
    assert response.status_code == 200
    assert response.content == huge


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
async def test_a_body_that_is_not_json_by_its_content_type_answers_415(
    client: httpx.AsyncClient, content_type: str
) -> None:
    response = await client.post(
        "/tools/echo_sync", content=b'{"x": 1}', headers={"content-type": content_type}
    )
    assert response.status_code == 415
    assert content_type in response.json()["detail"]


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.x+json"]
)
async def test_json_content_types_are_accepted(client: httpx.AsyncClient, content_type: str) -> None:
    response = await client.post(
        "/tools/echo_sync", content=b'{"x": 1}', headers={"content-type": content_type}
    )
    assert response.status_code == 200


async def test_a_body_without_a_content_type_is_read_as_json(client: httpx.AsyncClient) -> None:
    response = await client.post("/tools/echo_sync", content=b'{"x": 3}')
    assert "content-type" not in response.request.headers
    assert response.json() == 3


async def test_an_unknown_tool_answers_404_before_its_body_is_judged(client: httpx.AsyncClient) -> None:
    response = await client.post("/tools/nosuch", content=b"garbage", headers={"content-type": "text/plain"})
    assert response.status_code == 404


def test_the_default_body_limit_is_lambdas_payload_limit() -> None:
    assert DEFAULT_MAX_BODY_SIZE == RestEndpoint({}).max_body_size == 6 * 1024 * 1024


@pytest.mark.parametrize("max_body_size", [0, -1, 1.5, True])
def test_a_body_limit_must_be_a_positive_integer(max_body_size: int) -> None:
    with pytest.raises(ValueError, match="max_body_size"):
        RestEndpoint({}, max_body_size=max_body_size)


@pytest.fixture(params=["asgi", "uvicorn"])
async def small_client(request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app whose body limit is 100 bytes."""
    app = create_app(registries.outcomes, mcp=False, max_body_size=100)
    if request.param == "asgi":
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            yield client
    else:
        with uvicorn_server(app) as url:
            async with httpx.AsyncClient(base_url=url, timeout=30) as client:
                yield client


async def test_a_body_over_the_limit_answers_413(small_client: httpx.AsyncClient) -> None:
    body = b'{"x": 1' + b" " * 200 + b"}"
    response = await small_client.post("/tools/echo_sync", content=body, headers=JSON)
    assert response.status_code == 413
    assert "100 bytes" in response.json()["detail"]


async def test_a_streamed_body_over_the_limit_answers_413(small_client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: sent chunked
        yield b'{"x": 1'
        for _ in range(50):
            yield b" " * 10
        yield b"}"

    response = await small_client.post("/tools/echo_sync", content=chunks(), headers=JSON)
    assert response.status_code == 413


async def test_a_body_at_the_limit_is_served(small_client: httpx.AsyncClient) -> None:
    body = b'{"x": 7' + b" " * 92 + b"}"
    assert len(body) == 100
    response = await small_client.post("/tools/echo_sync", content=body, headers=JSON)
    assert response.json() == 7
