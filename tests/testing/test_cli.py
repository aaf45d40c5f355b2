"""``diplex check``: exit 0 when every surface agrees, 1 on a difference, 2 on a usage error."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

import diplex.rest.exchange
from diplex import Outcome, ToolContext
from diplex.cli import main
from diplex.wire import HttpResponse
from tests.servers import uvicorn_server

from .conftest import AGREED_INVALID

AGREED = ["--invalid", ",".join(AGREED_INVALID)]


@pytest.mark.usefixtures("example_db")
def test_agreement_exits_0_and_prints_the_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    code = main(
        ["check", "examples.tools:registry", "--examples", "3", "--seed", "7", "--json", str(report), *AGREED]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "convert_temperature" in out and "mcp-2025-11-25" in out
    assert "all 9 surfaces agree" in out and "(seed 7)" in out
    assert json.loads(report.read_text())["ok"] is True


@pytest.mark.usefixtures("example_db")
def test_a_planted_difference_exits_1_naming_tool_surface_and_case(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = diplex.rest.exchange.render  # how the REST exchange turns an outcome into a response

    def rounding(outcome: Outcome, context: ToolContext) -> HttpResponse:
        if isinstance(outcome.value, float):
            outcome = Outcome(round(outcome.value, 1))
        return real(outcome, context)

    monkeypatch.setattr("diplex.rest.exchange.render", rounding)
    code = main(["check", "examples.tools:registry", "--examples", "10", "--surfaces", "python", "rest",
                 "--invalid", "none", "--no-progress"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    assert "x divide: rest differ on generated" in out
    assert "arguments: {" in out and "expected (python)" in out and "got      (rest)" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "examples.tools:nope"], "diplex check: module 'examples.tools' has no attribute 'nope'"),
        (["check", "no_such_module_xyz:registry"], "cannot import module 'no_such_module_xyz'"),
        (["check", "examples.tools:registry.name"], "is a str, not a diplex.Registry"),
        (["check", "examples.tools:registry", "--surfaces", "carrier-pigeon"], "unknown surfaces"),
        (["check", "examples.tools:registry", "--surfaces", "url-mcp"], "need a url"),
        (["check", "examples.tools:registry", "--invalid", "sideways"], "unknown invalid kinds"),
    ],
)
def test_usage_errors_exit_2_with_a_clear_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_bad_option_value_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", "examples.tools:registry", "--examples", "-3"])
    assert exc.value.code == 2
    assert "must be 0 or more" in capsys.readouterr().err


def test_a_running_deployment_is_checked_with_url(capsys: pytest.CaptureFixture[str]) -> None:
    from diplex.rest import create_app

    from . import registries

    with uvicorn_server(create_app(registries.typed), lifespan="off") as url:
        code = main(["check", "tests.testing.registries:typed", "--url", url, "--examples", "3",
                     "--surfaces", "python", "url-rest", "url-mcp", *AGREED, "--no-progress"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "all 3 surfaces agree" in out


def test_an_unreachable_url_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there now
    code = main(["check", "tests.testing.registries:wrong_example", "--url", f"http://127.0.0.1:{port}"])
    assert code == 2
    assert f"cannot reach http://127.0.0.1:{port}" in capsys.readouterr().err
