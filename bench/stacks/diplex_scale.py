"""diplex with many tools: ``add``, ``echo`` and generated ones, ``BENCH_TOOLS`` in all (default 2).

The generated tools cycle through a few signatures (ints, strings, optional values, a list), so
their schemas are not all alike, and each has a docstring, as written tools would.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import diplex
from diplex.aws import lambda_handler

registry = diplex.Registry("bench-scale")


@registry.tool
def add(a: int, b: int) -> int:
    return a + b


@registry.tool
async def echo(text: str) -> str:
    return text


def _shape(i: int) -> Callable[..., Any]:
    kind = i % 4
    if kind == 0:

        def tool(x: int, y: int = 0) -> int:
            """Add an offset to x.

            Args:
                x: the value.
                y: the offset.
            """
            return x + y + i

    elif kind == 1:

        async def tool(name: str, times: int = 1) -> str:  # type: ignore[misc]
            """Repeat a name.

            Args:
                name: what to repeat.
                times: how often.
            """
            return name * times

    elif kind == 2:

        def tool(values: list[float], scale: float | None = None) -> float:  # type: ignore[misc]
            """Sum values, optionally scaled."""
            return sum(values) * (scale or 1.0)

    else:

        def tool(key: str, flag: bool = False, limit: int | None = None) -> dict[str, Any]:  # type: ignore[misc]
            """Look a key up."""
            return {"key": key, "flag": flag, "limit": limit}

    return tool


for _i in range(max(0, int(os.environ.get("BENCH_TOOLS", "2")) - 2)):
    registry.add(_shape(_i), name=f"tool_{_i:04d}", description=f"Generated tool number {_i}.")

handler = lambda_handler(registry)

CASES = ("rest", "mcp-legacy", "mcp-modern", "direct")
