"""The ``diplex`` command: serve, stdio, local, check.

Each subcommand loads a ``module:attribute`` target (a Registry, or an ASGI app for serve) and
hands it to the surface that serves it. A bad target exits with status 2 and a message.
"""

from __future__ import annotations

import argparse
import importlib
import logging
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

    check = commands.add_parser(
        "check",
        help="prove every surface (REST, MCP, Lambda events, direct calls) gives the same answers",
        description="Send each tool's examples and generated arguments (valid and invalid) through "
        "every surface and compare the answers. Exit status: 0 all agree, 1 a difference, 2 a usage error.",
    )
    check.add_argument("target", help="module:registry")
    check.add_argument("--examples", type=_count, default=20, metavar="N",
                       help="generated argument sets per tool (default 20)")  # fmt: skip
    check.add_argument("--seed", type=int, default=0, metavar="S", help="the generation seed (default 0)")
    check.add_argument("--json", metavar="PATH", help="also write a machine-readable report to PATH")
    check.add_argument("--url", help="also check a running deployment: REST at URL/tools, MCP at URL/mcp")
    check.add_argument("--surfaces", nargs="+", metavar="SURFACE",
                       help="the surfaces to compare (default: every in-process one, and the url ones "
                       "with --url)")  # fmt: skip
    check.add_argument("--invalid", type=_names, metavar="KINDS",
                       help="comma-separated kinds of invalid arguments to generate: missing, unknown, "
                       "wrong_type, not_object (default: all), or 'none'")  # fmt: skip
    check.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    return parser


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _names(text: str) -> list[str]:
    return [] if text == "none" else [name.strip() for name in text.split(",") if name.strip()]


def _check(args: argparse.Namespace) -> int:
    registry = load_registry(args.target)
    from .testing import CheckError, check

    options: dict[str, Any] = {"examples": args.examples, "seed": args.seed, "url": args.url}
    if args.surfaces is not None:
        options["surfaces"] = args.surfaces
    if args.invalid is not None:
        options["invalid"] = args.invalid
    # Tools that crash on purpose log a traceback per call and surface; with no logging set up,
    # Python would print each one to stderr. The report already says which cases failed how.
    logging.getLogger("diplex").addHandler(logging.NullHandler())
    try:
        report = check(registry, progress=None if not args.no_progress else False, **options)
    except CheckError as exc:
        print(f"diplex check: {exc}", file=sys.stderr)
        return 2
    print(report.render())
    if args.json:
        report.write_json(args.json)
    return 0 if report.ok else 1


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
        if args.command == "check":
            return _check(args)
    except TargetError as exc:
        print(f"diplex {args.command}: {exc}", file=sys.stderr)
        return 2
    raise AssertionError(f"unhandled command {args.command!r}")  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
