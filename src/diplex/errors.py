"""The exceptions diplex raises, all under one root.

    DiplexError                  the root: catch this to catch anything diplex raises
    ├── RegistrationError        a tool cannot be registered (bad name, duplicate, unservable
    │                            signature or type); raised at registration time
    ├── ToolError                raised *by a tool* on purpose; its message is shown to the
    │                            caller (REST 400 or the status it carries, MCP isError result)
    ├── BridgeError              sync/async bridge misuse, e.g. ``run_sync`` called from a
    │                            thread whose event loop is running ("await it instead")
    ├── DeadlineExceeded         a tool call ran past its deadline; the invoker turns it into
    │                            a ``timeout`` outcome, callers normally never see it
    ├── UnsupportedEvent         a Lambda event of no shape diplex knows (so Lambda reports a
    │                            function error and async invocations retry)
    ├── AppStartupFailed         a user app's ASGI lifespan startup failed on Lambda; tried
    │                            again on the next invocation
    └── InvocationError          a direct Lambda invocation of a tool failed; the class name is
        │                        the ``errorType`` Step Functions and callers catch by
        ├── ToolNotFound         no tool of that name
        ├── InvalidArguments     the event or the arguments are invalid
        ├── ToolFailed           the tool raised ToolError: its message
        ├── ToolTimeout          the tool ran past its deadline
        └── InternalError        anything else: only a request id, never the tool's traceback

Errors a tool raises that are not ``ToolError`` are *internal*: the caller sees a generic
message and a request id, the log gets the traceback.

The runtime also uses a private ``BaseException`` subclass, raised inside a sync tool by the
deadline signal when its deadline passes, so that a tool's own ``except Exception`` cannot swallow
it. It never leaves diplex.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AppStartupFailed",
    "BridgeError",
    "DeadlineExceeded",
    "DiplexError",
    "InternalError",
    "InvalidArguments",
    "InvocationError",
    "RegistrationError",
    "ToolError",
    "ToolFailed",
    "ToolNotFound",
    "ToolTimeout",
    "UnsupportedEvent",
]


class DiplexError(Exception):
    """The root of every exception diplex raises."""


class RegistrationError(DiplexError):
    """A tool cannot be registered; the message names the tool and the reason."""


class BridgeError(DiplexError):
    """The sync/async bridge was used where it cannot work; the message names the fix."""


class DeadlineExceeded(DiplexError):
    """A call ran past its deadline."""


class ToolError(DiplexError):
    """Raised by a tool to fail on purpose with a message the caller may read.

    ``status`` is the HTTP status the REST surface answers with (default 400); ``data`` is any
    JSON-compatible detail to pass along with the message.
    """

    def __init__(self, message: str, *, status: int = 400, data: Any = None) -> None:
        if not 400 <= status <= 599:
            raise ValueError(f"ToolError status must be an HTTP error status (400-599), not {status}")
        super().__init__(message)
        self.message = message
        self.status = status
        self.data = data


class UnsupportedEvent(DiplexError):
    """A Lambda event of a shape diplex does not know; the message lists the known sources."""


class AppStartupFailed(DiplexError):
    """A user app's ASGI lifespan startup failed; the next invocation tries again."""


class InvocationError(DiplexError):
    """A direct (non-HTTP) invocation of a tool failed. Subclasses name the error kind.

    ``kind`` is the invoker's error kind; ``details`` the per-field problems of invalid
    arguments; ``data`` a ToolError's data; ``request_id`` the invocation's request id.
    """

    kind = "internal"

    def __init__(
        self, message: str, *, details: Any = (), data: Any = None, request_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.data = data
        self.request_id = request_id


class ToolNotFound(InvocationError):
    kind = "not_found"


class InvalidArguments(InvocationError):
    kind = "invalid_arguments"


class ToolFailed(InvocationError):
    kind = "tool_error"


class ToolTimeout(InvocationError):
    kind = "timeout"


class InternalError(InvocationError):
    kind = "internal"
