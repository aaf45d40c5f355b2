#!/usr/bin/env python3
"""Set up and run everything: `python3 scripts/dev.py run|test|check|setup`.

Needs only Python >= 3.10 and pip. Creates .venv/ (once, and again when pyproject.toml changes)
with the package and its test tools, then:

  run    serve the example tools over REST and MCP on http://127.0.0.1:8000
  test   lint, type-check, and run the whole test suite (what CI runs)
  check  lint and type-check only
  setup  only create or refresh .venv/
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def sh(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    done = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)
    if done.returncode:
        sys.exit(done.returncode)


def setup() -> None:
    if sys.version_info < (3, 10):  # noqa: UP036 - this script may be started by any python3
        sys.exit(f"diplex needs Python >= 3.10; this is {sys.version.split()[0]}")
    stamp = VENV / ".diplex-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PY.exists() and stamp.exists() and stamp.read_text() == wanted:
        return
    if not PY.exists():
        print(f"+ creating {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    sh(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    sh(PY, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    stamp.write_text(wanted)


def check() -> None:
    sh(BIN / "ruff", "check", "src", "tests", "examples", "scripts")
    sh(BIN / "ruff", "format", "--check", "src", "tests", "examples", "scripts")
    sh(BIN / "mypy")


def test(extra: list[str]) -> None:
    check()
    sh(PY, "-m", "pytest", "--cov", "--cov-report=term", *extra)


def run() -> None:
    sh(BIN / "diplex", "serve", "examples.tools:registry")


def main() -> None:
    command, *extra = sys.argv[1:] or ["test"]
    setup()
    if command == "setup":
        return
    if command == "check":
        check()
    elif command == "test":
        test(extra)
    elif command == "run":
        run()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
