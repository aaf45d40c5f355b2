"""FastAPI's per-request question "is OpenTelemetry configured?", answered for less.

FastAPI (0.16x) asks it of every request, before the app sees it: for traces, metrics and logs
it fetches OpenTelemetry's global provider, and while none is set each fetch looks its
``OTEL_PYTHON_*_PROVIDER`` variable up in ``os.environ``, a miss that raises and catches
``KeyError`` twice. The three cost about 2.4 us a request, and some 6 us under load: a third
of what diplex spends answering an MCP call.

:func:`lighten` gives the app the same answer without the misses. The answer can only turn
from no to yes (OpenTelemetry's providers are set once and never unset, and FastAPI's settings
are fixed), so a yes is kept; a no is given at once while no provider is set and none of the
three variables exists, looked up in ``os.environ``'s own dictionary; in every other case
FastAPI's own check decides. An app given a provider of its own (``telemetry=``), or a FastAPI
or OpenTelemetry that lacks what this reads, keeps FastAPI's check unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

__all__ = ["lighten"]

_VARIABLES = ("OTEL_PYTHON_TRACER_PROVIDER", "OTEL_PYTHON_METER_PROVIDER", "OTEL_PYTHON_LOGGER_PROVIDER")
_CONFIGURED = ("tracer_provider", "meter_provider", "logger_provider")  # FastAPI's own settings


def lighten(app: Any) -> Callable[[], bool]:
    """Replace ``app``'s telemetry check by the cheaper one where it can; return the check the
    app now makes. Where FastAPI's check cannot be read (an older FastAPI has none; a newer one
    may keep it elsewhere), the answer is always yes: the request takes FastAPI's whole way."""
    native: Any = getattr(app, "_native_telemetry", None)
    check: Callable[[], bool] | None = getattr(native, "enabled", None)
    if not callable(check):
        return _maybe
    config = getattr(native, "config", None)
    unset = _provider_unset()
    if not isinstance(config, dict) or any(config.get(key) for key in _CONFIGURED) or unset is None:
        return check  # (a provider given to FastAPI itself: its check answers at once)
    known = False

    def enabled() -> bool:
        nonlocal known
        if known:
            return True
        if unset():
            return False
        known = check()
        return known

    try:
        native.enabled = enabled
    except (AttributeError, TypeError):  # (slots, or a read-only attribute)
        return check
    return enabled


def _maybe() -> bool:
    return True


def _provider_unset() -> Callable[[], bool] | None:
    """A function telling, in a few lookups, that OpenTelemetry has no provider set or named;
    None when OpenTelemetry (or ``os.environ``) does not keep them where this looks."""
    try:
        from opentelemetry import trace
        from opentelemetry._logs import _internal as logs
        from opentelemetry.metrics import _internal as metrics
    except ImportError:
        return None
    environ: Any = getattr(os.environ, "_data", None)
    encode: Any = getattr(os.environ, "encodekey", None)
    if not (
        isinstance(environ, dict)
        and callable(encode)
        and hasattr(trace, "_TRACER_PROVIDER")
        and hasattr(metrics, "_METER_PROVIDER")
        and hasattr(logs, "_LOGGER_PROVIDER")
    ):
        return None
    tracer_variable, meter_variable, logger_variable = (encode(name) for name in _VARIABLES)

    def unset() -> bool:
        return (
            trace._TRACER_PROVIDER is None
            and metrics._METER_PROVIDER is None
            and logs._LOGGER_PROVIDER is None
            and tracer_variable not in environ
            and meter_variable not in environ
            and logger_variable not in environ
        )

    return unset
