"""The pytest integration, used the way a user project uses it: pytest run in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from ..conftest import ROOT

CONFTEST = 'pytest_plugins = ["diplex.testing.pytest_plugin"]\n'

PASSING = """
    from examples import tools
    from diplex.runtime import drive


    def test_every_surface_agrees(diplex_check, tmp_path, monkeypatch):
        monkeypatch.setenv("DIPLEX_EXAMPLE_DB", str(tmp_path / "notes.db"))
        try:
            report = diplex_check(tools.registry, examples=5, seed=0, invalid=["missing", "unknown"])
        finally:
            drive(tools.close_db())
        assert report.ok and len(report.tools) == len(tools.registry) + 1
"""

FAILING = """
    import diplex

    registry = diplex.Registry("user-app")


    @registry.tool(examples=[diplex.Example({"a": 2, "b": 2}, 5)])
    def add(a: int, b: int) -> int:
        return a + b


    def test_every_surface_agrees(diplex_check):
        diplex_check(registry, examples=2, seed=0, invalid=[])
"""


def _pytest(project: Path, test_file: str) -> subprocess.CompletedProcess[str]:
    (project / "conftest.py").write_text(CONFTEST)
    (project / "test_equivalence.py").write_text(textwrap.dedent(test_file))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error", str(project)],
        capture_output=True, text=True, timeout=120, env=env, cwd=project,
    )  # fmt: skip


def test_a_user_project_passes_on_the_example_tools(tmp_path: Path) -> None:
    done = _pytest(tmp_path, PASSING)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_a_difference_fails_the_users_test_with_a_readable_diff(tmp_path: Path) -> None:
    done = _pytest(tmp_path, FAILING)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed" in done.stdout
    assert "x add: python, rest, mcp-2026-07-28" in done.stdout
    assert "differ on example 1" in done.stdout
    assert "expected (example)" in done.stdout and "value 5" in done.stdout and "value 4" in done.stdout
