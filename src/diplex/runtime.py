"""The only module that touches event loops and threads (the deadline signal is in ``alarm.py``).

Rules (see DESIGN.md, "Runtime rules"):

* One *process loop*, created explicitly, set as the driving thread's current loop, reused by
  every sync entry point, never closed while the process lives. Async clients cached at module
  level therefore stay valid across calls and across warm Lambda invocations.
* Where an ASGI server (or the caller's own loop) is running, tools run on *that* loop.
* Library code never calls ``asyncio.run()`` and never calls ``asyncio.get_event_loop()``.
* Where a sync tool runs is decided here, once:

  - on a running loop (ASGI server, ``acall``): in a worker thread, so the loop never blocks and
    a hung tool still gets a timeout answer; ``inline`` tools skip the hand-off;
  - from a sync entry point on the main thread (``Registry.call``, the Lambda handler):
    directly on that thread, outside any loop, under a ``SIGALRM`` deadline;
  - from a sync entry point on another thread: directly when there is no deadline, else in a
    worker thread while this thread drives the loop until the deadline.

The signal deadline itself (its watchdog thread), and what it cannot interrupt, is in ``alarm.py``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import functools
import inspect
import os
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import Any, ParamSpec, TypeVar, cast

from . import alarm
from .errors import BridgeError, DeadlineExceeded

__all__ = [
    "call_async",
    "call_blocking",
    "current_deadline",
    "drive",
    "in_running_loop",
    "lend_loop",
    "process_loop",
    "refuse_inside_loop",
    "run_sync",
    "syncify",
]

T = TypeVar("T")
P = ParamSpec("P")

# ---------------------------------------------------------------------------------------------
# The process loop
# ---------------------------------------------------------------------------------------------

_loop: asyncio.AbstractEventLoop | None = None
# Guards the loop's creation and the "who drives it" state. Re-entrant because a concurrent
# future's done-callback may run in the thread that registers it while it holds the lock.
_driver = threading.Condition(threading.RLock())
_driving = False  # True while some thread is inside _loop.run_until_complete()


def process_loop() -> asyncio.AbstractEventLoop:
    """The diplex-owned event loop of this process, created on first use."""
    global _loop
    loop = _loop
    if loop is None or loop.is_closed():
        with _driver:
            if _loop is None or _loop.is_closed():  # closed only if someone else closed it
                _loop = asyncio.new_event_loop()
            loop = _loop
    return loop


def _forget_loop_after_fork() -> None:
    # A forked child shares the parent's selector file descriptors: its copy of the loop must
    # never run. The child builds its own on first use.
    global _loop, _driver, _driving
    _loop = None
    _driver = threading.Condition(threading.RLock())
    _driving = False


os.register_at_fork(after_in_child=_forget_loop_after_fork)


def in_running_loop() -> bool:
    """Whether this thread is running an event loop right now."""
    return _running_loop() is not None


def _running_loop() -> asyncio.AbstractEventLoop | None:
    # asyncio's own test without the RuntimeError that get_running_loop raises (and a sync
    # caller would catch) on every call from sync code: a tenth of the cost.
    return asyncio._get_running_loop()


def drive(awaitable: Awaitable[T]) -> T:
    """Run ``awaitable`` on the process loop from a thread where no loop is running.

    If no thread is driving the loop, this thread drives it (``run_until_complete``) and makes
    it its current loop. If another thread is driving it, the awaitable is scheduled onto the
    loop and this thread waits; should that driver stop before the awaitable is done, this
    thread takes over driving, so a submission can never be stranded on a stopped loop.
    """
    global _driving
    loop = process_loop()
    with _driver:
        if _driving or loop.is_running():
            future = _submit(awaitable, loop)
            future.add_done_callback(_wake_waiters)
            # Deadlock reasoning: the driver releases _driver while the loop runs, and sets
            # _driving = False (then notifies) under _driver when it stops, so this wait ends
            # either with our result or with the loop free for us to drive.
            while not _driver.wait_for(
                lambda: future.done() or not (_driving or loop.is_running()),
                # A loop run by someone else (not drive()) stops without telling us: look
                # again now and then. A driver of ours always notifies.
                timeout=None if _driving else 0.05,
            ):
                pass
            if future.done():
                return future.result()
            mine: Awaitable[T] = asyncio.wrap_future(future, loop=loop)
        else:
            mine = awaitable
        _driving = True
    with _DrivingHere(loop):
        return loop.run_until_complete(mine)


class _DrivingHere:
    """The body of a drive this thread has claimed (``_driving`` set under ``_driver``): the loop
    is this thread's current loop, so code that asks for "the current loop" finds ours; the
    claim is given up, and waiters woken, however the body ends. (A class: a generator-made
    context manager costs a microsecond more, on every warm call of an async tool.)"""

    __slots__ = ("loop",)

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def __enter__(self) -> None:
        asyncio.set_event_loop(self.loop)

    def __exit__(self, *_: object) -> None:
        global _driving
        with _driver:
            _driving = False
            _driver.notify_all()


def _drive_tool(coro: Coroutine[Any, Any, T], deadline: float | None) -> T:
    """drive() for a tool's coroutine: one task, and an answer by the deadline.

    The lean path of the Lambda handler and ``Registry.call``: the tool's coroutine is the only
    task, raced against its deadline (``_race``) without a coroutine around it. When another
    thread is driving the loop, this falls back to drive().
    """
    global _driving
    loop = process_loop()
    with _driver:
        busy = _driving or loop.is_running()
        if not busy:
            _driving = True
    if busy:
        return drive(_await_until(coro, deadline))
    with _DrivingHere(loop):
        if deadline is None:
            return loop.run_until_complete(coro)  # the task copies this context (deadline too)
        return _run_until(loop, coro, deadline)


def _run_until(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T], deadline: float) -> T:
    """Run the loop until the tool's task is done or the deadline has passed, whichever comes
    first, and never wait for the task itself (see ``_race``).

    The loop runs until either stops it: one pass fewer than running it until a waiter future
    is done, a tenth of a warm Lambda call. A stop that comes late (the task finishing in the
    pass the deadline ended) is made harmless before the loop runs again.
    """
    task = loop.create_task(coro)
    racing = True

    def stop(_: object = None) -> None:
        if racing:
            loop.stop()

    task.add_done_callback(stop)
    timer = loop.call_later(max(0.0, deadline - time.monotonic()), stop)
    try:
        loop.run_forever()
        while not task.done() and time.monotonic() < deadline:
            loop.run_forever()  # the tool stopped the loop itself: go on
    finally:
        racing = False
        timer.cancel()
    return _result(task)


@contextlib.contextmanager
def lend_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """Lend the process loop to code that runs it itself (Mangum's ``run_until_complete``).

    The loop becomes this thread's current loop again (a tool or library that ran
    ``asyncio.run()`` on this thread cleared it), and no other thread drives it meanwhile.
    """
    global _driving
    refuse_inside_loop("lending the process loop", "an awaitable ASGI call")
    loop = process_loop()
    with _driver:
        while not _driver.wait_for(lambda: not (_driving or loop.is_running()), timeout=0.05):
            pass  # same reasoning as in drive(): a driver of ours notifies, others are polled
        _driving = True
    with _DrivingHere(loop):
        yield loop


def _wake_waiters(_: object) -> None:
    with _driver:
        _driver.notify_all()


def _submit(awaitable: Awaitable[T], loop: asyncio.AbstractEventLoop) -> concurrent.futures.Future[T]:
    """Schedule ``awaitable`` on ``loop`` (running in another thread), carrying this context."""
    result: concurrent.futures.Future[T] = concurrent.futures.Future()
    context = contextvars.copy_context()

    def start() -> None:
        if not result.set_running_or_notify_cancel():
            _discard(awaitable)
            return
        # create_task copies the context current at creation: ours, thanks to context.run.
        task = context.run(asyncio.ensure_future, awaitable)
        task.add_done_callback(functools.partial(_settle, result))

    loop.call_soon_threadsafe(start)
    return result


def _settle(result: concurrent.futures.Future[T], task: asyncio.Future[T]) -> None:
    if task.cancelled():
        result.cancel()  # pragma: no cover - only when the loop is torn down under the task
    elif (exc := task.exception()) is not None:
        result.set_exception(exc)
    else:
        result.set_result(task.result())


def _discard(awaitable: Awaitable[Any]) -> None:
    if inspect.iscoroutine(awaitable):
        awaitable.close()  # no "coroutine was never awaited" warning for a refused call


# ---------------------------------------------------------------------------------------------
# Worker threads
# ---------------------------------------------------------------------------------------------

_worker = threading.local()  # .loop: the loop that dispatched the job this thread runs


class _Workers:
    """Daemon worker threads, reused while idle.

    Daemon threads, unlike ``ThreadPoolExecutor``'s, do not hold the interpreter open at exit:
    a hung tool whose caller already got a timeout answer cannot block shutdown. Each running
    sync tool holds one thread; at most ``max_idle`` idle threads are kept.
    """

    def __init__(self, max_idle: int = 32) -> None:
        import queue  # here: a Lambda function that never hands a tool to a thread never needs it

        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self._started = 0
        self._max_idle = max_idle

    def submit(self, fn: Callable[[], T], loop: asyncio.AbstractEventLoop) -> asyncio.Future[T]:
        """Run ``fn`` in a worker thread; the returned future (of ``loop``) gets its outcome.

        The outcome goes straight to the loop's future with ``call_soon_threadsafe``: no
        ``concurrent.futures.Future`` in between, whose locks and callbacks cost a quarter of
        a hand-off.
        """
        future: asyncio.Future[T] = loop.create_future()
        context = contextvars.copy_context()

        def job() -> None:
            if future.cancelled():
                return  # the caller gave up before a thread was free
            _worker.loop = loop
            try:
                value = context.run(fn)
            except BaseException as exc:  # the awaiting side decides what it means
                _deliver(loop, future, None, exc)
            else:
                _deliver(loop, future, value, None)
            finally:
                _worker.loop = None

        with self._lock:
            if self._idle:
                self._idle -= 1  # that idle thread is now committed to take this job
                self._jobs.put(job)
                return future
            self._started += 1
            name = f"diplex-worker-{self._started}"
        threading.Thread(target=self._work, args=(job,), name=name, daemon=True).start()
        return future

    def _work(self, job: Callable[[], None]) -> None:
        while True:
            job()
            with self._lock:
                if self._idle >= self._max_idle:
                    return
                self._idle += 1
            job = self._jobs.get()


_workers: _Workers | None = None  # made when a sync tool is first handed to a thread
_workers_lock = threading.Lock()


def _to_worker(fn: Callable[[], T], loop: asyncio.AbstractEventLoop) -> asyncio.Future[T]:
    global _workers
    if _workers is None:
        with _workers_lock:
            if _workers is None:
                _workers = _Workers()
    return _workers.submit(fn, loop)


def _deliver(
    loop: asyncio.AbstractEventLoop, future: asyncio.Future[T], value: T | None, exc: BaseException | None
) -> None:
    """From a worker thread: settle ``future`` on its loop, unless the caller gave up on it."""

    def settle() -> None:
        if future.done():
            return  # cancelled: the deadline won, or the caller went away
        if exc is None:
            future.set_result(value)  # type: ignore[arg-type]
        elif isinstance(exc, StopIteration):  # a future refuses it (it would end a coroutine)
            future.set_exception(RuntimeError(f"the tool raised StopIteration: {exc!r}"))
        else:
            future.set_exception(exc)

    with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits for it any more
        loop.call_soon_threadsafe(settle)


# ---------------------------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------------------------

# The deadline (time.monotonic()) of the tool call this context is inside, for nesting: a call
# made inside another gets the earlier of the two deadlines.
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("diplex_deadline", default=None)


def current_deadline() -> float | None:
    """The deadline of the call this code runs inside, as a ``time.monotonic()`` value."""
    return _deadline.get()


def _earliest(deadline: float | None) -> float | None:
    outer = _deadline.get()
    if outer is None:
        return deadline
    return outer if deadline is None else min(outer, deadline)


def _race(
    loop: asyncio.AbstractEventLoop, awaitable: Awaitable[T], deadline: float
) -> tuple[asyncio.Future[T], asyncio.Future[None], asyncio.TimerHandle]:
    """Start ``awaitable`` as a task, with a waiter that is done when the task is or at the
    deadline, whichever is first. Waiting on the waiter, never on the task, is what keeps a tool
    that swallows its cancellation (or a worker thread that cannot be stopped) from holding the
    answer back."""
    task = asyncio.ensure_future(awaitable, loop=loop)
    waiter: asyncio.Future[None] = loop.create_future()

    def settle(_: object = None) -> None:
        if not waiter.done():
            waiter.set_result(None)

    task.add_done_callback(settle)
    return task, waiter, loop.call_later(max(0.0, deadline - time.monotonic()), settle)


def _result(task: asyncio.Future[T]) -> T:
    """The task's result once the race is over; DeadlineExceeded if the deadline won it."""
    if task.done():
        return task.result()
    task.cancel()
    task.add_done_callback(_consume)
    raise DeadlineExceeded("the call ran past its deadline")


async def _await_until(awaitable: Awaitable[T], deadline: float | None) -> T:
    """Await ``awaitable``; past ``deadline`` raise DeadlineExceeded without waiting for it."""
    if deadline is None:
        return await awaitable
    task, waiter, timer = _race(asyncio.get_running_loop(), awaitable, deadline)
    try:
        await waiter
    except asyncio.CancelledError:
        task.cancel()
        raise
    finally:
        timer.cancel()
    return _result(task)


def _consume(task: asyncio.Future[Any]) -> None:
    # Retrieve the abandoned task's outcome so asyncio does not log "exception never retrieved".
    if not task.cancelled():
        task.exception()


# ---------------------------------------------------------------------------------------------
# Calling a tool: the one decision of where it runs
# ---------------------------------------------------------------------------------------------


async def call_async(
    fn: Callable[[], Any], is_async: bool, deadline: float | None, inline: bool = False
) -> Any:
    """Call a tool from a running loop (an ASGI server, ``acall``)."""
    deadline = _earliest(deadline)
    if deadline is None and is_async:
        return await fn()  # the usual async call: no deadline to keep, none to pass on
    if deadline is not None and deadline <= time.monotonic():
        raise DeadlineExceeded("the deadline had passed before the call started")
    token = _deadline.set(deadline)
    try:
        if is_async:
            return await (fn() if deadline is None else _await_until(fn(), deadline))
        if inline:
            if deadline is not None and alarm.can_arm():
                return alarm.call_under_alarm(fn, deadline)
            return fn()
        loop = asyncio.get_running_loop()
        return await _await_until(_to_worker(fn, loop), deadline)
    finally:
        _deadline.reset(token)


def call_blocking(fn: Callable[[], Any], is_async: bool, deadline: float | None, inline: bool = False) -> Any:
    """Call a tool from a thread with no running loop (``Registry.call``, the Lambda handler).

    The caller (``invoke``) has checked that no loop runs in this thread.
    """
    deadline = _earliest(deadline)
    lean_async = is_async and getattr(_worker, "loop", None) is None
    if (is_async and not lean_async) or (deadline is not None and not alarm.can_arm()):
        return _wait(call_async(fn, is_async, deadline))
    token = _deadline.set(deadline)
    try:
        if deadline is None:
            return _drive_tool(fn(), None) if lean_async else fn()
        if not lean_async:
            return alarm.call_under_alarm(fn, deadline)  # which refuses a deadline gone by
        if deadline <= time.monotonic():
            raise DeadlineExceeded("the deadline had passed before the call started")
        return _drive_tool(fn(), deadline)
    finally:
        _deadline.reset(token)


# ---------------------------------------------------------------------------------------------
# The public bridge
# ---------------------------------------------------------------------------------------------


def refuse_inside_loop(what: str, instead: str) -> None:
    """Raise BridgeError when this thread's event loop is running: blocking would hang it."""
    if _running_loop() is not None:
        raise BridgeError(
            f"{what} was made from a thread whose event loop is running; blocking there would "
            f"deadlock that loop, so use {instead} instead"
        )


def _wait(awaitable: Awaitable[T]) -> T:
    """Block this (loop-less) thread until ``awaitable`` is done, on the right loop."""
    dispatcher: asyncio.AbstractEventLoop | None = getattr(_worker, "loop", None)
    if dispatcher is None:
        return drive(awaitable)
    # A diplex worker: go back to the loop that dispatched us, which is running and never
    # blocks on this thread (it awaits our future), so waiting here cannot deadlock.
    if dispatcher.is_closed():
        _discard(awaitable)
        raise BridgeError("the event loop that started this worker thread has been closed")
    return _submit(awaitable, dispatcher).result()


def run_sync(awaitable_or_fn: Awaitable[T] | Callable[..., Awaitable[T]], /, *args: Any, **kwargs: Any) -> T:
    """Run async code from sync code and return its result.

    ``run_sync(coro)`` or ``run_sync(async_fn, *args, **kwargs)``:

    * in a diplex worker thread (a sync tool served by an ASGI server), the coroutine runs on
      the loop that dispatched the worker, so async clients cached on that loop stay valid;
    * in a thread with no running loop, it runs on the process loop (driving it, or handing
      the coroutine to the thread that is driving it);
    * in a thread whose loop is running, it refuses: blocking there would deadlock the loop,
      so ``await`` the coroutine instead.

    Context variables are carried into the coroutine.
    """
    if inspect.isawaitable(awaitable_or_fn):
        if args or kwargs:
            _discard(awaitable_or_fn)
            raise TypeError("run_sync(awaitable) takes no further arguments")
        awaitable: Awaitable[T] = awaitable_or_fn
    elif callable(awaitable_or_fn):
        awaitable = awaitable_or_fn(*args, **kwargs)
        if not inspect.isawaitable(awaitable):
            raise TypeError(
                f"run_sync() expected an async function, {awaitable_or_fn!r} returned {awaitable!r}"
            )
    else:
        raise TypeError(f"run_sync() expected an awaitable or an async function, not {awaitable_or_fn!r}")
    try:
        refuse_inside_loop("a run_sync() call", "`await` on the coroutine")
    except BridgeError:
        _discard(awaitable)
        raise
    return _wait(awaitable)


def syncify(fn: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, T]:
    """Turn an async function into a sync one that runs it through :func:`run_sync`."""
    if not inspect.iscoroutinefunction(fn):
        raise TypeError(f"syncify() expects an async function, not {fn!r}")

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        return run_sync(fn(*args, **kwargs))

    return cast(Callable[P, T], wrapper)
