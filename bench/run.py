#!/usr/bin/env python3
"""diplex against the stacks users would pick instead, side by side, in one run (issue 7).

    python3 bench/run.py            full run (about 6-10 minutes once the environments exist)
    python3 bench/run.py --quick    short run (about 2-3 minutes once the environments exist)

Builds one virtual environment per stack under bench/.venvs/ (only that stack's packages, versions
pinned in bench/constraints.txt; diplex installed from the repository, not editable, and
reinstalled on every run), then measures every stack interleaved:

- cold start: a fresh process imports the handler and answers its first event (a REST tool call,
  an MCP ``tools/call``), timed from the spawn; import share; peak RSS;
- warm: per-invocation median over thousands of invocations in one process;
- installed dependency closure of each environment (pip and setuptools left out);
- scale: diplex with 2, 100 and 1,000 tools (cold start, tools/list first page, a call);
- server mode: uvicorn[standard] (httptools, uvloop) on 127.0.0.1, bounded load from a second
  process (bench/loadgen.py).

Prints one table of medians and ratios against A with the issue's targets, writes
bench/results.json and bench/results.png. The machine is shared: read ratios, not times.
Uses only the standard library; the chart (matplotlib) and the load generator (uvloop) run in
their own environment (bench/.venvs/tools).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
VENVS = BENCH / ".venvs"
LOGS = BENCH / "logs"
DRIVER = BENCH / "driver.py"
CONSTRAINTS = BENCH / "constraints.txt"
TOOLS = ("add", "echo")
NOT_CLOSURE = {"pip", "setuptools", "wheel", "distribute"}


def cases(*kinds: str) -> tuple[str, ...]:
    return tuple(f"{kind}:{tool}" for kind in kinds for tool in TOOLS)


@dataclass(frozen=True)
class Stack:
    key: str
    label: str
    venv: str
    module: str
    cold: tuple[str, ...]
    warm: tuple[str, ...]
    server: tuple[str, ...] = ()
    factory: str = "asgi_app"  # what uvicorn --factory builds in server mode


STACKS = (
    Stack("A", "bare handler (json + pydantic)", "a", "stack_a", ("rest",), cases("rest", "direct")),
    Stack("B", "FastAPI + Mangum, REST", "b", "stack_b", ("rest",), cases("rest"), cases("rest")),
    Stack(
        "C",
        "B + official MCP SDK server",
        "c",
        "stack_c",
        ("rest", "mcp-legacy", "mcp-modern"),
        cases("rest", "mcp-legacy", "mcp-modern"),
        cases("rest", "mcp-legacy", "mcp-modern"),
    ),
    Stack(
        "D",
        "FastMCP under Mangum",
        "d",
        "stack_d",
        ("mcp-legacy", "mcp-modern"),
        cases("mcp-legacy", "mcp-modern"),
    ),
    Stack("E", "Powertools HTTP API resolver, REST", "e", "stack_e", ("rest",), cases("rest")),
    Stack(
        "dual",
        "diplex dual (REST + MCP)",
        "diplex",
        "diplex_dual",
        ("rest", "mcp-legacy", "mcp-modern"),
        cases("rest", "mcp-legacy", "mcp-modern", "direct"),
        cases("rest", "mcp-legacy", "mcp-modern"),
    ),
    Stack(
        "mcp",
        "diplex MCP-only",
        "diplex",
        "diplex_mcp",
        ("mcp-legacy", "mcp-modern"),
        cases("mcp-legacy", "mcp-modern", "direct"),
        # Server mode: the bare MCP app a split deployment's MCP service runs (no FastAPI).
        cases("mcp-legacy", "mcp-modern"),
    ),
    # Server mode only: the same app with `add` registered inline=True (a pure, fast sync tool
    # may run on the loop's thread instead of a worker thread; see the runtime rules).
    Stack(
        "dual-inline",
        "diplex dual, sync add inline=True",
        "diplex",
        "diplex_dual",
        (),
        (),
        ("rest:add", "mcp-legacy:add", "mcp-modern:add"),
        factory="asgi_app_inline",
    ),
)
BY_KEY = {stack.key: stack for stack in STACKS}

# Each environment: the stack's own packages (its closure is measured), then what only the
# benchmark needs (uvicorn for server mode: uvicorn[standard], i.e. with httptools and uvloop, as
# deployed and as `diplex[server]` installs it; the same for every stack), installed afterwards and
# left out of the closure.
ENVIRONMENTS: dict[str, tuple[list[str], list[str]]] = {
    "a": (["pydantic"], []),
    "b": (["fastapi", "mangum", "pydantic"], ["uvicorn[standard]"]),
    "c": (["fastapi", "mangum", "mcp", "pydantic"], ["uvicorn[standard]"]),
    "d": (["fastmcp", "mangum"], []),
    "e": (["aws-lambda-powertools", "pydantic"], []),
    "diplex": ([str(REPO)], ["uvicorn[standard]"]),
    "tools": (["matplotlib", "uvloop"], []),  # the chart; the load generator's loop
}


# How each peer was made to answer warm invocations, and what happens without it (checked here).
NOTES = {
    "C": "The SDK's session manager is started once: the app's lifespan runs on a persistent loop that "
    "Mangum reuses (lifespan='off'). Plain Mangum(app) answers the first invocation, then fails with "
    "LifespanFailure ('.run() can only be called once per instance'); lifespan='off' alone answers 500 "
    "('Task group is not initialized'). MCPServer(log_level='WARNING'): its default INFO logging prints "
    "two lines per call.",
    "D": "Same arrangement as C. Plain Mangum(app) also works for FastMCP (it builds a new session manager "
    "for every lifespan cycle) but then runs the whole lifespan around every invocation.",
    "E": "Powertools' resolver is synchronous; the async tool runs on one persistent loop, as in A.",
    "A": "Answers REST and direct invocations only; the floor every ratio is taken against.",
}


@dataclass
class Settings:
    quick: bool
    cold_runs: int
    warm_rounds: int
    warm_calls: int
    scale_calls: int
    server_rounds: int
    server_seconds: float
    concurrency: int = 8
    server_max_requests: int = 200_000
    scale_sizes: tuple[int, ...] = (2, 100, 1000)
    only: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def make(cls, quick: bool) -> Settings:
        if quick:
            return cls(True, cold_runs=7, warm_rounds=1, warm_calls=1000, scale_calls=300, server_rounds=1,
                       server_seconds=1.0)  # fmt: skip
        # More, shorter rounds rather than fewer long ones: the host's speed drifts over minutes,
        # and finer interleaving spreads that drift over every stack alike.
        # 21 cold runs: diplex's cold-start margin (~5%) is about the spread of an 11-run median.
        return cls(False, cold_runs=21, warm_rounds=6, warm_calls=1000, scale_calls=3000, server_rounds=3,
                   server_seconds=2.0)  # fmt: skip


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- environments ----------------------------------------------------------------------------


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def python_of(venv: str) -> Path:
    return VENVS / venv / "bin" / "python"


def site_packages(venv: str) -> Path:
    found = sorted((VENVS / venv / "lib").glob("python*/site-packages"))
    if not found:
        raise RuntimeError(f"no site-packages in {VENVS / venv}")
    return found[0]


def pip(venv: str, args: Sequence[str], logfile: Path) -> None:
    command = [
        str(python_of(venv)),
        "-m",
        "pip",
        "--disable-pip-version-check",
        "install",
        "-c",
        str(CONSTRAINTS),
    ]
    with logfile.open("a") as out:
        out.write(f"\n$ {' '.join(command + list(args))}\n")
        out.flush()
        done = subprocess.run([*command, *args], stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode:
        raise RuntimeError(f"pip install {' '.join(args)} failed in {venv}; see {logfile}")


def environment_key(venv: str) -> str:
    packages, extras = ENVIRONMENTS[venv]
    parts = [sys.version, json.dumps([packages, extras]), CONSTRAINTS.read_text()]
    if venv == "diplex":
        parts.append((REPO / "pyproject.toml").read_text())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def build_environment(venv: str) -> dict[str, Any]:
    """Create (or reuse) one environment; returns its stamp (the stack's distributions)."""
    directory = VENVS / venv
    stamp_file = directory / "bench-stamp.json"
    logfile = LOGS / f"pip-{venv}.log"
    packages, extras = ENVIRONMENTS[venv]
    key = environment_key(venv)
    if stamp_file.exists():
        stamp: dict[str, Any] = json.loads(stamp_file.read_text())
        if stamp.get("key") == key and python_of(venv).exists():
            if venv == "diplex":
                # The code under test changes between runs: reinstall it (not editable), no deps.
                logfile.write_text("")
                pip(venv, ["--no-deps", "--force-reinstall", str(REPO)], logfile)
            return stamp
    log(f"  building environment {venv} ({', '.join(packages)})")
    if directory.exists():
        shutil.rmtree(directory)
    logfile.write_text("")
    subprocess.run([sys.executable, "-m", "venv", str(directory)], check=True)
    pip(venv, packages, logfile)
    listed = subprocess.run(
        [str(python_of(venv)), "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    )
    dists = {
        canonical(d["name"]): d["version"]
        for d in json.loads(listed.stdout)
        if canonical(d["name"]) not in NOT_CLOSURE
    }
    if extras:
        pip(venv, extras, logfile)
    stamp = {"key": key, "distributions": dists}
    stamp_file.write_text(json.dumps(stamp, indent=1))
    return stamp


def build_environments(names: Iterable[str]) -> dict[str, dict[str, Any]]:
    VENVS.mkdir(exist_ok=True)
    LOGS.mkdir(exist_ok=True)
    names = list(names)
    with ThreadPoolExecutor(max_workers=3) as pool:
        stamps = list(pool.map(build_environment, names))
    return dict(zip(names, stamps, strict=True))


def closure(venv: str, distributions: Iterable[str]) -> dict[str, Any]:
    """Bytes on disk of the stack's installed distributions (their RECORD files, compiled .pyc included)."""
    site = site_packages(venv)
    wanted = set(distributions)
    seen: set[Path] = set()
    total = without_pyc = 0
    names = []
    for dist in metadata.distributions(path=[str(site)]):
        name = canonical(dist.metadata["Name"])
        if name not in wanted:
            continue
        names.append(name)
        for entry in dist.files or ():
            path = Path(os.path.normpath(site / entry))
            if path in seen or site not in path.parents:
                continue
            seen.add(path)
            try:
                size = path.stat().st_size
            except OSError:
                continue
            total += size
            if path.suffix != ".pyc":
                without_pyc += size
    return {"mb": total / 1e6, "mb_without_pyc": without_pyc / 1e6, "distributions": sorted(names)}


# -- running the driver ----------------------------------------------------------------------


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {key: os.environ[key] for key in ("PATH", "HOME", "TMPDIR") if key in os.environ}
    env["LANG"] = "C.UTF-8"
    env.update(extra or {})
    return env


def parse_result(stdout: str) -> dict[str, Any]:
    for line in reversed(stdout.splitlines()):
        if line.startswith("BENCH-RESULT "):
            result: dict[str, Any] = json.loads(line[len("BENCH-RESULT ") :])
            return result
    raise ValueError("no result")


def run_driver(
    venv: str, args: Sequence[str], env: dict[str, str] | None = None, timeout: float = 600
) -> Any:
    command = [str(python_of(venv)), "-I", str(DRIVER), *args]
    spawned = time.monotonic_ns()
    done = subprocess.run(
        command, capture_output=True, text=True, env=child_env(env), timeout=timeout, check=False
    )
    try:
        result = parse_result(done.stdout)
    except ValueError:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"error": f"exit {done.returncode}: {' | '.join(tail)}"}
    result["spawned"] = spawned
    return result


def cold_once(stack: Stack, kind: str, env: dict[str, str] | None = None, then_list: bool = False) -> Any:
    args = ["cold", stack.module, kind, "add", *(["--list"] if then_list else [])]
    result = run_driver(stack.venv, args, env, timeout=180)
    if "t_answered" in result:
        result["total_ms"] = (result["t_answered"] - result["spawned"]) / 1e6
        result["startup_ms"] = (result["t_main"] - result["spawned"]) / 1e6
    return result


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [run[key] for run in runs if run.get(key) is not None and not run.get("error")]
    return statistics.median(values) if values else None


def summarize_cold(runs: list[dict[str, Any]]) -> dict[str, Any]:
    errors = [run["error"] for run in runs if run.get("error")]
    summary = {
        key: median_of(runs, key)
        for key in (
            "total_ms",
            "startup_ms",
            "import_ms",
            "first_call_ms",
            "hwm_mb",
            "maxrss_mb",
            "first_list_ms",
        )
    }
    ok = [run for run in runs if not run.get("error")]
    summary["runs"] = len(ok)
    summary["import_share"] = (
        statistics.median(run["import_ms"] / run["total_ms"] for run in ok) if ok else None
    )
    if errors:
        summary["error"] = errors[0]
    listed = [run.get("listed") for run in ok if run.get("listed") is not None]
    if listed:
        summary["listed"] = listed[0]
    return summary


def rotate(items: Sequence[Any], by: int) -> list[Any]:
    by %= max(1, len(items))
    return list(items[by:]) + list(items[:by])


def interleaved(
    jobs: Sequence[tuple[str, Callable[[], Any]]], rounds: int, warmup: bool
) -> dict[str, list[Any]]:
    """Run every job once per round, the order rotating each round; an untimed first pass if ``warmup``."""
    results: dict[str, list[Any]] = {name: [] for name, _ in jobs}
    if warmup:
        for _, job in jobs:
            job()
    for number in range(rounds):
        for name, job in rotate(jobs, number):
            results[name].append(job())
    return results


# -- phases ----------------------------------------------------------------------------------


def phase_cold(settings: Settings, stacks: Sequence[Stack]) -> dict[str, dict[str, Any]]:
    jobs = [
        (f"{stack.key}|{kind}", lambda stack=stack, kind=kind: cold_once(stack, kind))
        for stack in stacks
        for kind in stack.cold
        # --quick times the peers' MCP cold start in one era only (each run takes about a second).
        if not (settings.quick and stack.key in ("C", "D") and kind == "mcp-modern")
    ]
    # A fresh interpreter that imports nothing else: the part of every cold start no stack owns.
    bare = Stack("python", "interpreter only", "a", "-", ("none",), ())
    jobs.append(("python|none", lambda: cold_once(bare, "none")))
    raw = interleaved(jobs, settings.cold_runs, warmup=True)
    out: dict[str, dict[str, Any]] = {}
    for name, runs in raw.items():
        key, kind = name.split("|")
        out.setdefault(key, {})[kind] = summarize_cold(runs)
    return out


def pooled(samples: list[int]) -> dict[str, Any]:
    ordered = sorted(samples)
    return {
        "median_us": statistics.median(ordered) / 1e3,
        "p10_us": ordered[len(ordered) // 10] / 1e3,
        "p90_us": ordered[(len(ordered) * 9) // 10] / 1e3,
        "calls": len(ordered),
    }


def phase_warm(settings: Settings, stacks: Sequence[Stack]) -> dict[str, dict[str, Any]]:
    jobs = [
        (
            stack.key,
            lambda stack=stack: run_driver(
                stack.venv, ["warm", stack.module, str(settings.warm_calls), *stack.warm]
            ),
        )
        for stack in stacks
        if stack.warm
    ]
    raw = interleaved(jobs, settings.warm_rounds, warmup=False)
    out: dict[str, dict[str, Any]] = {}
    for key, runs in raw.items():
        merged: dict[str, list[int]] = {}
        errors: dict[str, str] = {}
        rss = []
        for run in runs:
            if run.get("error"):
                errors["*"] = run["error"]
                continue
            for case, samples in run["samples"].items():
                merged.setdefault(case, []).extend(samples)
            errors.update(run["errors"])
            rss.append(run.get("hwm_mb"))
        stack_out: dict[str, Any] = {case: pooled(samples) for case, samples in merged.items() if samples}
        for case, problem in errors.items():
            stack_out.setdefault(case, {})["error"] = problem
        stack_out["_hwm_mb"] = max((r for r in rss if r), default=None)
        out[key] = stack_out
    return out


def phase_scale(settings: Settings) -> dict[str, dict[str, Any]]:
    stack = Stack("scale", "diplex with N tools", "diplex", "diplex_scale", ("mcp-legacy",), ())
    jobs = [
        (str(n), lambda n=n: cold_once(stack, "mcp-legacy", {"BENCH_TOOLS": str(n)}, then_list=True))
        for n in settings.scale_sizes
    ]
    raw = interleaved(jobs, settings.cold_runs, warmup=True)
    warm_cases = ["list:mcp-legacy", "mcp-legacy:add", "rest:add"]
    per_round = str(max(1, settings.scale_calls // settings.warm_rounds))
    # The warm figures of each size interleaved over rounds too, as in the warm phase: "flat in
    # the number of tools" compares processes, and the host drifts between them.
    warm_jobs = [
        (
            str(n),
            lambda n=n: run_driver(
                "diplex",
                ["warm", stack.module, per_round, *warm_cases],
                {"BENCH_TOOLS": str(n)},
            ),
        )
        for n in settings.scale_sizes
    ]
    warm_raw = interleaved(warm_jobs, settings.warm_rounds, warmup=False)
    out: dict[str, dict[str, Any]] = {}
    for n in settings.scale_sizes:
        summary = summarize_cold(raw[str(n)])
        merged: dict[str, list[int]] = {}
        for warm in warm_raw[str(n)]:
            if warm.get("error"):
                summary["warm_error"] = warm["error"]
                continue
            for case, samples in warm["samples"].items():
                merged.setdefault(case, []).extend(samples)
            for case, problem in warm["errors"].items():
                summary.setdefault(case, {})["error"] = problem
        for case, samples in merged.items():
            if samples:
                summary[case] = pooled(samples)
        out[str(n)] = summary
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def loadgen(
    port: int, case: str, concurrency: int, seconds: float, max_requests: int, mcp_path: str = "/mcp"
) -> dict[str, Any]:
    sys.path.insert(0, str(BENCH))
    import events

    kind, _, tool = case.partition(":")
    path, body, headers = events.request(kind, tool)
    if kind.startswith("mcp"):
        path = mcp_path
    headers = {"content-type": "application/json", "accept": events.ACCEPT, **headers}
    command = [
        str(python_of("tools")),
        "-I",
        str(BENCH / "loadgen.py"),
        str(port),
        path,
        body,
        json.dumps(headers),
        events.EXPECT[tool],
        str(concurrency),
        str(seconds),
        str(max_requests),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if done.returncode:
        return {"error": (done.stderr.strip().splitlines() or ["loadgen failed"])[-1]}
    result: dict[str, Any] = json.loads(done.stdout)
    if result["errors"]:
        result["error"] = result["first_error"]
    return result


def mcp_path_of(key: str, port: int, out: dict[str, dict[str, Any]]) -> str:
    """``/mcp``; or ``/mcp/`` where the app redirects ``POST /mcp`` there (noted as an error: clients
    are given ``/mcp``, and most do not repeat a POST after a redirect)."""
    if not any(case.startswith("mcp") for case in BY_KEY[key].server):
        return "/mcp"
    probe = loadgen(port, "mcp-legacy:add", 1, 2.0, 1)
    if str(probe.get("error", "")).startswith(("307", "308")):
        out.setdefault(key, {})["mcp_path"] = {
            "error": f"POST /mcp answered {probe['error'][:3]} (redirect to /mcp/); MCP measured at /mcp/"
        }
        return "/mcp/"
    return "/mcp"


def phase_server(settings: Settings, stacks: Sequence[Stack]) -> dict[str, dict[str, Any]]:
    servers: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    out: dict[str, dict[str, Any]] = {}
    try:
        for stack in stacks:
            if not stack.server:
                continue
            port = free_port()
            logfile = (LOGS / f"server-{stack.key}.log").open("wb")
            command = [str(python_of(stack.venv)), "-I", "-m", "uvicorn", "--app-dir", str(BENCH / "stacks")]
            command += ["--factory", f"{stack.module}:{stack.factory}"]
            command += ["--host", "127.0.0.1", "--port", str(port)]
            command += ["--log-level", "warning", "--no-access-log"]
            process = subprocess.Popen(command, stdout=logfile, stderr=subprocess.STDOUT, env=child_env())
            servers[stack.key] = (process, port)
        jobs = []
        for key, (process, port) in servers.items():
            if not wait_for_port(port, process):
                out[key] = {"error": f"uvicorn did not start; see {LOGS / f'server-{key}.log'}"}
                continue
            mcp_path = mcp_path_of(key, port, out)
            for case in BY_KEY[key].server:
                # A short untimed burst first: the first requests build caches and schemas.
                loadgen(port, case, 2, 0.2, 200, mcp_path)
                jobs.append(
                    (
                        f"{key}|{case}",
                        lambda port=port, case=case, mcp_path=mcp_path: loadgen(
                            port,
                            case,
                            settings.concurrency,
                            settings.server_seconds,
                            settings.server_max_requests,
                            mcp_path,
                        ),
                    )
                )
        raw = interleaved(jobs, settings.server_rounds, warmup=False)
        for name, runs in raw.items():
            key, case = name.split("|")
            ok = [run for run in runs if not run.get("error")]
            summary: dict[str, Any] = {"rounds": len(ok)}
            if ok:
                summary["calls_per_s"] = statistics.median(run["calls_per_s"] for run in ok)
                summary["latency_median_us"] = statistics.median(run["latency_median_us"] for run in ok)
                summary["requests"] = sum(run["requests"] for run in ok)
            failed = [run["error"] for run in runs if run.get("error")]
            if failed:
                summary["error"] = failed[0]
            out.setdefault(key, {})[case] = summary
    finally:
        for process, _ in servers.values():
            process.terminate()
        for process, _ in servers.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return out


# -- targets and report ----------------------------------------------------------------------


def get(data: dict[str, Any], *path: str) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def target(
    name: str, value: float | None, limit: float, unit: str = "x", higher_is_better: bool = False
) -> dict[str, Any]:
    met = None if value is None else (value >= limit if higher_is_better else value <= limit)
    sign = ">=" if higher_is_better else "<="
    return {"target": name, "value": value, "limit": f"{sign} {limit:g}{unit}", "met": met}


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    cold, warm, scale, server = (results.get(k, {}) for k in ("cold", "warm", "scale", "server"))
    sizes = results.get("closure", {})
    a_cold = get(cold, "A", "rest", "total_ms")
    targets = []
    for key, kind, label in (
        ("dual", "rest", "cold start, diplex dual, first call REST vs A"),
        ("dual", "mcp-legacy", "cold start, diplex dual, first call MCP (2025-11-25) vs A"),
        ("dual", "mcp-modern", "cold start, diplex dual, first call MCP (2026-07-28) vs A"),
        ("mcp", "mcp-legacy", "cold start, diplex MCP-only, first call MCP (2025-11-25) vs A"),
        ("mcp", "mcp-modern", "cold start, diplex MCP-only, first call MCP (2026-07-28) vs A"),
    ):
        targets.append(target(label, ratio(get(cold, key, kind, "total_ms"), a_cold), 1.15))
    targets.append(
        target(
            "cold start, diplex dual (REST) vs B (FastAPI + Mangum REST)",
            ratio(get(cold, "dual", "rest", "total_ms"), get(cold, "B", "rest", "total_ms")),
            0.55,
        )
    )
    for key in ("dual", "mcp"):
        for kind in BY_KEY[key].warm:
            base = "rest:" + kind.split(":")[1] if not kind.startswith("direct") else kind
            value = ratio(get(warm, key, kind, "median_us"), get(warm, "A", base, "median_us"))
            if kind.startswith("direct"):
                continue  # informational: A answers direct invocations too, shown in the table
            targets.append(target(f"warm {kind}, {BY_KEY[key].label} vs A {base}", value, 3))
    for tool in TOOLS:
        targets.append(
            target(
                f"server: diplex REST {tool} calls/s vs B's async route (echo) under uvicorn",
                ratio(
                    get(server, "dual", f"rest:{tool}", "calls_per_s"),
                    get(server, "B", "rest:echo", "calls_per_s"),
                ),
                1.0,
                higher_is_better=True,
            )
        )
    targets.append(
        target(
            "server: diplex REST add, inline=True, calls/s vs B's async route (echo)",
            ratio(
                get(server, "dual-inline", "rest:add", "calls_per_s"),
                get(server, "B", "rest:echo", "calls_per_s"),
            ),
            1.0,
            higher_is_better=True,
        )
    )
    a_rss = get(cold, "A", "rest", "hwm_mb")
    for key, kind in (("dual", "rest"), ("dual", "mcp-legacy"), ("mcp", "mcp-legacy")):
        rss = get(cold, key, kind, "hwm_mb")
        extra = rss - a_rss if rss is not None and a_rss is not None else None
        targets.append(
            target(f"peak RSS after first {kind} call, {BY_KEY[key].label}, minus A's", extra, 5, " MB")
        )
    targets.append(target("dependency closure, diplex", get(sizes, "diplex", "mb"), 16, " MB"))
    two, hundred, thousand = (scale.get(str(n), {}) for n in (2, 100, 1000))
    targets.append(
        target("cold start with 1,000 tools vs 2", ratio(thousand.get("total_ms"), two.get("total_ms")), 1.5)
    )
    targets.append(
        target(
            "tools/list first page, 1,000 tools vs 100 (same page size): flat",
            ratio(
                get(thousand, "list:mcp-legacy", "median_us"), get(hundred, "list:mcp-legacy", "median_us")
            ),
            1.25,
        )
    )
    for case in ("mcp-legacy:add", "rest:add"):
        targets.append(
            target(
                f"warm {case} with 1,000 tools vs 2: flat",
                ratio(get(thousand, case, "median_us"), get(two, case, "median_us")),
                1.25,
            )
        )
    for era in ("mcp-legacy", "mcp-modern"):
        for tool in TOOLS:
            mcp_rate = get(server, "dual", f"{era}:{tool}", "calls_per_s")
            targets.append(
                target(
                    f"server: diplex MCP {era} {tool} calls/s vs diplex REST",
                    ratio(mcp_rate, get(server, "dual", f"rest:{tool}", "calls_per_s")),
                    0.9,
                    higher_is_better=True,
                )
            )
            targets.append(
                target(
                    f"server: diplex MCP {era} {tool} calls/s vs C's MCP",
                    ratio(mcp_rate, get(server, "C", f"{era}:{tool}", "calls_per_s")),
                    5,
                    higher_is_better=True,
                )
            )
    return targets


def fmt(value: float | None, digits: int = 0, suffix: str = "") -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}{suffix}"


def cell(value: float | None, base: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    r = ratio(value, base)
    return f"{value:,.{digits}f} ({r:.2f}x)" if r is not None else fmt(value, digits)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def report(results: dict[str, Any]) -> str:
    cold, warm, scale, server = (results.get(k, {}) for k in ("cold", "warm", "scale", "server"))
    sizes = results.get("closure", {})
    out = [
        f"diplex benchmark ({'quick' if results['settings']['quick'] else 'full'} run) - medians; ratios vs A"
    ]
    a_cold = get(cold, "A", "rest", "total_ms")
    rows = []
    for stack in STACKS:
        data = cold.get(stack.key, {})
        if not data:
            continue
        first = data.get("rest") or data.get("mcp-legacy") or {}
        rows.append(
            [
                f"{stack.key}: {stack.label}",
                cell(get(data, "rest", "total_ms"), a_cold, 1),
                cell(get(data, "mcp-legacy", "total_ms"), a_cold, 1),
                cell(get(data, "mcp-modern", "total_ms"), a_cold, 1),
                fmt(first.get("import_share") and first["import_share"] * 100, 0, "%"),
                fmt(first.get("hwm_mb"), 1),
                fmt(get(sizes, stack.venv, "mb"), 1),
            ]
        )
    python_only = get(cold, "python", "none", "total_ms")
    out += [
        "",
        f"Cold start: spawn to first answer, ms (a bare interpreter: {fmt(python_only, 1)} ms)",
        table(
            [
                "stack",
                "REST call",
                "MCP call 2025-11-25",
                "MCP call 2026-07-28",
                "import",
                "RSS MB",
                "closure MB",
            ],
            rows,
        ),
    ]
    warm_cases = cases("rest", "mcp-legacy", "mcp-modern", "direct")
    rows = []
    for stack in STACKS:
        data = warm.get(stack.key)
        if not data:
            continue
        row = [stack.key]
        for case in warm_cases:
            kind, _, tool = case.partition(":")
            base = get(warm, "A", case if kind == "direct" else f"rest:{tool}", "median_us")
            row.append("ERR" if get(data, case, "error") else cell(get(data, case, "median_us"), base, 1))
        rows.append(row)
    out += [
        "",
        "Warm: per invocation, us (ratio vs A's same tool; direct vs A's direct)",
        table(["stack", *warm_cases], rows),
    ]
    rows = []
    for n, data in scale.items():
        rows.append(
            [
                n,
                fmt(data.get("total_ms"), 1),
                fmt(data.get("first_list_ms"), 2),
                str(data.get("listed", "-")),
                fmt(get(data, "list:mcp-legacy", "median_us"), 1),
                fmt(get(data, "mcp-legacy:add", "median_us"), 1),
                fmt(get(data, "rest:add", "median_us"), 1),
                fmt(data.get("hwm_mb"), 1),
            ]
        )
    out += [
        "",
        "Scale: diplex dual with N tools",
        table(
            ["tools", "cold ms", "1st list ms", "on page", "list us", "MCP add us", "REST add us", "RSS MB"],
            rows,
        ),
    ]
    rows = []
    for key, data in server.items():
        for case in BY_KEY[key].server:
            summary = data.get(case, {})
            rows.append(
                [
                    key,
                    case,
                    "ERR" if summary.get("error") else fmt(summary.get("calls_per_s")),
                    fmt(summary.get("latency_median_us")),
                ]
            )
        if "error" in data and isinstance(data["error"], str):
            rows.append([key, "-", "ERR", data["error"][:80]])
    out += [
        "",
        "Server mode: uvicorn[standard] on 127.0.0.1, calls/s",
        table(["stack", "case", "calls/s", "latency us"], rows),
    ]
    rows = [
        [t["target"], fmt(t["value"], 2), t["limit"], {True: "met", False: "MISSED", None: "n/a"}[t["met"]]]
        for t in results["targets"]
    ]
    out += ["", "Targets (issue 7)", table(["target", "value", "limit", ""], rows)]
    problems = collect_errors(results)
    if problems:
        out += ["", "Errors (cases that did not answer correctly are left out of the figures):"]
        out += [f"  {where}: {problem[:240]}" for where, problem in problems]
    return "\n".join(out)


def collect_errors(data: Any, where: str = "") -> list[tuple[str, str]]:
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("error", "warm_error") and isinstance(value, str):
                found.append((where, value))
            elif key not in ("targets", "settings"):
                found += collect_errors(value, f"{where}/{key}" if where else str(key))
    return found


def chart(results_file: Path, png: Path) -> str | None:
    done = subprocess.run(
        [str(python_of("tools")), "-I", str(BENCH / "chart.py"), str(results_file), str(png)],
        capture_output=True,
        text=True,
        env=child_env({"MPLBACKEND": "Agg"}),
        check=False,
    )
    if done.returncode:
        return (done.stderr.strip().splitlines() or ["chart failed"])[-1]
    return None


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    with contextlib.suppress(OSError):
        info["loadavg"] = os.getloadavg()
    return info


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and calls: about 2-3 minutes")
    parser.add_argument(
        "--phases",
        default="cold,warm,closure,scale,server",
        help="comma-separated subset of the phases to run",
    )
    parser.add_argument("--output", type=Path, default=BENCH / "results.json", help="where to write the JSON")
    args = parser.parse_args(argv)
    settings = Settings.make(args.quick)
    phases = set(args.phases.split(","))
    started = time.monotonic()
    results: dict[str, Any] = {"settings": settings.__dict__, "machine_before": machine(), "notes": NOTES}
    log("building environments (bench/.venvs; pip logs in bench/logs)")
    stamps = build_environments(ENVIRONMENTS)
    results["versions"] = {venv: stamp["distributions"] for venv, stamp in stamps.items()}
    phase_list: list[tuple[str, Callable[[], Any]]] = [
        ("cold", lambda: phase_cold(settings, STACKS)),
        ("warm", lambda: phase_warm(settings, STACKS)),
        (
            "closure",
            lambda: {v: closure(v, stamps[v]["distributions"]) for v in ENVIRONMENTS if v != "tools"},
        ),
        ("scale", lambda: phase_scale(settings)),
        ("server", lambda: phase_server(settings, STACKS)),
    ]
    for name, run in phase_list:
        if name in phases:
            log(f"{name} ... ({time.monotonic() - started:.0f} s so far)")
            results[name] = run()
    results["targets"] = evaluate(results)
    results["machine_after"] = machine()
    results["seconds"] = time.monotonic() - started
    args.output.write_text(json.dumps(results, indent=1) + "\n")
    problem = chart(args.output, args.output.with_suffix(".png"))
    print(report(results))
    print(f"\nwrote {args.output} and {args.output.with_suffix('.png')} in {results['seconds']:.0f} s")
    if problem:
        print(f"chart: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
