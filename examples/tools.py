"""A small, realistic tool set: the one the README serves and the tests use.

Run it:  diplex serve examples.tools:registry
"""

from __future__ import annotations

import asyncio
import datetime
import enum
import math
import os
import tempfile
from typing import Annotated

import aiosqlite
from pydantic import BaseModel, Field

import diplex

registry = diplex.Registry(
    name="diplex-examples",
    version="0.1.0",
    instructions="Arithmetic, a greeting, unit conversion and a small persistent notebook.",
)


@registry.tool(read_only=True, idempotent=True, tags=["math"], examples=[diplex.Example({"a": 2, "b": 3}, 5)])
def add(a: int, b: int) -> int:
    """Add two integers.

    Args:
        a: The first addend.
        b: The second addend.
    """
    return a + b


@registry.tool(
    read_only=True, idempotent=True, tags=["math"], examples=[diplex.Example({"a": 7, "b": 2}, 3.5)]
)
def divide(a: float, b: float) -> float:
    """Divide a by b.

    Args:
        a: The dividend.
        b: The divisor; must not be zero.
    """
    if b == 0:
        raise diplex.ToolError("cannot divide by zero", data={"argument": "b"})
    quotient = a / b
    if math.isinf(quotient):  # inf is not JSON: refuse it rather than fail with a 500
        raise diplex.ToolError("the quotient is too large for a float")
    return quotient


@registry.tool(read_only=True, tags=["text"], examples=[{"name": "Ada"}])
async def greet(
    name: Annotated[str, Field(description="Who to greet.", min_length=1, max_length=100)],
    excited: bool = False,
) -> str:
    """Greet someone by name (an async tool)."""
    await asyncio.sleep(0)
    return f"Hello, {name}{'!' if excited else '.'}"


class Unit(str, enum.Enum):
    CELSIUS = "celsius"
    FAHRENHEIT = "fahrenheit"
    KELVIN = "kelvin"


class Temperature(BaseModel):
    """A temperature in one unit."""

    value: float
    unit: Unit


@registry.tool(read_only=True, idempotent=True, tags=["units"])
def convert_temperature(value: float, from_unit: Unit, to_unit: Unit) -> Temperature:
    """Convert a temperature between Celsius, Fahrenheit and Kelvin.

    Parameters
    ----------
    value : float
        The temperature to convert.
    from_unit : Unit
        Its unit.
    to_unit : Unit
        The unit wanted.
    """
    kelvin = {
        Unit.CELSIUS: value + 273.15,
        Unit.FAHRENHEIT: (value - 32) * 5 / 9 + 273.15,
        Unit.KELVIN: value,
    }[from_unit]
    if kelvin < 0:
        raise diplex.ToolError(f"{value} {from_unit.value} is below absolute zero")
    result = {
        Unit.CELSIUS: kelvin - 273.15,
        Unit.FAHRENHEIT: (kelvin - 273.15) * 9 / 5 + 32,
        Unit.KELVIN: kelvin,
    }[to_unit]
    return Temperature(value=round(result, 6), unit=to_unit)


# -- A notebook kept in SQLite through one aiosqlite connection, opened on first use and kept
# -- open across calls (and across warm Lambda invocations): the state that must survive.


class Note(BaseModel):
    id: int
    text: str
    created: datetime.datetime


_connection: aiosqlite.Connection | None = None


async def _db() -> aiosqlite.Connection:
    global _connection
    if _connection is None:
        path = os.environ.get("DIPLEX_EXAMPLE_DB") or os.path.join(tempfile.gettempdir(), "diplex-notes.db")
        connection = aiosqlite.connect(path)
        # aiosqlite's worker thread is not a daemon: left open, it would hold the process at exit.
        connection._thread.daemon = True
        await connection
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS notes"
            " (id INTEGER PRIMARY KEY, text TEXT NOT NULL, created TEXT NOT NULL)"
        )
        await connection.commit()
        _connection = connection
    return _connection


async def close_db() -> None:
    """Close the notebook's connection (tests and shutdown hooks call this)."""
    global _connection
    if _connection is not None:
        connection, _connection = _connection, None
        await connection.close()


@registry.tool(tags=["notes"], deterministic=False)
async def add_note(text: Annotated[str, Field(min_length=1, max_length=10_000)]) -> Note:
    """Save a note and return it with its id."""
    db = await _db()
    created = datetime.datetime.now(datetime.timezone.utc)
    cursor = await db.execute("INSERT INTO notes (text, created) VALUES (?, ?)", (text, created.isoformat()))
    await db.commit()
    assert cursor.lastrowid is not None
    return Note(id=cursor.lastrowid, text=text, created=created)


@registry.tool(read_only=True, tags=["notes"], deterministic=False)
async def list_notes(limit: Annotated[int, Field(ge=1, le=100)] = 10) -> list[Note]:
    """The most recent notes, newest first."""
    db = await _db()
    async with db.execute("SELECT id, text, created FROM notes ORDER BY id DESC LIMIT ?", (limit,)) as rows:
        return [Note(id=r[0], text=r[1], created=datetime.datetime.fromisoformat(r[2])) async for r in rows]


@registry.tool(read_only=True, tags=["notes"], deterministic=False)
def count_notes(ctx: diplex.ToolContext) -> int:
    """How many notes there are (a sync tool that calls async code through run_sync)."""
    ctx.logger.debug("counting notes")

    async def count() -> int:
        db = await _db()
        async with db.execute("SELECT COUNT(*) FROM notes") as rows:
            row = await rows.fetchone()
        return int(row[0]) if row else 0

    return diplex.run_sync(count)


if __name__ == "__main__":
    for tool in registry:
        print(f"{tool.name}: {tool.description}")
    print("add(2, 3) ->", registry.call("add", {"a": 2, "b": 3}).value)
    print("divide(1, 0) ->", registry.call("divide", {"a": 1, "b": 0}).error)
