"""A Lambda Runtime API emulator that drives AWS's own runtime client, without Docker.

An :class:`Emulator` plays the Lambda service for one function. It keeps one *execution
environment* at a time: a Runtime API endpoint on 127.0.0.1 and the runtime process it serves,
``python -m awslambdaric module.function`` (the runtime client AWS ships on PyPI), and it hands
that process invocations one after another, as Lambda does a warm container::

    with Emulator("app.handler", timeout=3, memory=512) as emulator:
        result = emulator.invoke({"tool": "add", "arguments": {"a": 1, "b": 2}})
        result.value(), result.error, result.report_line()

The Runtime API it serves (version 2018-06-01), on an endpoint of its own per environment, so
that the abandoned ``/next`` of a killed runtime can never take an invocation meant for its
successor::

    GET  /2018-06-01/runtime/invocation/next            blocks until an invocation is queued
    POST /2018-06-01/runtime/invocation/{id}/response   the function's result      -> 202
    POST /2018-06-01/runtime/invocation/{id}/error      the function's error       -> 202
    POST /2018-06-01/runtime/init/error                 the function failed to initialize

Lambda behaviours kept: the first invocation of an environment is a cold start and reports its
init duration (process start to the first ``/next``); a function that runs past its timeout is
killed and answered as Lambda does ("Task timed out after 3.00 seconds"), and the next
invocation starts a fresh environment; an init error (the handler's module fails to import) is
the invocation's error, and the next invocation tries init again; a response over 6 MB is
refused; SIGTERM on shutdown, SIGKILL after a grace period. The runtime's environment variables
are Lambda's (``AWS_LAMBDA_FUNCTION_NAME``, ``AWS_LAMBDA_FUNCTION_MEMORY_SIZE``, ...) on top of
this process's own.

Not emulated: concurrency (one environment, one invocation at a time: callers queue), the
memory limit (reported to the function, not enforced; the peak resident memory is read from
/proc on Linux), filesystem isolation, SnapStart.
"""

from __future__ import annotations

import json
import logging
import math
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal

from .runtime_api import ErrorBody, Invocation
from .sandbox import Outcome, Sandbox

__all__ = ["Emulator", "FunctionError", "InvocationResult"]

_log = logging.getLogger("diplex.aws.emulator")

Fault = Literal["timeout", "init", "exit"]


@dataclass(frozen=True)
class FunctionError:
    """An invocation's error, as the Lambda Invoke API reports it (``errorType``, ...)."""

    error_type: str
    message: str
    stack_trace: tuple[str, ...] = ()


@dataclass(frozen=True)
class InvocationResult:
    """One invocation's answer and its REPORT figures.

    ``payload`` is the response body: the function's result, or for an error Lambda's error
    document (``{"errorMessage", "errorType", ...}``). ``fault`` says what went wrong with the
    environment itself, if anything: the function ran past its timeout, failed to initialize,
    or its runtime exited; a handler that raised is an ``error`` with no fault.
    """

    request_id: str
    payload: bytes
    error: FunctionError | None
    duration_ms: float
    init_duration_ms: float | None
    memory_size_mb: int
    max_memory_used_mb: int | None
    pid: int
    fault: Fault | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def billed_duration_ms(self) -> int:
        """Duration rounded up to the millisecond; since 2025, a cold start's init is billed too."""
        return math.ceil(self.duration_ms + (self.init_duration_ms or 0.0))

    def value(self) -> Any:
        """The payload as JSON (for an error, the error document)."""
        return json.loads(self.payload)

    def report_line(self) -> str:
        """Lambda's REPORT log line for this invocation (tab-separated, as Lambda writes it)."""
        used = "-" if self.max_memory_used_mb is None else str(self.max_memory_used_mb)
        parts = [
            f"REPORT RequestId: {self.request_id}",
            f"Duration: {self.duration_ms:.2f} ms",
            f"Billed Duration: {self.billed_duration_ms} ms",
            f"Memory Size: {self.memory_size_mb} MB",
            f"Max Memory Used: {used} MB",
        ]
        if self.init_duration_ms is not None:
            parts.append(f"Init Duration: {self.init_duration_ms:.2f} ms")
        if self.fault == "timeout":
            parts.append("Status: timeout")
        elif self.fault is not None and self.error is not None:
            parts += ["Status: error", f"Error Type: {self.error.error_type}"]
        return "\t".join(parts)


def _log_report(result: InvocationResult) -> None:
    _log.info("%s", result.report_line())


class Emulator:
    """The Lambda service for one function, run locally through ``awslambdaric``.

    ``handler`` is Lambda's handler setting, ``module.function``; the module is imported from
    ``task_root`` (the working directory of the runtime) or from ``python_path``. ``timeout``
    (seconds) and ``memory`` (MB) are the function's configuration; ``init_timeout`` bounds the
    wait for a new runtime to ask for its first invocation. ``on_report`` is called with every
    result (default: its REPORT line is logged on ``diplex.aws.emulator`` at INFO). The runtime
    writes its logs to ``stdout``/``stderr`` (default: this process's).
    """

    def __init__(
        self,
        handler: str,
        *,
        task_root: str | os.PathLike[str] = ".",
        timeout: float = 3.0,
        memory: int = 128,
        function_name: str = "diplex-local",
        region: str | None = None,
        python: str | None = None,
        python_path: Sequence[str] = (),
        environment: Mapping[str, str] | None = None,
        init_timeout: float = 10.0,
        shutdown_grace: float = 2.0,
        on_report: Callable[[InvocationResult], None] | None = _log_report,
        stdout: IO[Any] | int | None = None,
        stderr: IO[Any] | int | None = None,
    ) -> None:
        if "." not in handler.strip(".") or handler.startswith(".") or handler.endswith("."):
            raise ValueError(f"handler must be module.function, not {handler!r}")
        _check_positive("timeout", timeout)
        _check_positive("init_timeout", init_timeout)
        if not 128 <= memory <= 10240:
            raise ValueError(f"memory must be 128 to 10240 MB, as on Lambda, not {memory}")
        self.handler = handler
        self.task_root = os.path.abspath(task_root)
        self.timeout = float(timeout)
        self.memory = memory
        self.function_name = function_name
        self.region = region or os.environ.get("AWS_REGION") or "us-east-1"
        self.function_arn = f"arn:aws:lambda:{self.region}:123456789012:function:{function_name}"
        self._python = python or sys.executable
        self._version: str | None = None
        self._python_path = list(python_path)
        self._environment = dict(environment or {})
        self._init_timeout = float(init_timeout)
        self._grace = shutdown_grace
        self._on_report = on_report
        self._output = (stdout, stderr)
        self._lock = threading.Lock()
        self._sandbox: Sandbox | None = None
        self._closed = False

    @property
    def pid(self) -> int | None:
        """The current runtime process's id, or None when no environment is running."""
        environment = self._sandbox
        return environment.process.pid if environment is not None else None

    def start(self) -> None:
        """Start an environment now, if none is running, instead of at the next invocation."""
        with self._lock:
            self._ensure_environment(cold=False)

    def invoke(
        self,
        event: Any,
        *,
        timeout: float | None = None,
        cold: bool = False,
        client_context: Mapping[str, Any] | None = None,
        cognito_identity: Mapping[str, Any] | None = None,
    ) -> InvocationResult:
        """Invoke the function with ``event`` (JSON-serializable, or JSON bytes) and wait.

        ``timeout`` overrides the function's timeout for this invocation; ``cold`` runs it in a
        fresh environment. Invocations are serialized: a second caller waits for the first.
        """
        if timeout is not None:
            _check_positive("timeout", timeout)
        body = event if isinstance(event, bytes) else json.dumps(event, separators=(",", ":")).encode()
        headers = {"Lambda-Runtime-Invoked-Function-Arn": self.function_arn}
        if client_context is not None:
            headers["Lambda-Runtime-Client-Context"] = json.dumps(client_context)
        if cognito_identity is not None:
            headers["Lambda-Runtime-Cognito-Identity"] = json.dumps(cognito_identity)
        invocation = Invocation(
            request_id=str(uuid.uuid4()), body=body, timeout=timeout or self.timeout, headers=headers
        )
        with self._lock:
            environment = self._ensure_environment(cold=cold)
            cold_start = environment.invocations == 0
            outcome = environment.run(invocation, init_timeout=self._init_timeout)
            if outcome == "exit" and invocation.started_at is None and not cold_start:
                # A warm runtime that died after its last answer (it could not post it, say)
                # never saw this invocation: deliver it to a fresh environment instead.
                environment = self._ensure_environment(cold=False)
                cold_start = True
                outcome = environment.run(invocation, init_timeout=self._init_timeout)
            result = _result(environment, invocation, outcome, cold_start, self.memory)
            if result.fault is not None:  # Lambda resets an environment that timed out or died
                environment.stop(grace=0.0)
                self._sandbox = None
        if self._on_report is not None:
            self._on_report(result)
        return result

    def close(self) -> None:
        """Shut the runtime down (SIGTERM, then SIGKILL after the grace period).

        An invocation in progress in another thread is not waited for: it ends as its runtime
        does (a ``Runtime.ExitError``), and later invocations raise RuntimeError.
        """
        self._closed = True
        current = self._sandbox
        if current is not None:
            current.stop(grace=self._grace, wait=True)
        with self._lock:  # free once an invocation in progress has seen its runtime go
            if self._sandbox is not None:
                self._sandbox.stop(grace=self._grace, wait=True)
                self._sandbox = None

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _ensure_environment(self, *, cold: bool) -> Sandbox:
        if self._closed:
            raise RuntimeError("this Emulator is closed")
        current = self._sandbox
        if current is not None and (cold or not current.usable()):
            current.stop(grace=self._grace if cold else 0.0)
            current = None
        if current is None:
            current = Sandbox(self._command(), self._runtime_environment, self.task_root, self._output)
            self._sandbox = current
        return current

    def _command(self) -> list[str]:
        return [self._python, "-m", "awslambdaric", self.handler]

    def _python_version(self) -> str:
        """The runtime's ``major.minor``: awslambdaric polls /next on a thread from 3.12 on."""
        if self._version is None:
            if self._python == sys.executable:
                self._version = "{}.{}".format(*sys.version_info)
            else:
                code = "import sys; print('{}.{}'.format(*sys.version_info))"
                self._version = subprocess.check_output([self._python, "-c", code], text=True).strip()
        return self._version

    def _runtime_environment(self, api_address: str) -> dict[str, str]:
        """Lambda's variables for the runtime, on top of this process's environment."""
        env = {**os.environ}
        for inherited in ("_LAMBDA_TELEMETRY_LOG_FD", "AWS_LAMBDA_MAX_CONCURRENCY", "_X_AMZN_TRACE_ID"):
            env.pop(inherited, None)  # a log pipe, multi-concurrency mode, a trace: not the runtime's
        python_path = [self.task_root, *self._python_path]
        if env.get("PYTHONPATH"):
            python_path.append(env["PYTHONPATH"])
        stream = time.strftime("%Y/%m/%d", time.gmtime()) + f"/[$LATEST]{uuid.uuid4().hex}"
        env.update(
            {
                "AWS_LAMBDA_RUNTIME_API": api_address,
                "_HANDLER": self.handler,
                "LAMBDA_TASK_ROOT": self.task_root,
                "AWS_EXECUTION_ENV": f"AWS_Lambda_python{self._python_version()}",
                "AWS_LAMBDA_FUNCTION_NAME": self.function_name,
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory),
                "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
                "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{self.function_name}",
                "AWS_LAMBDA_LOG_STREAM_NAME": stream,
                "AWS_REGION": self.region,
                "AWS_DEFAULT_REGION": env.get("AWS_DEFAULT_REGION", self.region),
                "PYTHONPATH": os.pathsep.join(python_path),
            }
        )
        env.update(self._environment)
        return env


def _check_positive(name: str, value: float) -> None:
    if not value > 0:
        raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")


def _result(
    environment: Sandbox, invocation: Invocation, outcome: Outcome, cold_start: bool, memory: int
) -> InvocationResult:
    api, now = environment.api, time.monotonic()
    init_duration: float | None = None
    if cold_start:
        initialized = api.initialized_at or api.init_failed_at or now
        init_duration = (initialized - environment.started_at) * 1000
    started = invocation.started_at
    finished = invocation.finished_at if outcome == "done" else now
    duration = ((finished or now) - started) * 1000 if started is not None else 0.0
    fault: Fault | None = None
    error = invocation.error
    payload = invocation.payload
    request = f"RequestId: {invocation.request_id} Error: "
    timed_out = "Sandbox.Timedout"
    if outcome == "init":
        fault, error = "init", api.init_error
    elif outcome == "exit":
        fault = "exit"
        exited = f"Runtime exited with error: {_exit(api.exit_status)}"
        error = ErrorBody.platform("Runtime.ExitError", request + exited)
    elif outcome == "timeout":
        fault = "timeout"
        error = ErrorBody.platform(
            timed_out, request + f"Task timed out after {invocation.timeout:.2f} seconds"
        )
    elif outcome == "init-timeout":
        fault = "timeout"
        error = ErrorBody.platform(timed_out, request + "the runtime did not start in time")
    if error is not None:
        payload = error.document
    return InvocationResult(
        request_id=invocation.request_id,
        payload=payload,
        error=None if error is None else FunctionError(error.error_type, error.message, error.stack_trace),
        duration_ms=duration,
        init_duration_ms=init_duration,
        memory_size_mb=memory,
        max_memory_used_mb=environment.peak_memory_mb(),
        pid=environment.process.pid,
        fault=fault,
    )


def _exit(status: int | None) -> str:
    if status is not None and status < 0:
        try:
            return f"signal: {signal.Signals(-status).name[3:].lower()}"
        except ValueError:
            return f"signal: {-status}"
    return f"exit status {status}"
