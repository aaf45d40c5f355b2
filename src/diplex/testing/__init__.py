"""``diplex.testing``: prove that every surface gives the same answer.

``check(registry, examples=20, seed=0)`` sends each tool's declared examples, generated
arguments and generated invalid arguments through REST, MCP (both eras), the Lambda handler's
event shapes and direct invocation, and returns a :class:`CheckReport`. ``diplex check
module:registry`` runs it from the command line; ``pytest_plugins =
["diplex.testing.pytest_plugin"]`` gives tests a ``diplex_check`` fixture.

Needs the ``check`` extra (hypothesis, httpx, jsonschema); nothing in diplex's core imports it.
"""

from __future__ import annotations

from .cases import INVALID_KINDS, Case, cases_for
from .check import CheckError, check
from .normalize import Observation
from .report import CheckReport, Mismatch, ToolResult
from .surfaces import IN_PROCESS, URL_SURFACES

SURFACES = IN_PROCESS + URL_SURFACES

__all__ = [
    "INVALID_KINDS",
    "SURFACES",
    "Case",
    "CheckError",
    "CheckReport",
    "Mismatch",
    "Observation",
    "ToolResult",
    "cases_for",
    "check",
]
