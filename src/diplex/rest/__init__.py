"""The REST surface: ``POST /tools/{name}`` per tool, as a FastAPI router or a whole app.

``exchange`` reads a REST call and renders its outcome without any HTTP framework (the Lambda
handler uses it directly); ``app`` frames it as FastAPI routes. FastAPI is imported only when a
router or an app is built, so ``diplex.rest.exchange`` stays cheap to import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .exchange import DEFAULT_MAX_BODY_SIZE, RestEndpoint

if TYPE_CHECKING:
    from fastapi import APIRouter, FastAPI

    from diplex.registry import Registry

__all__ = ["DEFAULT_MAX_BODY_SIZE", "RestEndpoint", "create_app", "create_router"]


def create_router(registry: Registry, prefix: str = "/tools", **options: Any) -> APIRouter:
    """A FastAPI ``APIRouter`` serving every tool at ``POST {prefix}/{name}``; see ``app.create_router``."""
    from .app import create_router

    return create_router(registry, prefix, **options)


def create_app(registry: Registry, **options: Any) -> FastAPI:
    """A FastAPI app serving the tools, ``/health``, ``/docs`` and (when installed) ``/mcp``;
    see ``app.create_app``."""
    from .app import create_app

    return create_app(registry, **options)
