"""One Lambda execution environment: a Runtime API endpoint and the runtime process it serves.

The emulator keeps one sandbox at a time and replaces it when Lambda would: after a timeout,
an init error or a runtime exit, and for a cold invocation. A sandbox knows when its runtime
asked for its first invocation (the end of init), waits for each invocation's outcome on the
API's condition (bounded by the function's timeout, never by polling), reads the runtime's
peak memory, and stops it as Lambda does: SIGTERM, then SIGKILL after a grace period.
"""

from __future__ import annotations

import math
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from typing import IO, Any, Literal

from .runtime_api import Invocation, RuntimeAPI

__all__ = ["Outcome", "Sandbox"]

# How an invocation ended: answered (or failed by the handler), the function failed to init,
# the runtime exited, the function ran past its timeout, the runtime never asked for it.
Outcome = Literal["done", "init", "exit", "timeout", "init-timeout"]


class Sandbox:
    """One execution environment: a Runtime API endpoint and the runtime process it serves."""

    def __init__(
        self,
        command: list[str],
        environment_for: Callable[[str], dict[str, str]],
        cwd: str,
        output: tuple[IO[Any] | int | None, IO[Any] | int | None],
    ) -> None:
        """Start the endpoint, then the runtime; ``environment_for(address)`` is its environment."""
        self.api = RuntimeAPI()
        self.invocations = 0
        try:
            environment = environment_for(self.api.address)
            self.started_at = time.monotonic()  # init begins: Lambda's Init Duration counts from here
            self.process = subprocess.Popen(
                command,
                env=environment,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=output[0],
                stderr=output[1],
                start_new_session=True,  # Ctrl-C in a terminal is for us; we stop the runtime
            )
        except BaseException:
            self.api.close()
            raise
        threading.Thread(
            target=self._reap, name=f"diplex-lambda-reaper-{self.process.pid}", daemon=True
        ).start()

    def _reap(self) -> None:
        self.api.runtime_exited(self.process.wait())

    def usable(self) -> bool:
        return self.api.exit_status is None and self.api.init_error is None

    def run(self, invocation: Invocation, *, init_timeout: float) -> Outcome:
        """Queue ``invocation`` and wait until it is answered, fails, or runs out of time."""
        self.invocations += 1
        api = self.api
        with api.changed:
            api.queue(invocation)
            init_deadline = time.monotonic() + init_timeout
            while True:
                if invocation.finished_at is not None:
                    return "done"
                if api.init_error is not None:
                    return "init"
                if api.exit_status is not None:
                    return "exit"
                late: Outcome = "init-timeout" if invocation.started_at is None else "timeout"
                if invocation.started_at is None:
                    remaining = init_deadline - time.monotonic()
                else:
                    remaining = invocation.started_at + invocation.timeout - time.monotonic()
                if remaining <= 0:
                    return late
                api.changed.wait(remaining)

    def peak_memory_mb(self) -> int | None:
        """The runtime's peak resident memory (VmHWM), in MB rounded up; None where unknown."""
        try:
            with open(f"/proc/{self.process.pid}/status", encoding="ascii", errors="replace") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return math.ceil(int(line.split()[1]) / 1024)
        except (OSError, ValueError, IndexError):
            return None
        return None

    def stop(self, *, grace: float, wait: bool = False) -> None:
        """SIGTERM, and SIGKILL if the runtime is still there after ``grace`` seconds."""
        process = self.process
        if process.poll() is None:
            try:
                if grace > 0:
                    process.send_signal(signal.SIGTERM)
                    if not _exits_within(process, grace / 2):
                        # Before Python 3.12, awslambdaric waits for /next on the main thread,
                        # inside C code: a Python SIGTERM handler runs only once /next returns.
                        self.api.close()
                        if not _exits_within(process, grace / 2):
                            process.kill()
                else:
                    process.kill()
                process.wait()
            except ProcessLookupError:  # pragma: no cover - exited between poll() and the signal
                pass
        self.api.close(wait=wait)


def _exits_within(process: subprocess.Popen[bytes], seconds: float) -> bool:
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        return False
    return True
