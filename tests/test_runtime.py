"""The runtime: one process loop, the run_sync matrix, deadlines, and the asyncio.run() bug.

Cases that could deadlock if the runtime were wrong run in a child interpreter with a timeout
(``run_isolated``), so a regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import Any

import pytest

import diplex
from diplex import runtime
from diplex.runtime import drive, process_loop, run_sync, syncify
from tests.conftest import run_isolated

request_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_var", default="unset")


async def loop_id() -> int:
    await asyncio.sleep(0)
    return id(asyncio.get_running_loop())


async def read_var() -> str:
    await asyncio.sleep(0)
    return request_var.get()


# -- the process loop ---------------------------------------------------------------------------


def test_process_loop_is_created_once_and_reused() -> None:
    assert process_loop() is process_loop()
    assert not process_loop().is_closed()


def test_one_loop_identity_across_thousands_of_calls() -> None:
    registry = diplex.Registry()

    @registry.tool
    async def where() -> int:
        return id(asyncio.get_running_loop())

    ids = {registry.call("where").value for _ in range(3000)}
    assert ids == {id(process_loop())}


def test_the_process_loop_is_the_threads_current_loop_after_a_call() -> None:
    drive(asyncio.sleep(0))
    # What Mangum does on every request: it must find our loop, not raise.
    assert asyncio.get_event_loop() is process_loop()


def test_asyncio_run_on_the_main_thread_does_not_break_later_calls() -> None:
    """The original bug: asyncio.run() clears the current loop; the next call must not care."""
    registry = diplex.Registry()

    @registry.tool
    async def aping() -> str:
        return "pong"

    @registry.tool
    def ping_with_asyncio_run() -> str:
        # A tool (or a library it uses) that runs its own loop on the main thread.
        return asyncio.run(asyncio.sleep(0, result="pong"))

    before = registry.call("aping").value
    asyncio.run(asyncio.sleep(0))  # between invocations, as user code or a library might
    assert registry.call("aping").value == before == "pong"
    assert registry.call("ping_with_asyncio_run").value == "pong"
    assert registry.call("aping").value == "pong"
    assert asyncio.get_event_loop() is process_loop()


def test_a_module_that_called_asyncio_run_at_import_does_not_break_calls() -> None:
    out = run_isolated(
        """
        import asyncio
        asyncio.run(asyncio.sleep(0))  # at import time, like some libraries do
        import diplex
        registry = diplex.Registry()

        @registry.tool
        async def one() -> int:
            return 1

        print(sum(registry.call("one").value for _ in range(100)))
        asyncio.run(asyncio.sleep(0))
        print(registry.call("one").value)
        """
    )
    assert out.split() == ["100", "1"]


def test_a_closed_process_loop_is_replaced() -> None:
    out = run_isolated(
        """
        from diplex import runtime
        first = runtime.process_loop()
        first.close()  # nobody should, but if someone does, calls keep working
        second = runtime.process_loop()
        import asyncio
        print(second is not first, runtime.drive(asyncio.sleep(0, result=7)))
        """
    )
    assert out.split() == ["True", "7"]


def test_cached_async_state_survives_between_calls() -> None:
    registry = diplex.Registry()
    cache: dict[str, Any] = {}

    @registry.tool
    async def use_lock() -> int:
        # An asyncio.Lock binds to the loop of its first use: a new loop per call would fail here.
        lock = cache.setdefault("lock", asyncio.Lock())
        async with lock:
            cache["n"] = cache.get("n", 0) + 1
        return int(cache["n"])

    assert [registry.call("use_lock").value for _ in range(5)] == [1, 2, 3, 4, 5]


# -- run_sync: the matrix ---------------------------------------------------------------------


def test_run_sync_without_a_loop_uses_the_process_loop() -> None:
    assert run_sync(loop_id()) == id(process_loop())
    assert run_sync(loop_id) == id(process_loop())


def test_run_sync_passes_arguments() -> None:
    async def add(a: int, b: int = 0) -> int:
        return a + b

    assert run_sync(add, 1, b=2) == 3


def test_run_sync_inside_a_running_loop_says_await_instead() -> None:
    async def inside() -> None:
        with pytest.raises(diplex.BridgeError, match="await"):
            run_sync(loop_id())  # the coroutine is closed: no "never awaited" warning either

    drive(inside())


def test_run_sync_refuses_what_is_not_async() -> None:
    with pytest.raises(TypeError, match="expected an awaitable or an async function"):
        run_sync(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="returned 1"):
        run_sync(lambda: 1)  # type: ignore[arg-type, return-value]
    with pytest.raises(TypeError, match="takes no further arguments"):
        run_sync(loop_id(), 1)


def test_run_sync_in_a_worker_thread_returns_to_the_dispatching_loop() -> None:
    """A sync tool served by a server loop: run_sync runs on *that* loop, not the process loop."""
    registry = diplex.Registry()

    @registry.tool
    def sync_tool() -> dict[str, Any]:
        return {"thread": threading.current_thread().name, "loop": run_sync(loop_id)}

    server_loop = asyncio.new_event_loop()
    try:
        outcome = server_loop.run_until_complete(registry.acall("sync_tool"))
    finally:
        server_loop.close()
    assert outcome.value["thread"].startswith("diplex-worker-")
    assert outcome.value["loop"] == id(server_loop) != id(process_loop())


def test_run_sync_from_a_foreign_thread_while_the_loop_is_idle() -> None:
    process_loop()  # exists, nobody drives it
    results: list[int] = []
    thread = threading.Thread(target=lambda: results.append(run_sync(loop_id)))
    thread.start()
    thread.join(30)
    assert results == [id(process_loop())]


def test_run_sync_from_a_foreign_thread_while_the_loop_runs_elsewhere() -> None:
    out = run_isolated(
        """
        import asyncio, threading
        from diplex import runtime, run_sync

        async def here():
            return id(asyncio.get_running_loop()), threading.current_thread().name

        async def main_job(started, finish):
            started.set()
            await finish.wait()          # the main thread drives the loop until the other
            return "main done"           # thread's coroutine (run on this loop) releases it

        finish = None
        async def make():
            global finish
            finish = asyncio.Event()
        runtime.drive(make())
        started = threading.Event()
        seen = []

        def other():
            started.wait(10)
            seen.append(run_sync(here))
            runtime.process_loop().call_soon_threadsafe(finish.set)

        t = threading.Thread(target=other, name="foreign")
        t.start()
        print(runtime.drive(main_job(started, finish)))
        t.join(10)
        loop_id, thread = seen[0]
        print(loop_id == id(runtime.process_loop()), thread)
        """
    )
    assert out.split() == ["main", "done", "True", "MainThread"]


def test_a_waiting_thread_takes_over_when_the_driver_stops_first() -> None:
    out = run_isolated(
        """
        import asyncio, threading
        from diplex import runtime

        async def here():
            return threading.current_thread().name

        loop = runtime.process_loop()
        with runtime._driver:
            runtime._driving = True      # pretend another thread is driving the loop
        seen = []
        t = threading.Thread(target=lambda: seen.append(runtime.drive(here())), name="waiter")
        t.start()
        # The pretend driver stops without ever running the waiter's coroutine.
        with runtime._driver:
            runtime._driving = False
            runtime._driver.notify_all()
        t.join(10)
        print(seen)
        """
    )
    assert out.strip() == "['waiter']"


def test_many_threads_share_the_process_loop_without_deadlock() -> None:
    out = run_isolated(
        """
        import asyncio, threading
        from diplex import run_sync, runtime

        async def work(i):
            await asyncio.sleep(0)
            return (i, id(asyncio.get_running_loop()))

        results = []
        def worker(base):
            for i in range(200):
                results.append(run_sync(work, base + i))
        threads = [threading.Thread(target=worker, args=(n * 1000,)) for n in range(8)]
        for t in threads: t.start()
        for t in threads: t.join(60)
        print(len(results), len({loop for _, loop in results}), len({i for i, _ in results}))
        """,
        timeout=120,
    )
    assert out.split() == ["1600", "1", "1600"]


def test_context_variables_cross_every_hop() -> None:
    registry = diplex.Registry()

    @registry.tool
    def in_worker() -> list[str]:
        return [request_var.get(), run_sync(read_var)]

    token = request_var.set("r-1")
    try:
        assert run_sync(read_var) == "r-1"  # driving the process loop
        assert registry.call("in_worker").value == ["r-1", "r-1"]  # main thread, then the loop

        async def served() -> diplex.Outcome:
            return await registry.acall("in_worker")

        assert drive(served()).value == ["r-1", "r-1"]  # worker thread, then back to the loop

        seen: list[str] = []
        context = contextvars.copy_context()
        thread = threading.Thread(target=lambda: seen.append(context.run(run_sync, read_var)))
        thread.start()
        thread.join(30)
        assert seen == ["r-1"]  # a foreign thread's hop onto the loop
    finally:
        request_var.reset(token)


def test_syncify_wraps_an_async_function() -> None:
    @syncify
    async def double(x: int) -> int:
        await asyncio.sleep(0)
        return x * 2

    assert double(4) == 8
    assert double.__name__ == "double"
    with pytest.raises(TypeError, match="expects an async function"):
        syncify(lambda: 1)  # type: ignore[arg-type, return-value]


def test_run_sync_after_the_dispatching_loop_closed_refuses_clearly() -> None:
    registry = diplex.Registry()
    proceed, recorded = threading.Event(), threading.Event()
    errors: list[str] = []

    @registry.tool(timeout=0.1)
    def late() -> None:
        proceed.wait(30)
        try:
            run_sync(loop_id)
        except diplex.BridgeError as exc:
            errors.append(str(exc))
        recorded.set()

    server_loop = asyncio.new_event_loop()
    try:
        outcome = server_loop.run_until_complete(registry.acall("late"))
    finally:
        server_loop.close()
    assert outcome.error is not None and outcome.error.kind == "timeout"
    proceed.set()  # the abandoned worker runs on, after its loop has gone
    assert recorded.wait(30)
    assert errors and "has been closed" in errors[0]


# -- deadlines: worker threads and the deadline signal ------------------------------------------

release = threading.Event()


@pytest.fixture(autouse=True)
def _release() -> Iterator[None]:
    yield
    release.set()
    release.clear()


def make_hung_registry() -> diplex.Registry:
    registry = diplex.Registry()

    @registry.tool(timeout=0.2)
    def hangs() -> str:
        release.wait(60)
        return "released"

    @registry.tool(timeout=0.2)
    def spins() -> str:
        while True:
            pass

    @registry.tool(timeout=0.2)
    def swallows() -> str:
        try:
            time.sleep(60)
        except Exception:
            return "swallowed"
        return "slept"

    @registry.tool(timeout=0.2)
    async def ignores_cancellation() -> str:
        for _ in range(3):
            try:
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                continue
        return "never"

    @registry.tool(timeout=0.2)
    def where() -> str:
        return threading.current_thread().name

    return registry


@pytest.mark.parametrize("tool", ["hangs", "spins", "swallows"])
def test_a_hung_sync_tool_on_the_main_thread_is_interrupted_by_the_timer(tool: str) -> None:
    registry = make_hung_registry()
    start = time.monotonic()
    outcome = registry.call(tool)
    assert outcome.error is not None and outcome.error.kind == "timeout"
    assert time.monotonic() - start < 5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_sync_tools_run_on_the_calling_main_thread_under_call() -> None:
    assert make_hung_registry().call("where").value == "MainThread"


@pytest.mark.parametrize("tool", ["hangs", "swallows"])
def test_a_hung_sync_tool_in_a_worker_thread_gets_a_timeout_answer(tool: str) -> None:
    registry = make_hung_registry()
    start = time.monotonic()
    outcome = drive(registry.acall(tool))
    assert outcome.error is not None and outcome.error.kind == "timeout"
    assert time.monotonic() - start < 5


def test_an_async_tool_that_ignores_cancellation_still_gets_a_timeout_answer() -> None:
    registry = make_hung_registry()
    start = time.monotonic()
    assert registry.call("ignores_cancellation").error.kind == "timeout"  # type: ignore[union-attr]
    assert drive(registry.acall("ignores_cancellation")).error.kind == "timeout"  # type: ignore[union-attr]
    assert time.monotonic() - start < 5


def test_an_async_tool_that_stops_the_loop_itself_still_gets_its_answer() -> None:
    registry = diplex.Registry()

    @registry.tool(timeout=5)
    async def stops_the_loop() -> str:
        asyncio.get_running_loop().stop()
        await asyncio.sleep(0.01)
        return "done"

    assert registry.call("stops_the_loop").value == "done"
    assert registry.call("stops_the_loop").value == "done"


def test_a_timed_out_async_tool_that_finishes_later_leaves_later_calls_alone() -> None:
    registry = diplex.Registry()

    @registry.tool(timeout=0.05)
    async def slow() -> str:
        await asyncio.sleep(0.1)
        return "late"

    @registry.tool(timeout=5)
    async def quick(n: int) -> int:
        await asyncio.sleep(0)
        return n

    assert registry.call("slow").error.kind == "timeout"  # type: ignore[union-attr]
    drive(asyncio.sleep(0.2))  # the abandoned call finishes meanwhile
    assert [registry.call("quick", {"n": n}).value for n in range(50)] == list(range(50))


def test_a_stop_that_comes_late_does_not_end_the_next_run_early() -> None:
    # The task finishes in the very pass its deadline ends: the loop stops for the deadline,
    # and the task's own stop is still queued when the loop next runs, for someone else.
    loop = process_loop()

    async def quick() -> int:
        return 1

    asyncio.set_event_loop(loop)
    assert runtime._run_until(loop, quick(), time.monotonic()) == 1
    assert loop.run_until_complete(asyncio.sleep(0.01, result="whole")) == "whole"


def test_off_the_main_thread_the_worker_thread_enforces_the_deadline() -> None:
    registry = make_hung_registry()
    outcomes: list[diplex.Outcome] = []
    names: list[str] = []

    def off_main() -> None:
        outcomes.append(registry.call("hangs"))
        names.append(registry.call("where").value)

    thread = threading.Thread(target=off_main)
    thread.start()
    thread.join(30)
    assert outcomes[0].error is not None and outcomes[0].error.kind == "timeout"
    assert names[0].startswith("diplex-worker-")


def test_a_previous_alarm_handler_and_timer_are_restored() -> None:
    fired: list[int] = []

    def mine(signum: int, frame: FrameType | None) -> None:
        fired.append(signum)

    previous = signal.signal(signal.SIGALRM, mine)
    signal.setitimer(signal.ITIMER_REAL, 100)
    try:
        registry = make_hung_registry()
        assert registry.call("hangs").error.kind == "timeout"  # type: ignore[union-attr]
        assert signal.getsignal(signal.SIGALRM) is mine
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 90 < remaining <= 100
        assert fired == []
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_nested_call_with_the_earlier_deadline_times_out_alone() -> None:
    registry = diplex.Registry()

    @registry.tool(timeout=0.2)
    def inner() -> str:
        time.sleep(60)
        return "inner done"

    @registry.tool(timeout=30)
    def outer() -> str:
        inner_outcome = registry.call("inner")
        assert inner_outcome.error is not None
        return f"outer done after inner {inner_outcome.error.kind}"

    start = time.monotonic()
    assert registry.call("outer").value == "outer done after inner timeout"
    assert time.monotonic() - start < 5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_nested_call_gets_the_outer_deadline_when_it_is_earlier() -> None:
    registry = diplex.Registry()

    @registry.tool(timeout=30)
    def inner() -> str:
        time.sleep(60)
        return "inner done"

    @registry.tool(timeout=0.3)
    def outer() -> str:
        registry.call("inner")
        time.sleep(60)  # the outer deadline has passed too: this must be interrupted at once
        return "outer done"

    start = time.monotonic()
    outcome = registry.call("outer")
    assert time.monotonic() - start < 5  # not the inner tool's 30 s
    assert outcome.error is not None and outcome.error.kind == "timeout"
    assert runtime.current_deadline() is None
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_nested_async_calls_inherit_the_outer_deadline() -> None:
    registry = diplex.Registry()

    @registry.tool
    async def inner_remaining() -> float:
        deadline = runtime.current_deadline()
        assert deadline is not None
        return deadline - time.monotonic()

    @registry.tool(timeout=0.5)
    async def outer() -> Any:
        return (await registry.acall("inner_remaining")).value

    remaining = registry.call("outer").value
    assert 0 < remaining <= 0.5


def test_deadline_stress_many_short_timed_calls_leave_no_armed_timer() -> None:
    registry = diplex.Registry()

    @registry.tool(timeout=5)
    def quick(n: int) -> int:
        return n

    assert [registry.call("quick", {"n": i}).value for i in range(2000)] == list(range(2000))
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_later_call_with_an_earlier_deadline_is_still_interrupted_on_time() -> None:
    # The watchdog sleeps until the deadline it knows; a new, earlier one must wake it.
    registry = diplex.Registry()

    @registry.tool(timeout=30)
    def slow_deadline() -> str:
        return "done"

    @registry.tool(timeout=0.3)
    def hangs() -> str:
        release.wait(60)
        return "released"

    assert [registry.call("slow_deadline").value for _ in range(3)] == ["done"] * 3
    start = time.monotonic()
    assert registry.call("hangs").error.kind == "timeout"  # type: ignore[union-attr]
    assert time.monotonic() - start < 5


def test_a_deadline_later_than_the_last_one_is_enforced_too() -> None:
    # The watchdog still means to look at an earlier, finished call's deadline: it must look
    # again then and wait for this call's.
    registry = diplex.Registry()

    @registry.tool(timeout=0.1)
    def quick() -> str:
        return "quick"

    @registry.tool(timeout=0.4)
    def hangs() -> str:
        release.wait(60)
        return "released"

    for _ in range(5):
        assert registry.call("quick").value == "quick"
        start = time.monotonic()
        outcome = registry.call("hangs")
        elapsed = time.monotonic() - start
        assert outcome.error is not None and outcome.error.kind == "timeout"
        assert 0.35 < elapsed < 5  # not before its own deadline, not much after


def test_thousands_of_timed_calls_share_one_watchdog_thread_and_no_interval_timer() -> None:
    registry = diplex.Registry()

    @registry.tool(timeout=5)
    def quick(n: int) -> int:
        return n

    assert [registry.call("quick", {"n": i}).value for i in range(3000)] == list(range(3000))
    watchdogs = [t for t in threading.enumerate() if t.name == "diplex-deadline"]
    assert len(watchdogs) == 1 and watchdogs[0].daemon
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_deadline_years_away_neither_kills_nor_restarts_the_watchdog(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A sleep that long overflows the lock's timeout: the watchdog must cap it, not die (and be
    # started again by every following call).
    crashed: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: crashed.append(args.exc_value))
    registry = diplex.Registry()

    @registry.tool(timeout=1e11)
    def patient(n: int) -> int:
        return n

    @registry.tool(timeout=0.3)
    def hangs() -> str:
        release.wait(60)
        return "released"

    assert registry.call("patient", {"n": 0}).value == 0
    time.sleep(0.05)  # let the watchdog go to sleep on that deadline
    first = [t for t in threading.enumerate() if t.name == "diplex-deadline"]
    assert [registry.call("patient", {"n": i}).value for i in range(200)] == list(range(200))
    time.sleep(0.05)
    assert crashed == []
    assert [t for t in threading.enumerate() if t.name == "diplex-deadline"] == first
    start = time.monotonic()
    assert registry.call("hangs").error.kind == "timeout"  # type: ignore[union-attr]
    assert time.monotonic() - start < 5


def test_a_sigalrm_inside_a_call_whose_deadline_has_not_passed_does_not_interrupt_it() -> None:
    registry = diplex.Registry()

    @registry.tool(timeout=5)
    def raises_its_own_signal() -> str:
        signal.raise_signal(signal.SIGALRM)  # someone else's: not a deadline
        time.sleep(0.05)
        return "finished"

    assert registry.call("raises_its_own_signal").value == "finished"


def test_deadlines_work_in_a_forked_child() -> None:
    out = run_isolated(
        """
        import os, time
        import diplex

        registry = diplex.Registry()

        @registry.tool(timeout=0.3)
        def hangs() -> str:
            time.sleep(60)
            return "slept"

        assert registry.call("hangs").error.kind == "timeout"  # the parent's watchdog runs
        pid = os.fork()
        if pid == 0:
            start = time.monotonic()
            outcome = registry.call("hangs")
            ok = outcome.error is not None and outcome.error.kind == "timeout"
            os._exit(0 if ok and time.monotonic() - start < 5 else 1)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status))
        """
    )
    assert out.split() == ["0"]


def test_where_no_alarm_handler_was_installed_diplexs_stays_and_ignores_stray_signals() -> None:
    out = run_isolated(
        """
        import signal
        import diplex

        registry = diplex.Registry()

        @registry.tool(timeout=5)
        def quick(n: int) -> int:
            return n

        assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
        assert registry.call("quick", {"n": 1}).value == 1
        stays = signal.getsignal(signal.SIGALRM) != signal.SIG_DFL
        signal.raise_signal(signal.SIGALRM)  # the default action would end the process here
        assert registry.call("quick", {"n": 2}).value == 2

        fired = []
        signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))  # one's own, later
        assert registry.call("quick", {"n": 3}).value == 3
        restored = signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, None)
        signal.raise_signal(signal.SIGALRM)
        print(stays, restored, fired == [signal.SIGALRM])
        """
    )
    assert out.split() == ["True", "True", "True"]


def test_no_deprecation_warning_anywhere_in_a_child_with_warnings_as_errors() -> None:
    out = run_isolated(
        """
        import asyncio, warnings
        warnings.simplefilter("error")
        import diplex
        registry = diplex.Registry()

        @registry.tool
        async def a() -> int:
            return 1

        @registry.tool
        def s() -> int:
            return diplex.run_sync(asyncio.sleep(0, result=2))

        for _ in range(50):
            asyncio.run(asyncio.sleep(0))
            assert registry.call("a").value == 1 and registry.call("s").value == 2
        loop = asyncio.new_event_loop()
        assert loop.run_until_complete(registry.acall("s")).value == 2
        loop.close()
        print("clean")
        """
    )
    assert out.strip() == "clean"


def test_a_forked_child_builds_its_own_loop() -> None:
    out = run_isolated(
        """
        import asyncio, os, json
        from diplex import runtime
        parent = runtime.process_loop()
        runtime.drive(asyncio.sleep(0))
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            child = runtime.process_loop()
            value = runtime.drive(asyncio.sleep(0, result=5))
            os.write(w, json.dumps([child is not parent, value]).encode())
            os._exit(0)
        os.waitpid(pid, 0)
        print(os.read(r, 100).decode())
        """
    )
    assert json.loads(out) == [True, 5]


def test_an_inline_tool_runs_on_the_loops_thread_and_others_in_workers() -> None:
    registry = diplex.Registry()

    @registry.tool(inline=True)
    def fast() -> str:
        return threading.current_thread().name

    @registry.tool
    def handed_off() -> str:
        return threading.current_thread().name

    async def served() -> list[Any]:
        return [(await registry.acall("fast")).value, (await registry.acall("handed_off")).value]

    loop_thread, worker = drive(served())
    assert loop_thread == threading.current_thread().name
    assert worker.startswith("diplex-worker-")


def test_an_inline_tool_on_the_main_thread_still_gets_its_deadline() -> None:
    registry = diplex.Registry()

    @registry.tool(inline=True, timeout=0.2)
    def spins_inline() -> None:
        while True:
            pass

    start = time.monotonic()
    outcome = drive(registry.acall("spins_inline"))
    assert outcome.error is not None and outcome.error.kind == "timeout"
    assert time.monotonic() - start < 5


def test_what_a_worker_thread_raises_reaches_the_caller_even_stopiteration() -> None:
    # A future of the loop refuses StopIteration; the worker hands it over as a RuntimeError.
    registry = diplex.Registry()

    @registry.tool
    def stops() -> int:
        raise StopIteration(5)

    @registry.tool
    def fails() -> int:
        raise LookupError("no such thing")

    async def served() -> list[diplex.Outcome]:
        return [await registry.acall("stops"), await registry.acall("fails"), await registry.acall("stops")]

    outcomes = drive(asyncio.wait_for(served(), 10))
    assert [o.error.kind if o.error else None for o in outcomes] == ["internal"] * 3


def test_a_worker_that_finishes_after_its_loop_closed_ends_quietly() -> None:
    registry = diplex.Registry()
    release = threading.Event()
    finished = threading.Event()
    hooked: list[BaseException | None] = []

    @registry.tool(timeout=0.1)
    def lingers() -> int:
        release.wait(10)
        finished.set()
        return 1

    previous, threading.excepthook = threading.excepthook, lambda args: hooked.append(args.exc_value)
    try:
        loop = asyncio.new_event_loop()
        try:
            assert loop.run_until_complete(registry.acall("lingers")).error.kind == "timeout"  # type: ignore[union-attr]
        finally:
            loop.close()
        release.set()  # the tool returns now, to a closed loop
        assert finished.wait(10)
        time.sleep(0.1)
    finally:
        threading.excepthook = previous
    assert hooked == []
