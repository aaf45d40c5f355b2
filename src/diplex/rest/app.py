"""The FastAPI framing of the REST surface: a router of the tools, and a whole app around it.

Each route hands the raw request to :class:`~diplex.rest.exchange.RestEndpoint` (the one
function that reads a REST call and renders its outcome) and frames the answer; FastAPI parses
and validates nothing itself, so arguments are validated once, by the invoker. The OpenAPI
document describes each tool from its own schemas (``openapi.py``).

Routes, in matching order (Starlette tries routes in order; a later full match beats an earlier
path-only match, which is why ``POST {prefix}/unknown`` answers 404, not 405):

    GET  {prefix}          the tools, with their schemas and annotations
    GET  {prefix}/{name}   one tool
    POST {prefix}/{name}   a call of any tool by name (tools registered later too; 404 for unknown)
    *    {prefix}/{name}   405, allowing GET and POST
    POST {prefix}/{tool}   one route per tool registered when the router is built, and its
    GET  {prefix}/{tool}   description: they answer the same as the routes by name, which match
                           first (so routing takes the same few steps for 2 tools or 1,000);
                           they are there to document each tool with its own schemas

In an app made by ``create_app`` these come before FastAPI's documentation routes (when the
prefix is not empty, so that the two cannot overlap), and MCP before all of them.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import fastapi.routing
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.routing import APIRoute
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from diplex.registry import Registry
from diplex.wire import HttpResponse, dumps

from . import telemetry
from .exchange import DEFAULT_MAX_BODY_SIZE, RestEndpoint, error_response
from .listing import describe_tool
from .openapi import (
    ERROR_RESPONSES,
    NAME_PARAMETER,
    ErrorResponse,
    ToolDescription,
    ToolList,
    generic_operation,
    tool_operation,
)

__all__ = ["create_app", "create_router"]

Endpoint = Callable[[Request], Awaitable[Response]]
_OTHER_METHODS = ["PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]  # HEAD goes with GET


def create_router(
    registry: Registry,
    prefix: str = "/tools",
    *,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    timeout: float | None = None,
) -> APIRouter:
    """A FastAPI ``APIRouter`` serving every tool of ``registry`` at ``POST {prefix}/{name}``.

    Include it in any FastAPI app (``app.include_router(router)``, with a further prefix if
    wanted). ``max_body_size`` bounds a request body in bytes (413 past it); ``timeout`` bounds
    each call in seconds (504 past it). Building the router builds every tool's schemas.
    """
    router = APIRouter()
    _add_tool_routes(router, registry, prefix, max_body_size, timeout)
    return router


class _DirectRoute(APIRoute):
    """A route whose endpoint is called with the request as it is, when nothing is to be solved first.

    The tool-call endpoints take the bare ``Request`` and read it themselves, so FastAPI's
    request handler has work only for dependencies declared around the route
    (``FastAPI(dependencies=...)``, ``include_router(..., dependencies=...)``); with none, the
    endpoint is the handler. Where FastAPI builds the handler of an included copy of the route
    (``_effective_route_context_var``, FastAPI >= 0.160), its own handler is kept.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        included = getattr(fastapi.routing, "_effective_route_context_var", None)
        if self.dependant.dependencies or (included is not None and included.get() is not None):
            return super().get_route_handler()
        return self.endpoint


def _add_tool_routes(
    router: APIRouter, registry: Registry, prefix: str, max_body_size: int, timeout: float | None
) -> None:
    if prefix and (not prefix.startswith("/") or prefix.endswith("/")):
        raise ValueError(f"prefix must start with '/' and not end with one (or be ''), not {prefix!r}")
    endpoint = RestEndpoint(registry.tools, max_body_size=max_body_size, timeout=timeout)

    async def list_tools(request: Request) -> Response:
        return _json(200, {"tools": [describe_tool(tool) for tool in registry]})

    async def show_tool(request: Request) -> Response:
        return _show(registry, request.path_params["name"])

    async def call_any_tool(request: Request) -> Response:
        return await _answer(endpoint, request.path_params["name"], request)

    router.add_api_route(
        prefix or "/",
        list_tools,
        methods=["GET"],
        operation_id="diplex:list_tools",
        summary="List the tools",
        responses={200: {"model": ToolList, "description": "Every tool, in registration order."}},
    )
    router.add_api_route(
        f"{prefix}/{{name}}",
        show_tool,
        methods=["GET"],
        operation_id="diplex:show_tool",
        summary="Describe one tool",
        responses={
            200: {"model": ToolDescription, "description": "The tool."},
            404: {"model": ErrorResponse, "description": "No tool of this name."},
        },
        openapi_extra={"parameters": [NAME_PARAMETER]},
    )
    router.add_api_route(
        f"{prefix}/{{name}}",
        call_any_tool,
        methods=["POST"],
        operation_id="diplex:call_tool",
        summary="Call a tool by name",
        description="Any tool, including those registered after the app was built. "
        "Each tool known when the app was built also has its own route, with its schemas.",
        responses=dict(ERROR_RESPONSES),
        openapi_extra=generic_operation(),
        route_class_override=_DirectRoute,
    )
    # Other methods on {prefix}/{name}: 405 naming both methods the path serves. (Without
    # this, the first route matching the path alone answers, with only its own method.)
    router.add_route(f"{prefix}/{{name}}", _wrong_method, methods=_OTHER_METHODS, include_in_schema=False)
    # Then one documented route per tool. The routes by name above match first and answer the
    # same, so a call is routed in a constant number of steps however many tools there are;
    # these give each tool its own operation, with its schemas, in the OpenAPI document.
    for tool in registry:
        router.add_api_route(
            f"{prefix}/{tool.name}",
            _call_route(endpoint, tool.name),
            methods=["POST"],
            operation_id=tool.name,
            summary=tool.title or tool.name,
            description=tool.description or "",
            tags=list(tool.tags) or None,
            responses=dict(ERROR_RESPONSES),
            openapi_extra=tool_operation(tool),
            route_class_override=_DirectRoute,
        )
        router.add_api_route(
            f"{prefix}/{tool.name}",
            _show_route(registry, tool.name),
            methods=["GET"],
            operation_id=f"describe:{tool.name}",
            summary=f"Describe {tool.name}",
            tags=list(tool.tags) or None,
            responses={200: {"model": ToolDescription, "description": "The tool."}},
        )


def create_app(
    registry: Registry,
    *,
    prefix: str = "/tools",
    mcp: bool = True,
    health_path: str | None = "/health",
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    timeout: float | None = None,
    **fastapi_options: Any,
) -> FastAPI:
    """A FastAPI app: the tools' router, a health route, OpenAPI at ``/openapi.json``, ``/docs``,
    and MCP at ``/mcp`` when ``mcp`` is true and diplex's MCP surface is installed.

    ``fastapi_options`` go to ``FastAPI(...)`` (``lifespan``, ``docs_url``, ...); ``title``,
    ``version`` and ``description`` default to the registry's name, version and instructions.
    """
    fastapi_options.setdefault("title", registry.name)
    fastapi_options.setdefault("version", registry.version)
    if registry.instructions:
        fastapi_options.setdefault("description", registry.instructions)
    app = _App(**fastapi_options)
    app.telemetry_on = telemetry.lighten(app)  # FastAPI's per-request OpenTelemetry check, for less
    if mcp and importlib.util.find_spec("diplex.mcp") is not None:
        # Exact routes, not a mount (a mount answers POST /mcp with a redirect to /mcp/), and
        # first: Starlette tries routes in order.
        app.diplex_mcp = registry.mcp_app()
        for path in reversed(_MCP_PATHS):
            app.router.routes.insert(0, Route(path, endpoint=app.diplex_mcp, include_in_schema=False))
    routes = app.router.routes
    before = len(routes)
    if health_path is not None:  # before the tools: with no prefix, GET /{name} would take it

        async def health(request: Request) -> Response:
            status = {
                "status": "ok",
                "name": registry.name,
                "version": registry.version,
                "tools": len(registry),
            }
            return _json(200, status)

        app.add_api_route(
            health_path,
            health,
            methods=["GET"],
            operation_id="diplex:health",
            summary="Health check",
            responses={200: {"description": "The server is up."}},
        )
    # The tools' routes go on the app's own router: an included router is one more level of
    # matching on every request.
    _add_tool_routes(app.router, registry, prefix, max_body_size, timeout)
    if prefix:
        # They cannot overlap FastAPI's documentation routes then: ahead of those, after MCP.
        added = routes[before:]
        del routes[before:]
        first = len(_MCP_PATHS) if app.diplex_mcp is not None else 0
        routes[first:first] = added
    app.add_exception_handler(Exception, _internal_error)
    app.state.diplex_registry = registry
    app.state.diplex_tools_prefix = prefix
    return app


_MCP_PATHS = ("/mcp", "/mcp/")


class _App(FastAPI):
    """FastAPI, answering MCP ahead of its middleware when there is none of the user's.

    An MCP request passes through FastAPI's own middleware (error pages, exception telemetry,
    body limit) and the route table for nothing: the MCP app answers every request itself and
    never raises. So while the app has no middleware of the user's (CORS, authentication, ...)
    and no app-wide body limit, ``/mcp`` goes straight to the MCP app; otherwise through the
    whole stack, like any route. (Mounted under a path, the app sees ``{mount}/mcp`` and
    routes it as usual.)
    """

    diplex_mcp: ASGIApp | None = None
    _mcp_first: ASGIApp | None = None  # diplex_mcp, once the stack is built without middleware
    telemetry_on: Callable[[], bool]  # whether FastAPI records this request (telemetry.lighten)

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        self._mcp_first = None  # (a stack rebuilt with middleware must not keep the short way)
        if (
            self.diplex_mcp is None
            or self.user_middleware
            or getattr(self, "max_body_size", None) is not None
        ):
            return stack
        self._mcp_first = self.diplex_mcp
        return _McpFirst(self.diplex_mcp, stack)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # When FastAPI and Starlette would only pass an MCP request down to _McpFirst (no root
        # path to set, no telemetry to record), it goes there directly: three calls fewer.
        mcp = self._mcp_first
        if (
            mcp is not None
            and scope["type"] == "http"
            and scope["path"] in _MCP_PATHS
            and not self.root_path
            and not self.telemetry_on()
        ):
            scope["app"] = self
            await mcp(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


class _McpFirst:
    def __init__(self, mcp: ASGIApp, app: ASGIApp) -> None:
        self.mcp = mcp
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in _MCP_PATHS:
            await self.mcp(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _call_route(endpoint: RestEndpoint, name: str) -> Endpoint:
    async def call_tool(request: Request) -> Response:
        return await _answer(endpoint, name, request)

    call_tool.__name__ = call_tool.__qualname__ = f"call_{name}"
    return call_tool


async def _answer(endpoint: RestEndpoint, name: str, request: Request) -> Response:
    content_type = request.headers.get("content-type")
    refused = endpoint.refuse(name, content_type, _declared_length(request))
    if refused is not None:
        return _framed(refused)
    body = await _read_body(request, endpoint.max_body_size)
    return _framed(await endpoint.call_async(name, content_type, body, endpoint.context()))


async def _wrong_method(request: Request) -> Response:
    response = _framed(error_response(405, "Method Not Allowed"))
    response.headers["allow"] = "GET, POST"
    return response


def _show_route(registry: Registry, name: str) -> Endpoint:
    async def show_tool(request: Request) -> Response:
        return _show(registry, name)

    show_tool.__name__ = show_tool.__qualname__ = f"describe_{name}"
    return show_tool


def _show(registry: Registry, name: str) -> Response:
    tool = registry.get(name)
    if tool is None:
        return _framed(error_response(404, f"unknown tool {name!r}"))
    return _json(200, describe_tool(tool))


def _declared_length(request: Request) -> int:
    try:
        return int(request.headers.get("content-length") or 0)
    except ValueError:
        return 0  # the body is measured as it is read


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, read no further than one byte past ``limit`` (enough to answer 413)."""
    chunks: list[bytes] = []
    size = 0
    async with contextlib.aclosing(request.stream()) as stream:
        async for chunk in stream:
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                break
    return b"".join(chunks)


def _framed(response: HttpResponse) -> Response:
    return Response(response.body, response.status, headers=dict(response.headers))


def _json(status: int, value: Any) -> Response:
    return Response(dumps(value), status, media_type="application/json")


async def _internal_error(request: Request, exc: Exception) -> Response:
    # Reached only through a bug or a user's own route: a JSON 500, never a traceback.
    return _framed(error_response(500, "internal error"))
