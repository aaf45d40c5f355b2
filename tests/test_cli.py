"""The diplex command: loading targets, and clear usage errors."""

from __future__ import annotations

import pytest

import diplex
from diplex.cli import TargetError, load_registry, load_target, main


def test_load_target_imports_module_attribute() -> None:
    assert isinstance(load_target("examples.tools:registry"), diplex.Registry)
    assert load_target("examples.tools:registry.name") == "diplex-examples"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("examples.tools", "expected module:attribute"),
        (":registry", "expected module:attribute"),
        ("no_such_module_xyz:registry", "cannot import module 'no_such_module_xyz'"),
        ("examples.tools:nope", "has no attribute 'nope'"),
    ],
)
def test_bad_targets_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(TargetError, match=message):
        load_target(spec)


def test_a_target_that_is_not_a_registry_is_refused() -> None:
    with pytest.raises(TargetError, match=r"is a str, not a diplex\.Registry"):
        load_registry("examples.tools:registry.name")


def test_a_bad_target_exits_with_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stdio", "examples.tools:missing"]) == 2
    assert "has no attribute 'missing'" in capsys.readouterr().err


def test_usage_errors_exit_with_status_2() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["no-such-command"])
    assert exc.value.code == 2
