"""Every real event in ../shared/lambda-events reaches the right route, whole (NEGATIVE: 400).

The events were written by AWS and others. A user app passed as ``app=`` echoes what it
received through Mangum; the test checks method, path (stage and base path stripped), query,
cookies and body against what each event carries.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request

import diplex
from diplex.aws import lambda_handler

SHARED_EVENTS = Path(__file__).resolve().parents[3] / "shared" / "lambda-events"
NEGATIVE = "rest-v1_isBase64Encoded-true-but-plain-text-body.json"
# Paths where the event's raw path is not the route: named stages, and a base path mapping.
EXPECTED_PATHS = {
    "http-v2_named-stage-Prod_rawPath-includes-stage.json": "/my/path",
    "http-v2_named-stage-beta_captured.json": "/api/values",
    "rest-v1_path-prefix-before-resource.json": "/api/resourcepath",
}


def echo_app() -> FastAPI:
    app = FastAPI()

    @app.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def echo(request: Request) -> dict[str, Any]:
        return {
            "method": request.method,
            "path": request.url.path,
            "query": urllib.parse.parse_qs(request.url.query),
            "cookie": request.headers.get("cookie"),  # as sent: valueless cookies included
            "body": base64.b64encode(await request.body()).decode(),
        }

    return app


def events() -> list[Path]:
    return sorted(SHARED_EVENTS.glob("*.json")) if SHARED_EVENTS.is_dir() else []


def expected_of(path: Path, event: dict[str, Any]) -> dict[str, Any]:
    context = event.get("requestContext") or {}
    method = event.get("httpMethod") or context["http"]["method"]
    if "rawPath" in event:
        query = urllib.parse.parse_qs(event.get("rawQueryString") or "")
        cookie = "; ".join(event["cookies"]) if event.get("cookies") else None
    else:
        multi = event.get("multiValueQueryStringParameters") or {
            k: [v] for k, v in (event.get("queryStringParameters") or {}).items()
        }
        query = {urllib.parse.unquote(k): [urllib.parse.unquote(v) for v in vs] for k, vs in multi.items()}
        cookie = next((v for k, v in (event.get("headers") or {}).items() if k.lower() == "cookie"), None)
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    return {
        "method": method,
        "path": EXPECTED_PATHS.get(path.name, event.get("rawPath") or event.get("path")),
        "query": query,
        "cookie": cookie,
        "body": base64.b64encode(raw).decode(),
    }


@pytest.fixture(scope="module")
def handler() -> Any:
    return lambda_handler(diplex.Registry("shared-events"), app=echo_app(), base_paths=["/test"])


@pytest.mark.skipif(not events(), reason=f"{SHARED_EVENTS} is not on this machine")
@pytest.mark.parametrize("path", events(), ids=lambda p: p.stem)
def test_a_real_event_reaches_the_right_route_whole(path: Path, handler: Any) -> None:
    event = json.loads(path.read_text())
    answer = handler(event, None)
    body = answer["body"]
    if answer.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    if path.name == NEGATIVE:
        assert answer["statusCode"] == 400
        assert "base64" in json.loads(body)["detail"]
        return
    assert answer["statusCode"] == 200, body
    assert json.loads(body) == expected_of(path, event)
