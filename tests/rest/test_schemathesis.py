"""schemathesis, run as its CLI against the OpenAPI document of a served app: no 5xx, every
status answered is documented, every response fits its schema, every request that breaks the
schema is refused. ``positive_data_acceptance`` is left out: a tool may refuse schema-valid
input on purpose (ToolError). Examples are bounded so the run stays well under a minute."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import diplex_serve

SCHEMATHESIS = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which(
    "schemathesis"
)


def run_schemathesis(base_url: str) -> subprocess.CompletedProcess[str]:
    assert SCHEMATHESIS is not None, "schemathesis is a test dependency: pip install -e '.[test]'"
    return subprocess.run(
        [
            SCHEMATHESIS, "run", f"{base_url}/openapi.json",
            "--checks", "all", "--exclude-checks", "positive_data_acceptance",
            "--max-examples", "30", "--seed", "1", "--no-color",
        ],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("tests.rest.registries:example_app", id="example-tools"),
        pytest.param("tests.rest.registries:typed_app", id="every-parameter-type"),
    ],
)
def test_schemathesis_finds_nothing(target: str, tmp_path: Path) -> None:
    env = {"DIPLEX_EXAMPLE_DB": str(tmp_path / "notes.db")}
    with diplex_serve(target, tmp_path / "server.log", env) as (base_url, _):
        done = run_schemathesis(base_url)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
