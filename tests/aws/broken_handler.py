"""A handler module that cannot be imported: Lambda reports it through /runtime/init/error."""

from __future__ import annotations

import importlib
from typing import Any

importlib.import_module("diplex_tests_no_such_module")


def handler(event: Any, context: Any) -> Any:  # pragma: no cover - never reached
    return event
