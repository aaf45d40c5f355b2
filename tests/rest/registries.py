"""Registries the REST tests serve: every outcome kind (sync and async), and every parameter type.

``typed`` covers each parameter type diplex supports; each tool echoes its arguments back
through a return annotation of the same types, so schemathesis checks both schemas.
``app`` and ``typed_app`` are importable targets for ``diplex serve`` and uvicorn.
"""

from __future__ import annotations

import asyncio
import datetime
import decimal
import ipaddress
import threading
import time
import uuid
from typing import Annotated, Any, Literal

import examples.tools
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

import diplex
from diplex import ToolError
from diplex.rest import create_app
from tests.models import Colour, Level, Options, Person, Point, Span, Tree

# -- every outcome kind --------------------------------------------------------------------------

outcomes = diplex.Registry("rest-outcomes", "1.2.3", instructions="Tools that end every way a call can.")
release = threading.Event()  # set by a test to free a sync tool left hanging past its timeout
meet = threading.Barrier(2, timeout=10)  # two calls that must run at the same time


@outcomes.tool(tags=["echo"])
def echo_sync(x: int) -> int:
    """Return x (a sync tool)."""
    return x


@outcomes.tool(tags=["echo"])
async def echo_async(x: int) -> int:
    """Return x (an async tool)."""
    await asyncio.sleep(0)
    return x


@outcomes.tool
def refuse_sync(status: int = 400) -> int:
    raise ToolError("refused on purpose", status=status, data={"why": "a test"})


@outcomes.tool
async def refuse_async(status: int = 400) -> int:
    raise ToolError("refused on purpose", status=status)


@outcomes.tool
def crash_sync() -> int:
    raise RuntimeError("secret password hunter2")


@outcomes.tool
async def crash_async() -> int:
    raise KeyError("secret password hunter2")


@outcomes.tool(timeout=0.1)
def hang_sync() -> None:
    release.wait(10)


@outcomes.tool(timeout=0.1)
async def hang_async() -> None:
    await asyncio.Event().wait()


@outcomes.tool
def not_json() -> Any:
    return float("nan")


@outcomes.tool
def nap(seconds: float) -> float:
    """Sleep in the tool (a sync tool must not block the server while it does)."""
    time.sleep(seconds)
    return seconds


@outcomes.tool
def rendezvous() -> bool:
    """Returns only when a second call is running at the same time."""
    meet.wait()
    return True


@outcomes.tool
def no_arguments() -> str:
    return "none needed"


app = create_app(outcomes, mcp=False)

# -- every parameter type ------------------------------------------------------------------------

typed = diplex.Registry("rest-typed")


class Scalars(TypedDict):
    i: int
    f: float
    s: str
    b: bool
    nothing: None


@typed.tool
def scalars(i: int, f: float, s: str, b: bool, nothing: None = None) -> Scalars:
    return {"i": i, "f": f, "s": s, "b": b, "nothing": nothing}


class Constrained(TypedDict):
    small: int
    word: str
    choice: Literal["a", "b"]
    colour: Colour
    level: Level


@typed.tool
def constrained(
    small: Annotated[int, Field(ge=0, le=100)],
    word: Annotated[str, Field(min_length=1, max_length=8, pattern="^[a-z]+$")],
    choice: Literal["a", "b"],
    colour: Colour,
    level: Level = Level.LOW,
) -> Constrained:
    return {"small": small, "word": word, "choice": choice, "colour": colour, "level": level}


# Two results are not echoed as given. A timedelta: pydantic writes one as e.g. "P92Y327D",
# which its own output schema's "duration" format (RFC 3339) does not allow; the result gives
# seconds instead. A tuple: schemathesis rewrites `prefixItems` in response schemas into
# draft-4 `items: [...]` and then rejects its own rewrite (schemathesis issues 3842, 4099);
# the results give tuples as lists. Both are still argument types here.


class Times(TypedDict):
    moment: datetime.datetime
    day: datetime.date
    clock: datetime.time
    span_seconds: float


@typed.tool
def times(
    moment: datetime.datetime, day: datetime.date, clock: datetime.time, span: datetime.timedelta
) -> Times:
    return {"moment": moment, "day": day, "clock": clock, "span_seconds": span.total_seconds()}


class Identifiers(TypedDict):
    id: uuid.UUID
    amount: decimal.Decimal
    v4: ipaddress.IPv4Address
    v6: ipaddress.IPv6Address
    net4: ipaddress.IPv4Network
    net6: ipaddress.IPv6Network
    raw: bytes


@typed.tool
def identifiers(
    id: uuid.UUID,
    amount: decimal.Decimal,
    v4: ipaddress.IPv4Address,
    v6: ipaddress.IPv6Address,
    net4: ipaddress.IPv4Network,
    net6: ipaddress.IPv6Network,
    raw: bytes,
) -> Identifiers:
    return {"id": id, "amount": amount, "v4": v4, "v6": v6, "net4": net4, "net6": net6, "raw": raw}


class Containers(TypedDict):
    numbers: list[int]
    weights: dict[str, float]
    pair: list[int | str]
    grid: list[list[int]]


@typed.tool
def containers(
    numbers: list[int], weights: dict[str, float], pair: tuple[int, str], grid: list[list[int]]
) -> Containers:
    return {"numbers": numbers, "weights": weights, "pair": list(pair), "grid": grid}


# Sets: their published schema makes no uniqueItems promise (validation merges duplicates),
# so they are in the schemathesis run too, through ``typed``.
sets = diplex.Registry("rest-sets")


@sets.tool
def distinct(unique: set[int], frozen: frozenset[str]) -> list[int]:
    return [*sorted(unique), len(frozen)]


typed.add(distinct)


# A recursive model is served, and documented down to where it recurs (see
# diplex.rest.openapi.inline_refs), but kept out of the schemathesis run: its negative
# generation reports the cut-off level as accepting invalid data.
recursive = diplex.Registry("rest-recursive")


@recursive.tool
def depth(tree: Tree) -> int:
    return 1 + max((depth(child) for child in tree.children), default=0)


class Unions(TypedDict):
    maybe: int | None
    either: int | str
    anything: Any


@typed.tool
def unions(either: int | str, maybe: int | None = None, anything: Any = None) -> Unions:
    return {"maybe": maybe, "either": either, "anything": anything}


class Models(BaseModel):
    person: Person
    point: Point
    options: Options
    span: list[int]


@typed.tool
def models(person: Person, point: Point, options: Options, span: Span) -> Models:
    return Models(person=person, point=point, options=options, span=list(span))


@typed.tool
def nothing() -> None:
    """No arguments, no result."""


typed_app = create_app(typed, mcp=False)

# The README's example tools as a REST app (importing them opens nothing: the notebook's
# connection opens on first use).
example_app = create_app(examples.tools.registry, mcp=False)
