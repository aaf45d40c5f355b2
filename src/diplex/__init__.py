"""diplex: one registry of Python functions, served as MCP tools and REST endpoints."""

from .context import ToolContext
from .errors import (
    AppStartupFailed,
    BridgeError,
    DeadlineExceeded,
    DiplexError,
    InternalError,
    InvalidArguments,
    InvocationError,
    RegistrationError,
    ToolError,
    ToolFailed,
    ToolNotFound,
    ToolTimeout,
    UnsupportedEvent,
)
from .invoke import ErrorKind, Failure, FieldError, Outcome
from .registry import Registry
from .runtime import run_sync, syncify
from .surfaces import create_app, lambda_handler
from .tool import Example, Tool, ToolAnnotations

__version__ = "0.1.0"

__all__ = [
    "AppStartupFailed",
    "BridgeError",
    "DeadlineExceeded",
    "DiplexError",
    "ErrorKind",
    "Example",
    "Failure",
    "FieldError",
    "InternalError",
    "InvalidArguments",
    "InvocationError",
    "Outcome",
    "RegistrationError",
    "Registry",
    "Tool",
    "ToolAnnotations",
    "ToolContext",
    "ToolError",
    "ToolFailed",
    "ToolNotFound",
    "ToolTimeout",
    "UnsupportedEvent",
    "__version__",
    "create_app",
    "lambda_handler",
    "run_sync",
    "syncify",
]
