"""Fixtures for the checker's tests: the example tools on a fresh database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from examples import tools

from diplex.runtime import drive

# Every kind of generated invalid arguments: every surface rejects each the same way.
AGREED_INVALID = ("missing", "unknown", "wrong_type", "not_object")


@pytest.fixture
def example_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The example notebook on a database of its own, closed afterwards."""
    path = tmp_path / "notes.db"
    monkeypatch.setenv("DIPLEX_EXAMPLE_DB", str(path))
    drive(tools.close_db())
    yield path
    drive(tools.close_db())
