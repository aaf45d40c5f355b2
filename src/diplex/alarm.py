"""The deadline of a sync tool that runs on the main thread: a ``SIGALRM`` sent when it passes.

Used by the runtime (``runtime.call_blocking``) where one request runs at a time on the main
thread (``Registry.call``, the Lambda handler): a deadline enforced this way costs far less
than handing the call to a worker thread. When the deadline passes, the ``SIGALRM`` handler
raises a ``BaseException`` subclass inside the tool, so a tool's own ``except Exception``
cannot swallow it; the caller gets ``DeadlineExceeded``.

Who sends the signal: a watchdog thread (started at the first call, one per process) that
sleeps until the earliest deadline of the calls under way and then sends ``SIGALRM`` to the
main thread with ``pthread_kill``. A call only records its deadline; the watchdog is woken
only when that deadline is earlier than the moment it already means to look. Successive calls
have ever later deadlines, so in steady state a call makes no system call at all (an interval
timer would cost two, one to arm and one to disarm, on every call), and the process's interval
timer (``setitimer``, ``signal.alarm``) is left to the program.

What the signal cannot do: Python runs signal handlers between bytecodes of the main thread,
so a tool stuck inside C code that holds the GIL (a long regex, a C extension that never
checks for signals) is interrupted only when that C call returns. Blocking system calls such as
``time.sleep``, socket reads and lock waits *are* interrupted. A tool that catches
``BaseException`` can swallow the interruption (the signal is sent once). Deadlines nest: a call
inside a call is interrupted at the earlier of the two. A ``SIGALRM`` handler of the program's
own is restored after each call. Where there was none (the default action), diplex's handler
stays installed after the first call; it raises only inside a call whose deadline has passed
and otherwise ignores a ``SIGALRM`` (the default action would have ended the process).
"""

from __future__ import annotations

import _thread
import importlib
import math
import os
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeVar

from .errors import DeadlineExceeded

__all__ = ["call_under_alarm", "can_arm"]

T = TypeVar("T")


class _Expired(BaseException):
    """Raised inside a sync tool by SIGALRM. A BaseException: ``except Exception`` misses it."""


# The C functions under signal.signal / getsignal: the same, without enum conversions.
_c_signal = importlib.import_module("_signal")
_install: Callable[[int, Any], Any] = getattr(_c_signal, "signal", signal.signal)
_installed: Callable[[int], Any] = getattr(_c_signal, "getsignal", signal.getsignal)

_CAN_SIGNAL = hasattr(signal, "pthread_kill") and hasattr(signal, "SIGALRM")
_SIGALRM = signal.SIGALRM if _CAN_SIGNAL else 0
_monotonic = time.monotonic
# The longest the watchdog sleeps at once: a far-off deadline (a timeout of years) would
# overflow the lock's timeout; the watchdog simply looks again.
_LONGEST_SLEEP = 3600.0

# State shared by the main thread and the watchdog; changed only under _lock.
_lock = _thread.allocate_lock()
_deadlines: list[float] = []  # the deadlines of the calls under way, outermost first
_generation = 0  # changes whenever _deadlines does: the watchdog signals once per generation
_wake_at = math.inf  # when the watchdog will look next, unless woken sooner
_restore: list[Any] = []  # the program's own SIGALRM handler, put back after the outermost call
_wakeup = threading.Event()
_watchdog: threading.Thread | None = None
_main_thread: int | None = threading.main_thread().ident  # only it receives signals


def can_arm() -> bool:
    """Whether a deadline can be enforced on this thread: only the main thread gets signals."""
    return _CAN_SIGNAL and _thread.get_ident() == _main_thread


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    # Raise only inside a call whose deadline has passed: a SIGALRM sent for a call that has
    # just ended, or someone else's, is ignored.
    if _deadlines and min(_deadlines) <= _monotonic():
        raise _Expired


def _watch() -> None:
    """The watchdog thread: sleep until the earliest deadline; when it passes, signal once."""
    global _wake_at
    me = threading.current_thread()
    signalled = -1
    try:
        while _watchdog is me:
            with _lock:
                _wakeup.clear()
                now = _monotonic()
                earliest = min(_deadlines) if _deadlines else math.inf
                if earliest <= now:
                    if signalled != _generation:
                        signalled = _generation
                        signal.pthread_kill(_main_thread or 0, _SIGALRM)
                    _wake_at = math.inf  # sent: nothing more to do until the calls change
                else:
                    _wake_at = earliest
                wait = None if _wake_at == math.inf else min(_wake_at - now, _LONGEST_SLEEP)
            _wakeup.wait(wait)
    finally:
        with _lock:
            _wake_at = math.inf  # so that the next call starts a new watchdog


def _wake_watchdog() -> None:
    global _watchdog
    if _watchdog is None or not _watchdog.is_alive():
        _watchdog = threading.Thread(target=_watch, name="diplex-deadline", daemon=True)
        _watchdog.start()
    else:
        _wakeup.set()


def _stop_watchdog() -> None:
    """Before a fork: end the watchdog, so that the process forks with no thread of diplex's
    (Python 3.12+ warns about forking a process that has threads); a call starts it again."""
    global _watchdog, _wake_at
    watchdog, _watchdog = _watchdog, None
    if watchdog is None:
        return
    _wakeup.set()
    if watchdog is not threading.current_thread():
        watchdog.join(5)
    with _lock:
        _wake_at = math.inf


def _restart_watchdog() -> None:
    if _deadlines:  # the fork was made inside a call: its deadline still stands
        _wake_watchdog()


def _leave(depth: int) -> None:
    """End the calls above ``depth``. Idempotent, so it can be finished after a signal."""
    global _generation
    with _lock:
        if len(_deadlines) > depth:
            _generation += 1  # first: a signal landing before the next line must not undo it
            del _deadlines[depth:]
            if depth == 0 and _restore:  # the outermost call: the program's handler goes back
                _install(_SIGALRM, _restore.pop())


def call_under_alarm(fn: Callable[[], T], deadline: float) -> T:
    """Call ``fn`` on the main thread; raise ``DeadlineExceeded`` if it runs past ``deadline``."""
    global _generation
    if deadline <= _monotonic():
        raise DeadlineExceeded("the deadline had passed before the call started")
    depth = len(_deadlines)
    try:
        try:
            with _lock:
                if not depth and _installed(_SIGALRM) is not _on_alarm:
                    # Installed once and left in place where it replaced the default action;
                    # a program's own handler is put back after each call (see _leave).
                    previous = _install(_SIGALRM, _on_alarm)
                    if previous is not None and previous != signal.SIG_DFL:
                        _restore[:] = [previous]
                _deadlines.append(deadline)
                _generation += 1
                wake = deadline < _wake_at
            if wake:
                _wake_watchdog()
            return fn()
        finally:
            _leave(depth)
    except _Expired:
        _leave(depth)  # the signal may have landed inside the first _leave, before its end
        if _deadlines:
            # An enclosing call's own time may be up too: let the watchdog look again.
            _wake_watchdog()
        raise DeadlineExceeded("the call ran past its deadline") from None


def _forget_after_fork() -> None:
    global _main_thread, _lock, _wakeup, _watchdog, _wake_at, _generation
    _deadlines.clear()
    _restore.clear()
    _lock = _thread.allocate_lock()
    _wakeup = threading.Event()
    _watchdog = None
    _wake_at = math.inf
    _generation = 0
    _main_thread = _thread.get_ident()  # the thread that forked is the child's main thread


os.register_at_fork(
    before=_stop_watchdog, after_in_parent=_restart_watchdog, after_in_child=_forget_after_fork
)
