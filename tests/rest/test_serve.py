"""`diplex serve`: serves a registry or an app under uvicorn and prints where."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from diplex.serve import serve

from .conftest import diplex_serve


def test_serve_a_registry_prints_the_docs_and_tool_urls_and_serves_them(tmp_path: Path) -> None:
    with diplex_serve("tests.rest.registries:outcomes", tmp_path / "log") as (url, printed):
        client = httpx.Client(base_url=url, timeout=30)
        with client:
            assert client.post("/tools/echo_async", json={"x": 8}).json() == 8
            assert client.get("/docs").status_code == 200
    assert f"docs:  {url}/docs" in printed
    assert f"POST {url}/tools/echo_sync" in printed


def test_serve_an_app_prints_its_tool_urls(tmp_path: Path) -> None:
    with diplex_serve("tests.rest.registries:typed_app", tmp_path / "log") as (url, printed):
        client = httpx.Client(base_url=url, timeout=30)
        with client:
            assert client.post("/tools/nothing").json() is None
    assert f"POST {url}/tools/scalars" in printed


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("no_colon", "expected module:attribute"),
        ("tests.rest.nosuchmodule:app", "cannot import module"),
        ("tests.rest.registries:nosuch", "has no attribute"),
        ("tests.rest.registries:Colour.RED", "not a diplex.Registry or an ASGI app"),
    ],
)
def test_a_bad_target_exits_2_with_a_message(
    target: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert serve(target, host="127.0.0.1", port=0, reload=False) == 2
    assert message in capsys.readouterr().err
