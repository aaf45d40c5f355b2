"""The REST app: every outcome kind and status, for sync and async tools, in-process and through
uvicorn (the ``client`` fixture runs each test both ways)."""

from __future__ import annotations

import httpx
import pytest

import diplex
from diplex.rest import create_app, create_router

from . import registries

pytestmark = pytest.mark.anyio

BOTH = pytest.mark.parametrize("kind", ["sync", "async"])


@BOTH
async def test_a_result_is_the_bare_json_value(client: httpx.AsyncClient, kind: str) -> None:
    response = await client.post(f"/tools/echo_{kind}", json={"x": 5})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == b"5"


@BOTH
async def test_a_tool_error_answers_400_with_its_message(client: httpx.AsyncClient, kind: str) -> None:
    response = await client.post(f"/tools/refuse_{kind}", json={})
    assert response.status_code == 400
    assert response.json()["detail"] == "refused on purpose"


async def test_a_tool_error_carries_its_data(client: httpx.AsyncClient) -> None:
    response = await client.post("/tools/refuse_sync", json={})
    assert response.json() == {
        "detail": "refused on purpose",
        "kind": "tool_error",
        "data": {"why": "a test"},
    }


@BOTH
async def test_a_tool_error_answers_the_status_it_carries(client: httpx.AsyncClient, kind: str) -> None:
    response = await client.post(f"/tools/refuse_{kind}", json={"status": 409})
    assert response.status_code == 409
    assert response.json()["detail"] == "refused on purpose"


@BOTH
async def test_invalid_arguments_answer_422_in_fastapis_shape(client: httpx.AsyncClient, kind: str) -> None:
    response = await client.post(f"/tools/echo_{kind}", json={"x": "five", "extra": 1})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"loc": ["body", "x"], "msg": "Input should be a valid integer", "type": "int_type"},
            {"loc": ["body", "extra"], "msg": "Extra inputs are not permitted", "type": "extra_forbidden"},
        ],
        "kind": "invalid_arguments",
    }


@BOTH
async def test_an_unexpected_exception_answers_500_with_a_request_id_and_no_traceback(
    client: httpx.AsyncClient, kind: str
) -> None:
    response = await client.post(f"/tools/crash_{kind}", json={})
    assert response.status_code == 500
    body = response.json()
    assert body["detail"] == f"internal error (request id {body['request_id']})"
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text


@BOTH
async def test_a_tool_past_its_deadline_answers_504(client: httpx.AsyncClient, kind: str) -> None:
    registries.release.clear()
    try:
        response = await client.post(f"/tools/hang_{kind}", json={})
    finally:
        registries.release.set()  # free the worker thread the sync tool is still blocking
    assert response.status_code == 504
    body = response.json()
    assert "deadline" in body["detail"]
    assert body["request_id"]


async def test_a_result_that_is_not_json_answers_500(client: httpx.AsyncClient) -> None:
    response = await client.post("/tools/not_json", json={})
    assert response.status_code == 500
    assert "request id" in response.json()["detail"]


async def test_an_unknown_tool_answers_404_to_post_not_405(client: httpx.AsyncClient) -> None:
    response = await client.post("/tools/nosuch", json={})
    assert response.status_code == 404
    assert response.json() == {"detail": "unknown tool 'nosuch'", "kind": "not_found"}


async def test_an_unknown_tool_answers_404_to_get(client: httpx.AsyncClient) -> None:
    response = await client.get("/tools/nosuch")
    assert response.status_code == 404
    assert response.json() == {"detail": "unknown tool 'nosuch'"}


async def test_a_wrong_method_on_a_tool_answers_405_in_json(client: httpx.AsyncClient) -> None:
    response = await client.put("/tools/echo_sync", json={"x": 1})
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}


async def test_a_tool_without_arguments_accepts_an_empty_body(client: httpx.AsyncClient) -> None:
    response = await client.post("/tools/no_arguments")
    assert response.status_code == 200
    assert response.json() == "none needed"


async def test_the_listing_describes_every_tool(client: httpx.AsyncClient) -> None:
    response = await client.get("/tools")
    assert response.status_code == 200
    tools = response.json()["tools"]
    assert [tool["name"] for tool in tools] == [tool.name for tool in registries.outcomes]
    echo = tools[0]
    assert echo["description"] == "Return x (a sync tool)."
    assert echo["input_schema"] == registries.outcomes["echo_sync"].input_schema
    assert echo["output_schema"] == {"type": "integer"}
    assert echo["tags"] == ["echo"]
    assert echo["annotations"] == {
        "read_only": None,
        "destructive": None,
        "idempotent": None,
        "open_world": None,
    }


async def test_one_tool_is_shown_by_name(client: httpx.AsyncClient) -> None:
    response = await client.get("/tools/nap")
    assert response.status_code == 200
    assert response.json()["input_schema"]["required"] == ["seconds"]


async def test_the_health_route_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.json() == {
        "status": "ok",
        "name": "rest-outcomes",
        "version": "1.2.3",
        "tools": len(registries.outcomes),
    }


async def test_tools_registered_after_the_app_is_built_are_served() -> None:
    registry = diplex.Registry("late")
    app = create_app(registry, mcp=False)
    registry.add(lambda: "late", name="latecomer")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        called = await client.post("/tools/latecomer")
        listed = await client.get("/tools")
        spec = (await client.get("/openapi.json")).json()
    assert called.json() == "late"
    assert [tool["name"] for tool in listed.json()["tools"]] == ["latecomer"]
    assert "/tools/latecomer" not in spec["paths"]  # served, but not in the OpenAPI document


async def test_examples_appear_in_the_listing() -> None:
    registry = diplex.Registry()
    registry.add(lambda a: a, name="same", examples=[diplex.Example({"a": 1}, 1, "one")])
    app = create_app(registry, mcp=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        shown = (await client.get("/tools/same")).json()
    assert shown["examples"] == [{"arguments": {"a": 1}, "result": 1, "description": "one"}]


def test_a_prefix_must_start_with_a_slash() -> None:
    with pytest.raises(ValueError, match="prefix"):
        create_router(registries.outcomes, "tools")


def test_create_app_without_mcp_mounts_nothing_at_mcp() -> None:
    app = create_app(registries.outcomes, mcp=False)
    assert not [route for route in app.routes if getattr(route, "path", "").startswith("/mcp")]


def test_the_registry_builds_the_router() -> None:
    router = registries.outcomes.router(prefix="/t")
    paths = {getattr(route, "path", None) for route in router.routes}
    assert {"/t/echo_sync", "/t", "/t/{name}"} <= paths


@pytest.mark.parametrize("prefix", ["/tools", ""])
async def test_with_any_prefix_the_tools_health_docs_and_mcp_all_answer(prefix: str) -> None:
    # With no prefix the routes by name (GET /{name}) could shadow /health and /docs: they don't.
    app = create_app(registries.outcomes, prefix=prefix)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await client.get("/health")).json()["status"] == "ok"
        assert (await client.get("/docs")).status_code == 200
        assert (await client.get("/openapi.json")).json()["info"]["title"] == "rest-outcomes"
        assert (await client.post(f"{prefix}/echo_sync", json={"x": 6})).json() == 6
        assert (await client.get(f"{prefix}/echo_sync")).json()["name"] == "echo_sync"
        assert (await client.post(f"{prefix}/nosuch", json={})).status_code == 404
        assert (await client.put(f"{prefix}/echo_sync", json={})).status_code == 405
        listed = await client.get(prefix or "/")
        assert [t["name"] for t in listed.json()["tools"]][:2] == ["echo_sync", "echo_async"]


async def test_every_tool_keeps_its_own_documented_operation() -> None:
    spec = create_app(registries.outcomes).openapi()
    operations = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {tool.name for tool in registries.outcomes} <= operations
    assert {"diplex:call_tool", "diplex:list_tools", "diplex:show_tool", "diplex:health"} <= operations
