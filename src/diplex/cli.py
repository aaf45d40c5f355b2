"""The ``diplex`` command: serve, stdio, local.

Each subcommand loads a ``module:attribute`` target (a Registry, or an ASGI app for serve) and
hands it to the surface that serves it. A bad target exits with status 2 and a message.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from .registry import Registry

__all__ = ["load_target", "main"]


class TargetError(Exception):
    """A ``module:attribute`` target that cannot be loaded; the message says why."""


def load_target(spec: str) -> Any:
    """Import ``module:attribute`` (attribute may be dotted) and return the object."""
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise TargetError(f"expected module:attribute (for example examples.tools:registry), not {spec!r}")
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())  # like `python -m`: the current directory is importable
    try:
        target: Any = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise TargetError(f"cannot import module {module_name!r}: {exc}") from exc
        raise
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise TargetError(f"module {module_name!r} has no attribute {attribute!r}") from None
    return target


def load_registry(spec: str) -> Registry:
    target = load_target(spec)
    if not isinstance(target, Registry):
        raise TargetError(f"{spec} is a {type(target).__name__}, not a diplex.Registry")
    return target


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="diplex", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve a registry (or an app) over REST and MCP with uvicorn")
    serve.add_argument("target", help="module:registry or module:app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--reload", action="store_true", help="restart when the code changes")

    stdio = commands.add_parser("stdio", help="serve a registry as MCP over stdin/stdout")
    stdio.add_argument("target", help="module:registry")

    local = commands.add_parser(
        "local", help="run a registry (or a handler) as a Lambda function locally, through awslambdaric"
    )
    local.add_argument("target", help="module:registry or module:handler")
    local.add_argument("--host", default="127.0.0.1")
    local.add_argument("--port", type=int, default=3000)
    local.add_argument(
        "--event-format", default="http-v2", choices=["http-v2", "rest-v1", "alb", "function-url"],
        help="the event shape each request becomes (default: HTTP API payload 2.0)",
    )  # fmt: skip
    local.add_argument("--cold", action="store_true", help="a fresh cold start for every request")
    local.add_argument("--timeout", type=float, default=30.0, help="the function timeout in seconds")
    local.add_argument(
        "--memory", type=int, default=512, help="the memory size (MB) reported to the function"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            from .serve import serve

            return int(serve(args.target, host=args.host, port=args.port, reload=args.reload))
        if args.command == "stdio":
            registry = load_registry(args.target)
            from .mcp.stdio import serve_stdio

            return int(serve_stdio(registry))
        if args.command == "local":
            from .aws.local import serve_local

            return int(
                serve_local(
                    args.target,
                    host=args.host,
                    port=args.port,
                    event_format=args.event_format,
                    cold=args.cold,
                    timeout=args.timeout,
                    memory=args.memory,
                )
            )
    except TargetError as exc:
        print(f"diplex {args.command}: {exc}", file=sys.stderr)
        return 2
    raise AssertionError(f"unhandled command {args.command!r}")  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
