"""Argument and result types shared by the test registries that cover every supported type."""

from __future__ import annotations

import dataclasses
import enum
from typing import NamedTuple

from pydantic import BaseModel, Field
from typing_extensions import NotRequired, TypedDict


class Colour(str, enum.Enum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Address(BaseModel):
    street: str
    number: int = Field(ge=1)


class Person(BaseModel):
    name: str
    address: Address
    nicknames: list[str] = []


@dataclasses.dataclass
class Point:
    x: float
    y: float


class Options(TypedDict):
    verbose: bool
    depth: NotRequired[int]


class Span(NamedTuple):
    start: int
    end: int


class Tree(BaseModel):
    label: str
    children: list[Tree] = []
