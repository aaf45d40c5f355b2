"""The deadline of a sync tool that runs on the main thread: a ``SIGALRM`` interval timer.

Used by the runtime (``runtime.call_blocking``) where one request runs at a time on the main
thread (``Registry.call``, the Lambda handler): arming a timer costs far less than handing the
call to a worker thread. When the deadline passes, the signal handler raises a
``BaseException`` subclass inside the tool, so a tool's own ``except Exception`` cannot
swallow it; the caller gets ``DeadlineExceeded``.

What the timer signal cannot do: Python runs signal handlers between bytecodes of the main
thread, so a tool stuck inside C code that holds the GIL (a long regex, a C extension that never
checks for signals) is interrupted only when that C call returns. Blocking system calls such as
``time.sleep``, socket reads and lock waits *are* interrupted. A tool that catches
``BaseException`` can swallow the interruption. Deadlines nest (a call inside a call re-arms
the enclosing call's timer when it ends). An interval timer that was running before a call gets
back what is left of it after; a ``SIGALRM`` handler of the program's own is restored after
each call. Where there was none (the default action), diplex's handler stays installed after
the first call, so that each later call only arms and disarms the timer; between calls it
ignores a ``SIGALRM`` (the default action would have ended the process).
"""

from __future__ import annotations

import importlib
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


class _Timer:
    """One armed deadline on the main thread's interval timer."""

    __slots__ = ("deadline",)

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline


_timers: list[_Timer] = []  # armed deadlines, outermost first (main thread only)
_timer_saved: list[Any] = []  # [handler to restore or None, previous (delay, interval), armed at]
_timer_live = False


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    global _timer_live
    if _timer_live:
        _timer_live = False
        raise _Expired
    # Not armed: a late signal of a timer just disarmed, or someone else's. Ignored.


# The C functions under signal.signal / getsignal: the same, without enum conversions.
_c_signal = importlib.import_module("_signal")
_install: Callable[[int, Any], Any] = getattr(_c_signal, "signal", signal.signal)
_installed: Callable[[int], Any] = getattr(_c_signal, "getsignal", signal.getsignal)


_HAS_TIMER = hasattr(signal, "setitimer")
_main_thread = threading.main_thread().ident  # only the main thread receives signals
_setitimer = signal.setitimer
_REAL = signal.ITIMER_REAL
_SIGALRM = signal.SIGALRM if _HAS_TIMER else 0
_monotonic = time.monotonic


def can_arm() -> bool:
    """Whether this thread can arm the timer: only the main thread receives signals."""
    return _HAS_TIMER and threading.get_ident() == _main_thread


def _set_timer(deadline: float) -> None:
    global _timer_live
    _timer_live = True
    _setitimer(_REAL, max(deadline - _monotonic(), 1e-6))


def _arm(timer: _Timer) -> None:
    global _timer_live
    if _timers:
        _timers.append(timer)
        _set_timer(timer.deadline)
        return
    # Installed once and left in place where it replaced the default action; a program's own
    # handler is put back after each call (see _disarm).
    previous = None if _installed(_SIGALRM) is _on_alarm else _install(_SIGALRM, _on_alarm)
    _timers.append(timer)
    _timer_live = True
    now = _monotonic()
    # setitimer answers with the timer it replaces: someone else's, given back at the end.
    _timer_saved[:] = [previous, _setitimer(_REAL, max(timer.deadline - now, 1e-6)), now]


def _disarm(timer: _Timer) -> None:
    """Undo _arm(timer). Idempotent, so it can be finished after a signal interrupted it."""
    global _timer_live
    if not _timers or _timers[-1] is not timer:
        return
    _timer_live = False  # from here on a signal that arrives is ignored
    _setitimer(_REAL, 0)
    _timers.pop()
    if _timers:  # back to the enclosing call's deadline
        _set_timer(_timers[-1].deadline)
        return
    previous, (delay, interval), armed_at = _timer_saved
    if previous is not None and previous != signal.SIG_DFL:  # a handler of the program's
        _install(_SIGALRM, previous)
    if delay > 0:  # someone else's timer was running: give it back what is left of it
        left = max(delay - (_monotonic() - armed_at), 1e-6)
        _setitimer(_REAL, left, interval)


def call_under_alarm(fn: Callable[[], T], deadline: float) -> T:
    if deadline <= _monotonic():
        raise DeadlineExceeded("the deadline had passed before the call started")
    timer = _Timer(deadline)
    try:
        try:
            _arm(timer)
            return fn()
        finally:
            _disarm(timer)
    except _Expired:
        _disarm(timer)  # the signal may have landed inside the first _disarm, before its end
        if _timers:
            # The signal may have been the enclosing call's, re-armed as this one ended: arm
            # it again, so the enclosing tool is interrupted too if its own time is up.
            _set_timer(_timers[-1].deadline)
        raise DeadlineExceeded("the call ran past its deadline") from None


def _forget_after_fork() -> None:
    global _main_thread
    _timers.clear()
    _main_thread = threading.get_ident()  # the thread that forked is the child's main thread


os.register_at_fork(after_in_child=_forget_after_fork)
