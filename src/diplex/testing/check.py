"""The run: every case of every tool through every surface, compared.

The reference for a case is its example's declared result when it has one, else the first
surface's answer (``python``, the invoker itself, unless surfaces were chosen otherwise). A
deterministic tool must give the same value (or the same error kind) everywhere; a tool
registered with ``deterministic=False`` must give the same *shape*: success or the same error
kind, and a value that fits its output schema.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TextIO

import httpx
import jsonschema

from diplex.errors import DiplexError
from diplex.registry import Registry
from diplex.tool import Tool

from .cases import INVALID_KINDS, UNKNOWN_TOOL, Case, cases_for, unknown_tool_case
from .normalize import Observation, same
from .report import CheckReport, Mismatch, Progress, SurfaceTally, ToolResult
from .surfaces import IN_PROCESS, URL_SURFACES, Surface, build_surfaces

__all__ = ["CheckError", "check"]


class CheckError(DiplexError):
    """A check that could not run: a surface could not be reached, or a bad option."""


def check(
    registry: Registry,
    *,
    examples: int = 20,
    seed: int = 0,
    surfaces: Iterable[str] | None = None,
    url: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    invalid: Iterable[str] = INVALID_KINDS,
    progress: bool | None = False,
    stream: TextIO | None = None,
) -> CheckReport:
    """Send every tool's examples and ``examples`` generated argument sets (valid and invalid)
    through every surface, and report where the answers differ.

    ``surfaces``: names from ``diplex.testing.SURFACES`` (default: every in-process surface,
    plus ``url-rest`` and ``url-mcp`` when ``url`` is given). ``invalid``: which kinds of invalid
    arguments to generate (``diplex.testing.INVALID_KINDS``). ``progress``: draw a progress bar
    on ``stream`` (stderr); None draws one when it is a terminal. Call from sync code.
    """
    if examples < 0:
        raise CheckError(f"examples must be 0 or more, not {examples}")
    kinds = tuple(invalid)
    if not set(kinds) <= set(INVALID_KINDS):
        raise CheckError(f"unknown invalid kinds {sorted(set(kinds) - set(INVALID_KINDS))}; "
                         f"choose from {list(INVALID_KINDS)}")  # fmt: skip
    names = list(surfaces) if surfaces is not None else list(IN_PROCESS + (URL_SURFACES if url else ()))
    try:
        built = build_surfaces(registry, names, url=url, transport=transport)
    except ValueError as exc:
        raise CheckError(str(exc)) from None
    plan: list[tuple[Tool | None, list[Case]]] = [
        (tool, cases_for(tool, examples, seed, kinds)) for tool in registry
    ]
    plan.append((None, [unknown_tool_case()]))
    report = CheckReport(surfaces=[s.name for s in built.surfaces], examples=examples, seed=seed)
    bar = Progress(sum(len(cases) for _, cases in plan) * len(names), stream, enabled=progress)
    try:
        for tool, cases in plan:
            result = ToolResult(tool.name if tool else UNKNOWN_TOOL, tool.deterministic if tool else True)
            result.surfaces = {s.name: SurfaceTally() for s in built.surfaces}
            for case in cases:
                observed = {s.name: _observe(s, case, tool, url) for s in built.surfaces}
                _compare(result, case, tool, observed)
                bar.advance(len(observed), f"{result.name}: {case.label}")
            report.tools.append(result)
    finally:
        bar.finish()
        built.close()
    return report


def _observe(surface: Surface, case: Case, tool: Tool | None, url: str | None) -> Observation:
    try:
        return surface.call(case.tool, tool, case.arguments)
    except httpx.TransportError as exc:
        if surface.name in URL_SURFACES:
            raise CheckError(f"cannot reach {url}: {exc}") from None
        return Observation(False, kind=f"unexpected:{type(exc).__name__}", raw=str(exc))
    except Exception as exc:  # a surface that crashes is a difference to report, not a crash
        return Observation(False, kind=f"unexpected:{type(exc).__name__}", raw=f"{type(exc).__name__}: {exc}")


def _compare(result: ToolResult, case: Case, tool: Tool | None, observed: Mapping[str, Observation]) -> None:
    result.cases += 1
    if case.has_expected:
        reference_name, reference = "example", Observation(True, case.expected)
    else:
        reference_name, reference = next(iter(observed.items()))
    deterministic = tool is None or tool.deterministic
    for name, got in observed.items():
        result.surfaces[name].cases += 1
        reason = _difference(reference, got, deterministic, tool)
        if reason is not None:
            result.surfaces[name].differ += 1
            result.record(Mismatch(result.name, name, case, reference_name, reference, got, reason))


def _difference(
    reference: Observation, got: Observation, deterministic: bool, tool: Tool | None
) -> str | None:
    if not same(reference, got, compare_values=deterministic):
        if reference.ok != got.ok:
            return "one succeeded, the other failed"
        return "error kind differs" if not got.ok else "value differs"
    schema = tool.output_schema if tool is not None else None
    if not deterministic and got.ok and schema is not None and not _fits(got.value, schema):
        return "output does not fit the schema"
    return None


_validators: dict[int, tuple[Mapping[str, Any], jsonschema.Draft202012Validator]] = {}


def _fits(value: Any, schema: Mapping[str, Any]) -> bool:
    cached = _validators.get(id(schema))
    if cached is None or cached[0] is not schema:  # (the schema is kept, so its id is not reused)
        cached = _validators[id(schema)] = (schema, jsonschema.Draft202012Validator(schema))
    return cached[1].is_valid(value)
