"""The official MCP conformance suite, server mode, against diplex serving its fixture tools.

``@modelcontextprotocol/conformance`` runs under Node 22 against
``tests/mcp/conformance_server.py`` served by uvicorn, once per requirements revision
(``--requirements 2026-07-28`` and ``--requirements 2025-11-25``). Its per-scenario results
(``checks.json``) are judged against ``conformance_baseline.py``: every failure and warning must
be listed there with its reason, and everything listed there must still fail (or warn).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conformance_baseline import ALWAYS_REQUIRED_CHECKS, BASELINES, CONFORMANCE_VERSION, Baseline
from .launch import serving
from .nodejs import CONFORMANCE, NodeTools, NodeUnavailable, node_tools

TARGET = "tests.mcp.conformance_server:registry"
RUN_TIMEOUT = 300.0
_RESULT_DIR = re.compile(r"server-(?P<scenario>.+)-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z")
_SUMMARY_LINE = re.compile(r"[✓✗] (?P<scenario>[\w.-]+): \d+ passed, \d+ failed")


@dataclasses.dataclass(frozen=True)
class Check:
    scenario: str
    id: str
    status: str  # SUCCESS, FAILURE, WARNING, SKIPPED or INFO
    message: str = ""
    name: str = ""  # tells apart the cases of a check id the suite repeats

    def __str__(self) -> str:
        name = f" ({self.name})" if self.name else ""
        return f"{self.scenario}:{self.id}{name} {self.status}" + (
            f": {self.message}" if self.message else ""
        )


@pytest.fixture(scope="module")
def node() -> NodeTools:
    try:
        tools = node_tools()
    except NodeUnavailable as exc:
        pytest.skip(f"the MCP conformance suite needs Node >= 22: {exc}")
    assert tools.package_version(CONFORMANCE) == CONFORMANCE_VERSION
    return tools


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serving(TARGET) as endpoint:
        yield endpoint


@pytest.mark.parametrize("revision", list(BASELINES))
def test_conformance_suite(node: NodeTools, url: str, tmp_path: Path, revision: str) -> None:
    out = tmp_path / "results"
    command = node.conformance("server", "--url", url, "--requirements", revision, "--output-dir", str(out))
    done = node.run(command, timeout=RUN_TIMEOUT)
    output = f"{done.stdout[-6000:]}\n{done.stderr[-3000:]}"
    # Status 1 means some scenario failed; anything else means the suite itself broke.
    assert done.returncode in (0, 1), f"the conformance suite exited with {done.returncode}:\n{output}"
    results = read_results(out)
    summarized = {m["scenario"] for m in map(_SUMMARY_LINE.fullmatch, done.stdout.splitlines()) if m}
    assert results, f"the conformance suite wrote no results:\n{output}"
    assert summarized == set(results), f"summary and result files disagree:\n{output}"
    problems = judge(results, BASELINES[revision])
    assert not problems, (
        f"conformance --requirements {revision} against diplex, {len(problems)} problem(s):\n  "
        + "\n  ".join(problems)
        + "\n(tests/mcp/node/conformance_baseline.py lists what may fail, with reasons)"
    )


def read_results(out: Path) -> dict[str, list[Check]]:
    """Scenario -> its checks, from the suite's ``<out>/server-<scenario>-<time>/checks.json``."""
    results: dict[str, list[Check]] = {}
    for directory in sorted(out.iterdir()):
        match = _RESULT_DIR.fullmatch(directory.name)
        assert match, f"unexpected entry in the suite's output directory: {directory.name}"
        scenario = match["scenario"]
        assert scenario not in results, f"scenario {scenario} has two result directories"
        raw = json.loads((directory / "checks.json").read_text())
        results[scenario] = [
            Check(
                scenario,
                str(c["id"]),
                str(c["status"]),
                " ".join(str(c.get("errorMessage") or "").split()),
                str(c.get("name") or ""),
            )
            for c in raw
        ]
    return results


def judge(results: dict[str, list[Check]], baseline: Baseline) -> list[str]:
    """Every way the results and the baseline disagree, one line each (empty: they agree)."""
    problems: list[str] = []
    for scenario, checks in results.items():
        failed = [c for c in checks if c.status == "FAILURE"]
        for check in failed:
            key = f"{scenario}:{check.id}"
            allowed = key in baseline.failures or (
                scenario in baseline.failures and check.id not in ALWAYS_REQUIRED_CHECKS
            )
            if not allowed:
                problems.append(f"unexpected failure: {check}")
        if scenario in baseline.failures and not failed:
            problems.append(
                f"{scenario} passes now but is listed as allowed to fail "
                f"({baseline.failures[scenario]}): remove it from the baseline"
            )
        for check in checks:
            # A scenario allowed to fail as a whole may also warn.
            if check.status == "WARNING" and not (
                f"{scenario}:{check.id}" in baseline.warnings or scenario in baseline.failures
            ):
                problems.append(f"unexpected warning: {check}")
    seen: dict[tuple[str, str], set[str]] = {}
    for checks in results.values():
        for c in checks:
            seen.setdefault((c.scenario, c.id), set()).add(c.status)
    for kind, listed, status in (
        ("fail", baseline.failures, "FAILURE"),
        ("warn", baseline.warnings, "WARNING"),
    ):
        for key, reason in listed.items():
            scenario, _, check_id = key.partition(":")
            if scenario not in results:
                problems.append(f"{key} is listed as allowed to {kind} ({reason}) but did not run")
            elif check_id and status not in seen.get((scenario, check_id), set()):
                found = sorted(seen.get((scenario, check_id), set())) or ["no such check"]
                problems.append(
                    f"{key} is listed as allowed to {kind} ({reason}) but it did not {kind} "
                    f"(got {', '.join(found)}): remove it from the baseline"
                )
    return problems


# -- the judge itself (no Node needed) -------------------------------------------------------------

_BASELINE = Baseline(
    failures={"needs-x": "x is not built", "mixed:one-check": "one check is not built"},
    warnings={"quiet:w": "a known warning"},
)


def _results(*checks: Check) -> dict[str, list[Check]]:
    results: dict[str, list[Check]] = {"needs-x": [], "mixed": [], "quiet": []}
    for check in checks:
        results.setdefault(check.scenario, []).append(check)
    return results


_AS_LISTED = (
    Check("needs-x", "x", "FAILURE", "no x"),
    Check("needs-x", "wire-schema-valid", "SUCCESS"),
    Check("mixed", "one-check", "FAILURE", "no y"),
    Check("mixed", "other", "SUCCESS"),
    Check("quiet", "w", "WARNING"),
)


def test_judge_accepts_results_that_match_the_baseline() -> None:
    assert judge(_results(*_AS_LISTED), _BASELINE) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (Check("mixed", "other", "FAILURE", "broken"), "unexpected failure: mixed:other FAILURE: broken"),
        (Check("needs-x", "wire-schema-valid", "FAILURE"), "unexpected failure: needs-x:wire-schema-valid"),
        (Check("fine", "z", "WARNING"), "unexpected warning: fine:z WARNING"),
        (Check("needs-x", "x", "SUCCESS"), "needs-x passes now but is listed as allowed to fail"),
        (Check("mixed", "one-check", "SUCCESS"), "mixed:one-check is listed as allowed to fail"),
        (Check("quiet", "w", "SUCCESS"), "quiet:w is listed as allowed to warn"),
    ],
)
def test_judge_reports_every_disagreement(change: Check, problem: str) -> None:
    checks = [c for c in _AS_LISTED if (c.scenario, c.id) != (change.scenario, change.id)]
    problems = judge(_results(*checks, change), _BASELINE)
    assert len(problems) == 1 and problems[0].startswith(problem), problems


def test_judge_lets_a_scenario_allowed_to_fail_also_warn() -> None:
    assert judge(_results(*_AS_LISTED, Check("needs-x", "v", "WARNING")), _BASELINE) == []


def test_judge_reports_a_listed_scenario_that_did_not_run() -> None:
    results = _results(*_AS_LISTED)
    del results["needs-x"]
    assert judge(results, _BASELINE) == [
        "needs-x is listed as allowed to fail (x is not built) but did not run"
    ]
