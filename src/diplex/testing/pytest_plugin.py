"""pytest integration: ``pytest_plugins = ["diplex.testing.pytest_plugin"]`` in a conftest.py.

Gives tests the ``diplex_check`` fixture, a function that runs the equivalence check on a
registry and fails the test with the readable diff of each tool's first mismatch::

    def test_every_surface_agrees(diplex_check):
        diplex_check(registry, examples=20, seed=0)
"""

from __future__ import annotations

from typing import Any, Protocol

import pytest

from diplex.registry import Registry

from .check import check
from .report import CheckReport

__all__ = ["DiplexCheck", "assert_equivalent", "diplex_check"]


class DiplexCheck(Protocol):
    """The ``diplex_check`` fixture: ``diplex_check(registry, **options) -> CheckReport``."""

    def __call__(self, registry: Registry, **options: Any) -> CheckReport: ...


def assert_equivalent(registry: Registry, **options: Any) -> CheckReport:
    """Run :func:`diplex.testing.check` and fail the current test if any surface differs.

    ``options`` are those of ``check`` (``examples``, ``seed``, ``surfaces``, ``url``, ...).
    """
    report = check(registry, **options)
    if not report.ok:
        pytest.fail(f"{report.diffs()}\n\n{report.table()}\n\n{report.summary()}", pytrace=False)
    return report


@pytest.fixture
def diplex_check() -> DiplexCheck:
    """Check a registry's surfaces agree; fails the test with a readable diff when they do not."""
    return assert_equivalent
