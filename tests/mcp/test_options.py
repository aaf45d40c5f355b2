"""Options are checked when the app is built, with errors that name the option."""

from __future__ import annotations

from typing import Any

import pytest

from diplex.mcp import McpOptions, create_mcp_app

from .sample import registry


@pytest.mark.parametrize(
    ("options", "error", "names"),
    [
        ({"page_size": 0}, ValueError, "page_size"),
        ({"page_size": True}, ValueError, "page_size"),
        ({"ttl_ms": -1}, ValueError, "ttl_ms"),
        ({"ttl_ms": 1.5}, ValueError, "ttl_ms"),
        ({"cache_scope": "shared"}, ValueError, "cache_scope"),
        ({"max_body_bytes": 0}, ValueError, "max_body_bytes"),
        ({"allowed_origins": "https://a.example"}, TypeError, "allowed_origins"),
        ({"allowed_origins": ["a.example"]}, ValueError, "scheme://host"),
        ({"allowed_hosts": [""]}, TypeError, "allowed_hosts"),
    ],
)
def test_a_bad_option_is_refused_by_name(options: dict[str, Any], error: type[Exception], names: str) -> None:
    with pytest.raises(error, match=names):
        create_mcp_app(registry, **options)


def test_an_unknown_option_is_refused() -> None:
    with pytest.raises(TypeError, match="page_sise"):
        create_mcp_app(registry, page_sise=3)


def test_options_are_normalised() -> None:
    options = McpOptions.build(allowed_origins=["HTTPS://App.Example/"], allowed_hosts=[" API.example "])
    assert options.allowed_origins == frozenset({"https://app.example"})
    assert options.allowed_hosts == frozenset({"api.example"})
    assert registry.mcp_app(page_size=7).endpoint.options.page_size == 7
