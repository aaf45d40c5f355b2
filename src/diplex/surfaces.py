"""The surfaces' entry points, importing each surface only when it is asked for.

``import diplex`` stays light: FastAPI is imported by ``create_app``, the Lambda handler's
modules by ``lambda_handler``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .registry import Registry

if TYPE_CHECKING:
    from .aws.handler import LambdaHandler

__all__ = ["create_app", "lambda_handler"]


def lambda_handler(
    registry: Registry, app: Any = None, surfaces: Any = None, **options: Any
) -> LambdaHandler:
    """A Lambda handler for ``registry``; see :func:`diplex.aws.handler.lambda_handler`."""
    from .aws.handler import lambda_handler as make

    return make(registry, app, surfaces, **options)


def create_app(registry: Registry, **options: Any) -> Any:
    """A FastAPI app serving ``registry`` over REST and MCP; see :func:`diplex.rest.create_app`."""
    from .rest import create_app as make

    return make(registry, **options)
