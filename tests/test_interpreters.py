"""The core suite (runtime, invoker, registry, schemas, example) under every Python 3.10-3.13 here.

The suite itself runs under the interpreter that runs pytest; this module finds the *other*
interpreters (on PATH, or installed by pyenv), gives each a virtual environment under .venvs/
(made once, remade when pyproject.toml changes), and runs the core tests in it. A missing
interpreter is a skip whose reason says which one and where it was looked for.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

VERSIONS = ["3.10", "3.11", "3.12", "3.13"]
CORE_TESTS = [
    "tests/test_runtime.py",
    "tests/test_invoke.py",
    "tests/test_registry.py",
    "tests/test_schema.py",
    "tests/test_examples.py",
    "tests/test_public_api.py",
    "tests/aws/test_events.py",
    "tests/aws/test_handler.py",
    "tests/aws/test_soak.py",
]
NESTED = "DIPLEX_INTERPRETER_RUN"


def _reports(python: str, version: str) -> bool:
    try:
        done = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.strip() == version


def find_interpreter(version: str) -> str | None:
    """A working ``python{version}``: from pyenv's versions folder, else from PATH."""
    pyenv_root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    candidates = sorted(
        glob.glob(os.path.join(pyenv_root, "versions", f"{version}.*", "bin", f"python{version}"))
    )
    on_path = shutil.which(f"python{version}")
    if on_path:
        candidates.append(on_path)
    return next((c for c in reversed(candidates) if _reports(c, version)), None)


def _venv_for(python: str, version: str) -> Path:
    venv = ROOT / ".venvs" / f"py{version}"
    stamp = venv / ".diplex-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    venv_python = venv / "bin" / "python"
    if venv_python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return venv_python
    subprocess.run([python, "-m", "venv", "--clear", str(venv)], check=True, timeout=300)
    install = [str(venv_python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(
        [*install, "-e", f"{ROOT}[examples]", "pytest>=8", "hypothesis>=6.100"], check=True, timeout=900
    )
    stamp.write_text(wanted)
    return venv_python


@pytest.mark.interpreters
@pytest.mark.parametrize("version", VERSIONS)
def test_core_suite_passes_under(version: str) -> None:
    if os.environ.get(NESTED):
        pytest.skip("already inside an interpreter run")
    if version == f"{sys.version_info[0]}.{sys.version_info[1]}":
        pytest.skip(f"Python {version} runs the whole suite in this session")
    python = find_interpreter(version)
    if python is None:
        pytest.skip(
            f"Python {version} not found (looked for python{version} on PATH and under pyenv): "
            "the core suite was NOT run on it"
        )
    venv_python = _venv_for(python, version)
    done = subprocess.run(
        [str(venv_python), "-m", "pytest", *CORE_TESTS, "-q", "-p", "no:cacheprovider", "-o", "addopts=-ra"],
        cwd=ROOT,
        env={**os.environ, NESTED: "1"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    tail = "\n".join((done.stdout + done.stderr).splitlines()[-60:])
    assert done.returncode == 0, f"core suite failed under Python {version} ({python}):\n{tail}"
