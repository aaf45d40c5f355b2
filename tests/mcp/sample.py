"""The registry the MCP tests serve: every result shape and every kind of failure."""

from __future__ import annotations

import asyncio
import enum

from pydantic import BaseModel

import diplex

registry = diplex.Registry("diplex-test", "1.2.3", instructions="Tools for testing the MCP surface.")


class Colour(str, enum.Enum):
    RED = "red"
    BLUE = "blue"


class Point(BaseModel):
    x: float
    y: float
    colour: Colour = Colour.RED


@registry.tool(title="Addition", read_only=True, idempotent=True)
def add(a: int, b: int) -> int:
    """Add two integers (a sync tool)."""
    return a + b


@registry.tool(open_world=False)
async def greet(name: str) -> str:
    """Greet someone (an async tool)."""
    await asyncio.sleep(0)
    return f"Hello, {name}."


@registry.tool
def pair(x: int) -> list[int]:
    """A tool whose output schema is an array."""
    return [x, x]


@registry.tool
def point(x: float, y: float) -> Point:
    """A tool whose output schema is an object with $defs."""
    return Point(x=x, y=y)


@registry.tool
def untyped(x: int):  # type: ignore[no-untyped-def]
    """A tool without a return annotation: no output schema."""
    return {"x": x}


@registry.tool
def fail(message: str) -> str:
    """Always fails on purpose."""
    raise diplex.ToolError(message, data={"why": "asked"})


@registry.tool
def crash() -> int:
    """Fails by accident."""
    raise RuntimeError("a secret that must not reach the client")


@registry.tool(timeout=0.05)
async def slow() -> int:
    """Runs past its own timeout."""
    await asyncio.sleep(30)
    return 0


@registry.tool
async def count_up(steps: int, ctx: diplex.ToolContext) -> int:
    """Reports progress once per step (async)."""
    for step in range(1, steps + 1):
        await ctx.report_progress(step, steps, f"step {step}")
    return steps


@registry.tool
def count_up_sync(steps: int, ctx: diplex.ToolContext) -> int:
    """Reports progress once per step from a worker thread (sync, through run_sync)."""
    for step in range(1, steps + 1):
        diplex.run_sync(ctx.report_progress(step, steps))
    return steps


TOOL_NAMES = [tool.name for tool in registry]
