"""The fixture tools the official MCP conformance suite calls, as a diplex registry.

``@modelcontextprotocol/conformance@0.2.0-alpha.12`` (server mode) calls tools with these exact
names; ``tests/mcp/node/test_conformance.py`` serves it with
``python -m tests.mcp.node.launch tests.mcp.conformance_server:registry`` (run from the repo root).

What diplex can express, it does. What it cannot is left out or returned as the nearest JSON,
and the scenarios that therefore fail are listed, with their reasons, in
``tests/mcp/node/conformance_baseline.py``:

* content blocks other than text (image, audio, embedded resource): diplex tools return JSON
  values, rendered as a text block (plus ``structuredContent``). ``test_image_content`` and its
  siblings return the block they would send as a JSON object, so the scenarios run and fail on the
  content type alone;
* server-to-client requests and log notifications (sampling, elicitation, ``notifications/message``):
  ``test_sampling``, ``test_elicitation``, ``test_elicitation_sep1034_defaults``,
  ``test_elicitation_sep1330_enums`` and ``test_tool_with_logging`` are not defined;
* a tool that requires a client capability (-32021): ``test_missing_capability`` is not defined;
  diplex has no way for a tool to declare one;
* MRTR (``input_required`` results) and the tasks extension: the ``test_input_required_result_*``
  and ``test_tool_with_task`` tools are not defined;
* raw JSON Schema: ``json_schema_2020_12_tool`` needs an input schema with ``$schema``, ``allOf``
  and ``if``/``then``/``else`` at its top level, which a signature cannot produce; not defined.

The first tool listed must be one that succeeds when called with no arguments
(``http-header-validation`` calls the first listed tool with ``{}``): ``test_simple_text``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

import diplex

__all__ = ["registry"]

registry = diplex.Registry(
    "diplex-conformance",
    diplex.__version__,
    instructions="The fixture tools of the MCP conformance suite, served by diplex.",
)

# Base64 of a 1x1 PNG and of a WAV file holding one silent 16-bit sample.
PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
WAV_SILENCE = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQIAAAAAAA=="


@registry.tool(read_only=True, idempotent=True)
def test_simple_text() -> str:
    """Return a fixed text (conformance: tools-call-simple-text)."""
    return "This is a simple text response for testing."


@registry.tool(read_only=True, idempotent=True)
def test_image_content() -> dict[str, str]:
    """Return an image (conformance: tools-call-image).

    diplex cannot return an image content block yet: this returns the block as a JSON value.
    """
    return {"type": "image", "data": PNG_1X1, "mimeType": "image/png"}


@registry.tool(read_only=True, idempotent=True)
def test_audio_content() -> dict[str, str]:
    """Return audio (conformance: tools-call-audio).

    diplex cannot return an audio content block yet: this returns the block as a JSON value.
    """
    return {"type": "audio", "data": WAV_SILENCE, "mimeType": "audio/wav"}


@registry.tool(read_only=True, idempotent=True)
def test_embedded_resource() -> dict[str, Any]:
    """Return an embedded resource (conformance: tools-call-embedded-resource).

    diplex cannot return a resource content block yet: this returns the block as a JSON value.
    """
    return {
        "type": "resource",
        "resource": {
            "uri": "test://embedded-resource",
            "mimeType": "text/plain",
            "text": "This is an embedded resource content.",
        },
    }


@registry.tool(read_only=True, idempotent=True)
def test_multiple_content_types() -> list[dict[str, Any]]:
    """Return text, an image and a resource (conformance: tools-call-mixed-content).

    diplex cannot return several content blocks yet: this returns them as a JSON array.
    """
    return [
        {"type": "text", "text": "Multiple content types test:"},
        {"type": "image", "data": PNG_1X1, "mimeType": "image/png"},
        {
            "type": "resource",
            "resource": {
                "uri": "test://mixed-content-resource",
                "mimeType": "application/json",
                "text": '{"test": "data", "value": 123}',
            },
        },
    ]


@registry.tool(read_only=True, idempotent=True)
def test_error_handling() -> str:
    """Always fail with a tool error, an ``isError`` result (conformance: tools-call-error)."""
    raise diplex.ToolError("This tool intentionally returns an error for testing")


@registry.tool(read_only=True, idempotent=True)
async def test_tool_with_progress(ctx: diplex.ToolContext) -> str:
    """Report progress 0, 50 and 100 of 100, then finish (conformance: tools-call-with-progress)."""
    for step in (0, 50, 100):
        await ctx.report_progress(step, 100, f"step {step // 50 + 1} of 3")
    return "Progress test completed."


@registry.tool(read_only=True, idempotent=True)
def test_streaming_elicitation() -> str:
    """Answer with a plain result (conformance: server-stateless).

    The suite checks that a response stream never carries a server-to-client request; diplex
    sends none (it has no elicitation), so a successful result is all this needs to give.
    """
    return "No elicitation needed: diplex never sends requests on a response stream."


@registry.tool(read_only=True, idempotent=True)
def test_logging_tool(ctx: diplex.ToolContext) -> str:
    """Log on the server side only (conformance: server-stateless).

    The suite checks that no ``notifications/message`` reaches a client that set no log level;
    diplex's tool logs go to Python logging, never to the client.
    """
    ctx.logger.info("test_logging_tool called")
    return "Logged on the server only."


@registry.tool(read_only=True, idempotent=True)
def test_custom_header(
    region: Annotated[
        str,
        Field(
            description="Mirrored into the Mcp-Param-Region header.",
            json_schema_extra={"x-mcp-header": "Region"},
        ),
    ],
) -> str:
    """Echo a parameter that a 2026-07-28 client also sends as the header ``Mcp-Param-Region``.

    Conformance: http-custom-header-server-validation (SEP-2243).
    """
    return f"region: {region}"
