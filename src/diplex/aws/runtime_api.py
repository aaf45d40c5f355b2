"""The Lambda Runtime API (2018-06-01) for one execution environment, on 127.0.0.1.

The runtime process polls ``GET /2018-06-01/runtime/invocation/next``, which blocks until the
emulator queues an invocation, and answers it with ``POST .../invocation/{id}/response`` or
``.../error``; a runtime that cannot load its handler posts ``/runtime/init/error`` instead,
before it ever asks for an invocation. Everything the runtime reports is kept here and
announced on :attr:`RuntimeAPI.changed`, a condition the emulator waits on (no polling).

The headers of ``/next`` are the ones AWS's runtime clients read: request id, deadline (epoch
milliseconds), function ARN, X-Ray trace id, and the client context and Cognito identity when
the invocation carries them. The status codes are Lambda's: 202 for an accepted report, 400 for
a request id that is not the invocation in progress, 403 for an init error after init, 413 for
a response over 6 MB.
"""

from __future__ import annotations

import io
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO
from urllib.parse import urlsplit

__all__ = ["MAX_RESPONSE_BYTES", "ErrorBody", "Invocation", "RuntimeAPI", "read_body"]

MAX_RESPONSE_BYTES = 6_291_556  # Lambda's limit on a synchronous invocation's response
_PREFIX = "/2018-06-01/runtime"
_INVOCATION_REPORT = re.compile(rf"{_PREFIX}/invocation/(?P<id>[^/]+)/(?P<kind>response|error)")
_ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"

_Reply = tuple[HTTPStatus, Mapping[str, Any]]
_ACCEPTED: _Reply = (HTTPStatus.ACCEPTED, {"status": "OK"})


@dataclass(frozen=True)
class ErrorBody:
    """An error document: what a runtime posts to ``/error`` or ``/init/error``, or Lambda's own."""

    error_type: str
    message: str
    stack_trace: tuple[str, ...] = ()
    document: bytes = b""

    @classmethod
    def platform(cls, error_type: str, message: str) -> ErrorBody:
        """An error Lambda itself reports (a timeout, a runtime that exited)."""
        document = json.dumps({"errorType": error_type, "errorMessage": message}).encode()
        return cls(error_type, message, (), document)

    @classmethod
    def parse(cls, body: bytes, error_type_header: str | None) -> ErrorBody:
        """Read a runtime's error post; the body's ``errorType`` wins over the header's."""
        try:
            document = json.loads(body)
        except ValueError:
            document = None
        if not isinstance(document, dict):
            return cls(error_type_header or "Unhandled", body.decode("utf-8", "replace"), (), body)
        trace = document.get("stackTrace")
        return cls(
            error_type=str(document.get("errorType") or error_type_header or "Unhandled"),
            message=str(document.get("errorMessage") or ""),
            stack_trace=tuple(str(line) for line in trace) if isinstance(trace, list) else (),
            document=body,
        )


@dataclass
class Invocation:
    """One invocation on its way through the API; the emulator reads the outcome fields."""

    request_id: str
    body: bytes
    timeout: float
    headers: Mapping[str, str] = field(default_factory=dict)
    started_at: float | None = None  # monotonic: when the runtime received it
    finished_at: float | None = None  # monotonic: when the runtime answered it
    payload: bytes = b""
    error: ErrorBody | None = None


class RuntimeAPI:
    """The endpoint of one execution environment and what its runtime has reported so far.

    Every field is read and written under :attr:`changed`, which is notified on every change.
    """

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.initialized_at: float | None = None  # monotonic: the runtime's first /next
        self.init_failed_at: float | None = None
        self.init_error: ErrorBody | None = None
        self.exit_status: int | None = None
        self._queued: Invocation | None = None
        self._running: Invocation | None = None
        self._closed = False
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.api = self
        host, port = self._server.server_address[:2]
        self.address = f"{host!s}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.name = f"diplex-runtime-api-{port}"
        self._thread.start()

    def queue(self, invocation: Invocation) -> None:
        with self.changed:
            self._queued = invocation
            self.changed.notify_all()

    def runtime_exited(self, status: int) -> None:
        with self.changed:
            self.exit_status = status
            self.changed.notify_all()

    def close(self, *, wait: bool = False) -> None:
        """Stop serving; a ``/next`` still waiting is released. ``wait`` joins the server."""
        with self.changed:
            self._closed = True
            self.changed.notify_all()
        stopper = threading.Thread(target=self._stop_server, daemon=True)
        stopper.start()
        if wait:
            stopper.join()

    def _stop_server(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # What the runtime asks; each returns the status and the JSON document to answer with.

    def next_invocation(self) -> Invocation | None:
        """Block until an invocation is queued (it is then in progress); None once closed."""
        with self.changed:
            if self.initialized_at is None:
                self.initialized_at = time.monotonic()
                self.changed.notify_all()
            while self._queued is None and not self._closed:
                self.changed.wait()
            invocation, self._queued = self._queued, None
            if invocation is None:
                return None
            invocation.started_at = time.monotonic()
            self._running = invocation
            self.changed.notify_all()
            return invocation

    def report(self, request_id: str, kind: str, body: bytes, error_type: str | None) -> _Reply:
        with self.changed:
            invocation = self._running
            if invocation is None or invocation.request_id != request_id:
                missing = _error("InvalidRequestID", f"no invocation {request_id} in progress")
                return HTTPStatus.BAD_REQUEST, missing
            reply = _ACCEPTED
            if kind == "error":
                invocation.error = ErrorBody.parse(body, error_type)
            elif len(body) > MAX_RESPONSE_BYTES:
                message = (
                    f"Response payload size ({len(body)} bytes) exceeded maximum allowed payload size "
                    f"({MAX_RESPONSE_BYTES} bytes)."
                )
                invocation.error = ErrorBody.platform("Function.ResponseSizeTooLarge", message)
                reply = HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _error("RequestEntityTooLarge", message)
            else:
                invocation.payload = body
            invocation.finished_at = time.monotonic()
            self._running = None
            self.changed.notify_all()
            return reply

    def fail_init(self, body: bytes, error_type: str | None) -> _Reply:
        with self.changed:
            if self.initialized_at is not None or self.init_error is not None:
                return HTTPStatus.FORBIDDEN, _error("InvalidStateTransition", "init has already ended")
            self.init_error = ErrorBody.parse(body, error_type)
            self.init_failed_at = time.monotonic()
            self.changed.notify_all()
            return _ACCEPTED


def _error(error_type: str, message: str) -> dict[str, str]:
    return {"errorType": error_type, "errorMessage": message}


def _trace_id() -> str:
    return f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=0"


def read_body(stream: BinaryIO | io.BufferedIOBase, headers: Message[str, str] | Mapping[str, str]) -> bytes:
    """An HTTP/1.1 request body, by ``Content-Length`` or chunked; ValueError when malformed."""
    if "chunked" in headers.get("Transfer-Encoding", "").lower():
        chunks = []
        while True:
            size = int(stream.readline(1024).split(b";")[0].strip(), 16)  # ValueError when malformed
            if size == 0:
                break
            chunks.append(stream.read(size))
            stream.readline(3)  # the CRLF after the chunk
        while stream.readline(65537).strip():  # trailers, up to the empty line
            pass
        return b"".join(chunks)
    length = int(headers.get("Content-Length") or 0)
    if length < 0:
        raise ValueError("negative Content-Length")
    return stream.read(length) if length else b""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    api: RuntimeAPI

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a runtime that was killed mid-request: nobody to tell


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = -1  # headers and body leave in one write, flushed after each request
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        if urlsplit(self.path).path != f"{_PREFIX}/invocation/next":
            self._reply(HTTPStatus.NOT_FOUND, _error("InvalidURL", f"no such endpoint: GET {self.path}"))
            return
        invocation = self.server.api.next_invocation()
        if invocation is None:
            self._reply(HTTPStatus.GONE, _error("EnvironmentClosed", "this execution environment is closed"))
            return
        deadline = int((time.time() + invocation.timeout) * 1000)
        headers = {
            "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
            "Lambda-Runtime-Deadline-Ms": str(deadline),
            "Lambda-Runtime-Trace-Id": _trace_id(),
            **invocation.headers,
        }
        self._send(HTTPStatus.OK, invocation.body, headers)

    def do_POST(self) -> None:
        try:
            body = read_body(self.rfile, self.headers)
        except ValueError:
            self._reply(HTTPStatus.BAD_REQUEST, _error("InvalidRequest", "malformed request body"))
            self.close_connection = True
            return
        path = urlsplit(self.path).path
        error_type = self.headers.get(_ERROR_TYPE_HEADER)
        api = self.server.api
        if path == f"{_PREFIX}/init/error":
            self._reply(*api.fail_init(body, error_type))
        elif match := _INVOCATION_REPORT.fullmatch(path):
            self._reply(*api.report(match["id"], match["kind"], body, error_type))
        else:
            self._reply(HTTPStatus.NOT_FOUND, _error("InvalidURL", f"no such endpoint: POST {self.path}"))

    def _reply(self, status: HTTPStatus, document: Mapping[str, Any]) -> None:
        self._send(status, json.dumps(document).encode(), {})

    def _send(self, status: HTTPStatus, body: bytes, headers: Mapping[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the emulator reports invocations itself
