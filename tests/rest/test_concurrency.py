"""Sync tools run in worker threads under a real server: they never block the event loop."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

pytestmark = pytest.mark.anyio


async def test_two_sync_calls_run_at_the_same_time(served_outcomes: str) -> None:
    # `rendezvous` returns only once a second call is running with it (a barrier): run one
    # after the other, the first would time out and fail.
    async with httpx.AsyncClient(base_url=served_outcomes, timeout=30) as client:
        first, second = await asyncio.gather(
            client.post("/tools/rendezvous"), client.post("/tools/rendezvous")
        )
    assert (first.json(), second.json()) == (True, True)


async def test_two_slow_sync_calls_take_about_the_time_of_one(served_outcomes: str) -> None:
    nap = 0.5
    async with httpx.AsyncClient(base_url=served_outcomes, timeout=30) as client:
        await client.get("/health")  # connect first: time the calls, not the connection
        started = time.monotonic()
        responses = await asyncio.gather(
            *(client.post("/tools/nap", json={"seconds": nap}) for _ in range(2))
        )
        took = time.monotonic() - started
    assert [r.json() for r in responses] == [nap, nap]
    assert took < 1.8 * nap, f"two {nap}s naps took {took:.2f}s: the sync tool blocked the loop"
