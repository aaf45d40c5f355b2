"""diplex: one registry of Python functions, served as MCP tools and REST endpoints."""

from .context import ToolContext
from .errors import BridgeError, DeadlineExceeded, DiplexError, RegistrationError, ToolError
from .invoke import ErrorKind, Failure, FieldError, Outcome
from .registry import Registry
from .runtime import run_sync, syncify
from .tool import Example, Tool, ToolAnnotations

__version__ = "0.1.0"

__all__ = [
    "BridgeError",
    "DeadlineExceeded",
    "DiplexError",
    "ErrorKind",
    "Example",
    "Failure",
    "FieldError",
    "Outcome",
    "RegistrationError",
    "Registry",
    "Tool",
    "ToolAnnotations",
    "ToolContext",
    "ToolError",
    "__version__",
    "run_sync",
    "syncify",
]
