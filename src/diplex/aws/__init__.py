"""AWS Lambda: the handler (``lambda_handler``), event shapes, and the local emulator."""

from .handler import LambdaHandler, lambda_handler

__all__ = ["LambdaHandler", "lambda_handler"]
