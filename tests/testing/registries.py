"""Registries the checker's tests run: every parameter and return type, every outcome kind.

Each ``typed`` tool echoes its arguments through a return annotation of the same types, so a
surface that renders any type differently shows up as a difference.
"""

from __future__ import annotations

import asyncio
import datetime
import decimal
import ipaddress
import random
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field
from typing_extensions import TypedDict

import diplex
from tests.models import Colour, Level, Options, Person, Point, Span, Tree

# -- every parameter and return type ---------------------------------------------------------------

typed = diplex.Registry("check-typed")


class Scalars(TypedDict):
    i: int
    f: float
    s: str
    b: bool
    nothing: None


@typed.tool(
    examples=[
        diplex.Example(
            {"i": 1, "f": 0.5, "s": "x", "b": True}, Scalars(i=1, f=0.5, s="x", b=True, nothing=None)
        )
    ]
)
def scalars(i: int, f: float, s: str, b: bool, nothing: None = None) -> Scalars:
    return {"i": i, "f": f, "s": s, "b": b, "nothing": nothing}


@typed.tool
def constrained(
    small: Annotated[int, Field(ge=0, le=100)],
    word: Annotated[str, Field(min_length=1, max_length=8, pattern="^[a-z]+$")],
    ratio: Annotated[float, Field(gt=0, lt=1)],
    choice: Literal["a", "b"],
    colour: Colour,
    level: Level = Level.LOW,
) -> tuple[int, str, float, str, Colour, Level]:
    return small, word, ratio, choice, colour, level


@typed.tool
def times(
    moment: datetime.datetime, day: datetime.date, clock: datetime.time, span: datetime.timedelta
) -> dict[str, Any]:
    return {"moment": moment, "day": day, "clock": clock, "span": span}


@typed.tool
async def identifiers(
    id: uuid.UUID,
    amount: decimal.Decimal,
    v4: ipaddress.IPv4Address,
    v6: ipaddress.IPv6Address,
    net4: ipaddress.IPv4Network,
    net6: ipaddress.IPv6Network,
    raw: bytes,
) -> list[Any]:
    await asyncio.sleep(0)
    return [id, amount, v4, v6, net4, net6, raw]


@typed.tool
def containers(
    numbers: list[int],
    weights: dict[str, float],
    pair: tuple[int, str],
    grid: list[list[int]],
    unique: set[int],
    frozen: frozenset[str],
) -> dict[str, Any]:
    return {"numbers": numbers, "weights": weights, "pair": pair, "grid": grid, "unique": sorted(unique),
            "frozen": sorted(frozen)}  # fmt: skip


@typed.tool
def unions(either: int | str, maybe: int | None = None, anything: Any = None) -> int | str | None:
    return either if maybe is None else maybe


class Models(BaseModel):
    person: Person
    point: Point
    options: Options
    span: Span


@typed.tool
def models(person: Person, point: Point, options: Options, span: Span) -> Models:
    return Models(person=person, point=point, options=options, span=span)


@typed.tool
def tree(tree: Tree) -> Tree:
    return tree


@typed.tool
def untyped(value: Any):  # type: ignore[no-untyped-def]  # no return annotation: no output schema
    return value


@typed.tool
def text(words: list[str]) -> str:
    return " ".join(words)


@typed.tool
def nothing() -> None:
    """No arguments, no result."""


# -- every outcome kind ------------------------------------------------------------------------------

outcomes = diplex.Registry("check-outcomes")


@outcomes.tool
def refuse(status: Literal[400, 409, 418] = 400) -> int:
    raise diplex.ToolError("refused on purpose", status=status, data={"why": "a test"})


@outcomes.tool
async def refuse_async() -> int:
    raise diplex.ToolError("refused on purpose")


@outcomes.tool
def crash() -> int:
    raise RuntimeError("a bug")


@outcomes.tool
def wrong_result() -> int:
    return "not an int"  # type: ignore[return-value]


@outcomes.tool(timeout=0.05)
async def hang() -> None:
    await asyncio.Event().wait()


@outcomes.tool(deterministic=False)
def roll() -> int:
    return random.randint(1, 6)


@outcomes.tool(deterministic=False)
async def stamp() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


# A tool whose result varies, NOT marked as such: the checker must catch it.
unmarked = diplex.Registry("check-unmarked")


@unmarked.tool
def token() -> str:
    return uuid.uuid4().hex


# A declared example whose expected result is wrong: every surface differs from it.
wrong_example = diplex.Registry("check-wrong-example")


@wrong_example.tool(examples=[diplex.Example({"a": 2, "b": 2}, 5)])
def add(a: int, b: int) -> int:
    return a + b
