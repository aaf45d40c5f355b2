"""What a check found, and how it is shown: a progress bar, a table, readable diffs, JSON."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from .cases import Case
from .normalize import Observation, canonical

__all__ = ["CheckReport", "Mismatch", "Progress", "SurfaceTally", "ToolResult"]

_KEEP = 50  # mismatches kept per tool (the first is shown; the JSON report has them all, up to this)


@dataclasses.dataclass(frozen=True)
class Mismatch:
    """A surface answered a case differently from the reference (``expected_from``)."""

    tool: str
    surface: str
    case: Case
    expected_from: str  # the reference surface, or "example" (the example's declared result)
    expected: Observation
    got: Observation
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "surface": self.surface,
            "case": {
                "label": self.case.label,
                "arguments": self.case.arguments,
                "invalid": self.case.invalid,
            },
            "reason": self.reason,
            "expected_from": self.expected_from,
            "expected": _observation(self.expected),
            "got": _observation(self.got),
        }


def _observation(observation: Observation) -> dict[str, Any]:
    if observation.ok:
        return {"ok": True, "value": observation.value, "raw": observation.raw}
    return {"ok": False, "kind": observation.kind, "raw": observation.raw}


@dataclasses.dataclass
class SurfaceTally:
    """How one surface did on one tool's cases."""

    cases: int = 0
    differ: int = 0


@dataclasses.dataclass
class ToolResult:
    """One tool's cases on every surface."""

    name: str
    deterministic: bool
    cases: int = 0
    surfaces: dict[str, SurfaceTally] = dataclasses.field(default_factory=dict)
    mismatches: list[Mismatch] = dataclasses.field(default_factory=list)
    differences: int = 0  # every mismatch, including those past the kept ones

    def record(self, mismatch: Mismatch) -> None:
        self.differences += 1
        if len(self.mismatches) < _KEEP:
            self.mismatches.append(mismatch)


@dataclasses.dataclass
class CheckReport:
    """The outcome of ``diplex.testing.check``: ``ok`` when every surface agreed on every case."""

    surfaces: list[str]
    examples: int
    seed: int
    tools: list[ToolResult] = dataclasses.field(default_factory=list)

    @property
    def differences(self) -> int:
        return sum(tool.differences for tool in self.tools)

    @property
    def ok(self) -> bool:
        return self.differences == 0

    @property
    def mismatches(self) -> list[Mismatch]:
        return [m for tool in self.tools for m in tool.mismatches]

    def table(self) -> str:
        """A row per tool, a column per surface: ``ok``, or how many cases differed."""
        header = ["tool", "cases", *self.surfaces]
        rows = [header]
        for tool in self.tools:
            name = tool.name if tool.deterministic else f"{tool.name} (shape)"
            cells = [name, str(tool.cases)]
            for surface in self.surfaces:
                tally = tool.surfaces.get(surface, SurfaceTally())
                cells.append("ok" if tally.differ == 0 else f"{tally.differ} DIFF")
            rows.append(cells)
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        lines = [
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def diffs(self) -> str:
        """The first mismatching case of each tool that has one, with every surface that differed."""
        return "\n\n".join(_render_first(tool) for tool in self.tools if tool.mismatches)

    def summary(self) -> str:
        cases = sum(tool.cases for tool in self.tools)
        calls = cases * len(self.surfaces)
        if self.ok:
            return f"all {len(self.surfaces)} surfaces agree: {cases} cases, {calls} calls (seed {self.seed})"
        failing = sum(1 for tool in self.tools if tool.differences)
        return (
            f"{self.differences} differences in {failing} of {len(self.tools)} tools: {cases} cases, "
            f"{calls} calls (seed {self.seed})"
        )

    def render(self) -> str:
        """The table, the diffs (if any) and the summary line."""
        parts = [self.table()]
        if not self.ok:
            parts.append(self.diffs())
        parts.append(self.summary())
        return "\n\n".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "differences": self.differences,
            "seed": self.seed,
            "examples": self.examples,
            "surfaces": self.surfaces,
            "tools": [
                {
                    "name": tool.name,
                    "deterministic": tool.deterministic,
                    "cases": tool.cases,
                    "differences": tool.differences,
                    "surfaces": {name: dataclasses.asdict(t) for name, t in tool.surfaces.items()},
                    "mismatches": [m.to_json() for m in tool.mismatches],
                }
                for tool in self.tools
            ],
        }

    def write_json(self, path: str | os.PathLike[str]) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2, default=repr) + "\n", encoding="utf-8")


def _render_first(tool: ToolResult) -> str:
    first = tool.mismatches[0]
    same_case = [m for m in tool.mismatches if m.case is first.case]
    names = [first.expected_from, *(m.surface for m in same_case)]
    width = max(len(name) for name in names) + 2
    lines = [
        f"x {tool.name}: {', '.join(m.surface for m in same_case)} differ on {first.case.label}",
        f"    arguments: {canonical(first.case.arguments)}",
        f"    {'expected':<9}{'(' + first.expected_from + ')':<{width}} {first.expected.describe()}",
    ]
    for m in same_case:
        lines.append(f"    {'got':<9}{'(' + m.surface + ')':<{width}} {m.got.describe()}  [{m.reason}]")
    for m in same_case:
        lines.append(f"    {m.surface} said: {m.got.raw}")
    return "\n".join(lines)


class Progress:
    """A one-line progress bar, redrawn in place on a terminal stream (or nothing when off)."""

    def __init__(self, total: int, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled

    def advance(self, count: int, label: str) -> None:
        self.done += count
        if self.enabled:
            filled = 30 * self.done // self.total
            self.stream.write(
                f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} calls  {label[:40]:<40}"
            )
            self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()
