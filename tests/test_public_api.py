"""The public API is deliberate: ``diplex.__all__`` changes only on purpose."""

from __future__ import annotations

import inspect

import diplex
from tests.conftest import run_isolated

EXPECTED = {
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
}


def test_all_is_exactly_the_public_api() -> None:
    assert set(diplex.__all__) == EXPECTED
    assert sorted(diplex.__all__) == diplex.__all__


def test_every_exported_name_exists_and_public_names_are_exported() -> None:
    for name in diplex.__all__:
        assert hasattr(diplex, name), name
    public = {n for n in vars(diplex) if not n.startswith("_")}
    modules = {n for n, v in vars(diplex).items() if type(v).__name__ == "module"}
    assert public - modules <= set(diplex.__all__)


def test_exported_classes_claim_the_package_as_home() -> None:
    for name in diplex.__all__:
        value = getattr(diplex, name)
        if isinstance(value, type) or inspect.isfunction(value):
            assert value.__module__.startswith("diplex."), (name, value.__module__)


def test_importing_diplex_is_light() -> None:
    out = run_isolated(
        """
        import sys
        import diplex
        heavy = ["fastapi", "starlette", "mangum", "uvicorn", "mcp", "mcp_types", "httpx", "anyio"]
        print([m for m in heavy if m in sys.modules])
        """
    )
    assert out.strip() == "[]"
