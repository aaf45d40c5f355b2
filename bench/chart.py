"""Draws bench/results.png from bench/results.json (runs in bench/.venvs/tools, with matplotlib).

python chart.py results.json results.png
"""

from __future__ import annotations

import json
import sys
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

ORDER = ("A", "B", "C", "D", "E", "dual", "mcp")
LABELS = {"A": "A bare", "B": "B FastAPI", "C": "C +MCP SDK", "D": "D FastMCP", "E": "E Powertools",
          "dual": "diplex dual", "mcp": "diplex MCP"}  # fmt: skip
COLORS = {"rest": "#4C72B0", "mcp-legacy": "#DD8452", "mcp-modern": "#55A868", "direct": "#8172B3"}


def grouped(
    ax: Any, groups: list[str], series: dict[str, list[float | None]], ylabel: str, log: bool = False
) -> None:
    width = 0.8 / max(1, len(series))
    for i, (name, values) in enumerate(series.items()):
        xs = [g + i * width - 0.4 + width / 2 for g in range(len(groups))]
        heights = [v if v is not None else 0 for v in values]
        kind = name.replace(":", " ").split(" ")[0]
        hatch = "//" if name.endswith("echo") else None
        ax.bar(xs, heights, width, label=name, color=COLORS.get(kind), hatch=hatch, edgecolor="white")
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.legend(fontsize=7)
    ax.grid(axis="y", alpha=0.3)


def value(data: dict[str, Any], *path: str) -> float | None:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data if isinstance(data, (int, float)) else None


def main(source: str, target: str) -> None:
    with open(source) as f:
        results = json.load(f)
    cold, warm = results.get("cold", {}), results.get("warm", {})
    scale, server, sizes = results.get("scale", {}), results.get("server", {}), results.get("closure", {})
    fig, axes = plt.subplots(2, 3, figsize=(16, 9))
    stacks = [k for k in ORDER if k in cold or k in warm]
    names = [LABELS[k] for k in stacks]

    grouped(
        axes[0][0],
        names,
        {
            kind: [value(cold, k, kind, "total_ms") for k in stacks]
            for kind in ("rest", "mcp-legacy", "mcp-modern")
        },
        "cold start, spawn to first answer (ms)",
    )
    axes[0][0].set_title("Cold start (median)")

    cases = [
        f"{kind} {tool}"
        for kind in ("rest", "mcp-legacy", "mcp-modern", "direct")
        for tool in ("add", "echo")
    ]
    grouped(
        axes[0][1],
        names,
        {case: [value(warm, k, case.replace(" ", ":"), "median_us") for k in stacks] for case in cases},
        "per invocation (us, log)",
        log=True,
    )
    axes[0][1].set_title("Warm invocation (median)")

    rss = [value(cold, k, "rest", "hwm_mb") or value(cold, k, "mcp-legacy", "hwm_mb") for k in stacks]
    venvs = {"A": "a", "B": "b", "C": "c", "D": "d", "E": "e", "dual": "diplex", "mcp": "diplex"}
    closure = [value(sizes, venvs[k], "mb") for k in stacks]
    grouped(axes[0][2], names, {"peak RSS MB": rss, "closure MB": closure}, "MB")
    axes[0][2].set_title("Peak RSS after first answer; installed closure")

    ns = list(scale)
    grouped(
        axes[1][0],
        [f"{n} tools" for n in ns],
        {"cold ms": [value(scale, n, "total_ms") for n in ns]},
        "cold start (ms)",
    )
    axes[1][0].set_title("diplex: cold start by number of tools")

    grouped(
        axes[1][1],
        [f"{n} tools" for n in ns],
        {
            case: [value(scale, n, case, "median_us") for n in ns]
            for case in ("list:mcp-legacy", "mcp-legacy:add", "rest:add")
        },
        "per invocation (us)",
    )
    axes[1][1].set_title("diplex: tools/list page and a call, by number of tools")

    srv = [k for k in ("dual", "B", "C") if k in server]
    grouped(
        axes[1][2],
        [LABELS[k] for k in srv],
        {
            case.replace(":", " "): [value(server, k, case, "calls_per_s") for k in srv]
            for case in (
                "rest:add",
                "rest:echo",
                "mcp-legacy:add",
                "mcp-legacy:echo",
                "mcp-modern:add",
                "mcp-modern:echo",
            )
        },
        "calls/s",
    )
    axes[1][2].set_title("Server mode: uvicorn, 127.0.0.1")

    kind = "quick" if results.get("settings", {}).get("quick") else "full"
    fig.suptitle(f"diplex benchmark ({kind} run; shared machine: compare ratios, not times)")
    fig.tight_layout()
    fig.savefig(target, dpi=90)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
