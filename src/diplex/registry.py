"""``Registry``: the named set of tools that every surface serves."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar, overload

from .context import ToolContext
from .errors import RegistrationError
from .invoke import Outcome, invoke, invoke_async
from .tool import Example, Tool, ToolAnnotations

__all__ = ["Registry"]

F = TypeVar("F", bound=Callable[..., Any])


class Registry:
    """A set of tools with unique names, in registration order.

    ``@registry.tool`` (bare or with options) or ``registry.add(fn, ...)`` registers a function,
    an ``async def`` function or any callable. ``registry.call`` / ``await registry.acall``
    call a tool by name and return an :class:`~diplex.Outcome`.
    """

    def __init__(
        self, name: str = "diplex", version: str = "0.1.0", *, instructions: str | None = None
    ) -> None:
        self.name = name
        self.version = version
        self.instructions = instructions
        self._tools: dict[str, Tool] = {}

    # -- registration ---------------------------------------------------------------------

    def add(
        self,
        fn: Callable[..., Any],
        /,
        *,
        name: str | None = None,
        title: str | None = None,
        description: str | None = None,
        read_only: bool | None = None,
        destructive: bool | None = None,
        idempotent: bool | None = None,
        open_world: bool | None = None,
        tags: Iterable[str] = (),
        examples: Iterable[Example | Mapping[str, Any]] = (),
        timeout: float | None = None,
        inline: bool = False,
        deterministic: bool = True,
    ) -> Tool:
        """Register ``fn`` as a tool and return the :class:`Tool`.

        ``timeout`` (seconds) bounds every call of the tool; ``inline=True`` lets a pure, fast
        sync tool run on the event loop's thread instead of a worker thread;
        ``deterministic=False`` marks a tool whose result varies between calls.
        """
        tool = Tool(
            fn,
            name=name,
            title=title,
            description=description,
            annotations=ToolAnnotations(read_only, destructive, idempotent, open_world),
            tags=tags,
            examples=examples,
            timeout=timeout,
            inline=inline,
            deterministic=deterministic,
        )
        existing = self._tools.get(tool.name)
        if existing is not None:
            raise RegistrationError(
                f"duplicate tool name {tool.name!r}: {_where(fn)} clashes with {_where(existing.fn)}, "
                "registered first; pass name=... to tell them apart"
            )
        self._tools[tool.name] = tool
        return tool

    @overload
    def tool(self, fn: F, /) -> F: ...

    @overload
    def tool(
        self,
        *,
        name: str | None = None,
        title: str | None = None,
        description: str | None = None,
        read_only: bool | None = None,
        destructive: bool | None = None,
        idempotent: bool | None = None,
        open_world: bool | None = None,
        tags: Iterable[str] = (),
        examples: Iterable[Example | Mapping[str, Any]] = (),
        timeout: float | None = None,
        inline: bool = False,
        deterministic: bool = True,
    ) -> Callable[[F], F]: ...

    def tool(self, fn: Callable[..., Any] | None = None, /, **options: Any) -> Any:  # type: ignore[misc]
        """Decorator form of :meth:`add`; returns the function unchanged."""
        if fn is not None:
            self.add(fn, **options)
            return fn

        def register(fn: F) -> F:
            self.add(fn, **options)
            return fn

        return register

    # -- lookup -----------------------------------------------------------------------------

    def get(self, name: str) -> Tool | None:
        return self._tools.get(name)

    def __getitem__(self, name: str) -> Tool:
        return self._tools[name]

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __iter__(self) -> Iterator[Tool]:
        return iter(tuple(self._tools.values()))

    def __len__(self) -> int:
        return len(self._tools)

    @property
    def tools(self) -> Mapping[str, Tool]:
        """Name -> Tool, in registration order (a live, read-only view)."""
        return self._tools

    # -- calling ----------------------------------------------------------------------------

    def call(
        self, name: str, arguments: Mapping[str, Any] | None = None, *, context: ToolContext | None = None
    ) -> Outcome:
        """Call a tool from sync code. Refuses inside a running event loop: use ``acall``."""
        return invoke(self._tools, name, arguments, context)

    async def acall(
        self, name: str, arguments: Mapping[str, Any] | None = None, *, context: ToolContext | None = None
    ) -> Outcome:
        """Call a tool from async code, on the running loop."""
        return await invoke_async(self._tools, name, arguments, context)

    # -- surfaces (imported on demand: the core never imports HTTP code) ---------------------

    def router(self, prefix: str = "/tools", **options: Any) -> Any:
        """A FastAPI ``APIRouter`` serving every tool at ``POST {prefix}/{name}``."""
        from .rest import create_router

        return create_router(self, prefix=prefix, **options)

    def mcp_app(self, **options: Any) -> Any:
        """An ASGI app answering MCP (Streamable HTTP, both eras) at its root."""
        from .mcp import create_mcp_app

        return create_mcp_app(self, **options)

    def __repr__(self) -> str:
        return f"<Registry {self.name!r} v{self.version}: {len(self._tools)} tools>"


def _where(fn: Callable[..., Any]) -> str:
    module = getattr(fn, "__module__", None) or "?"
    qualname = getattr(fn, "__qualname__", None) or type(fn).__qualname__
    return f"{module}.{qualname}"
