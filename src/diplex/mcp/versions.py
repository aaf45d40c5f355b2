"""The protocol versions diplex speaks, and what each one allows.

Two eras share one endpoint. The *modern* era (2026-07-28) carries its version, identity and
capabilities in every request's ``params._meta``; the *handshake* era (2025-03-26 to
2025-11-25) opens with ``initialize``. diplex serves both statelessly.
"""

from __future__ import annotations

from typing import Final, Literal

__all__ = [
    "CAPABILITIES_KEY",
    "ERROR_KEY",
    "HANDSHAKE_VERSIONS",
    "LATEST_HANDSHAKE",
    "MODERN_VERSIONS",
    "SERVER_INFO_KEY",
    "SUPPORTED_VERSIONS",
    "VERSION_KEY",
    "Structure",
    "allows_batches",
    "structure",
]

MODERN_VERSIONS: Final = ("2026-07-28",)
HANDSHAKE_VERSIONS: Final = ("2025-11-25", "2025-06-18", "2025-03-26")
SUPPORTED_VERSIONS: Final = MODERN_VERSIONS + HANDSHAKE_VERSIONS  # newest first
LATEST_HANDSHAKE: Final = HANDSHAKE_VERSIONS[0]

# Keys of the modern request and result ``_meta`` envelopes, and diplex's own.
VERSION_KEY: Final = "io.modelcontextprotocol/protocolVersion"
CAPABILITIES_KEY: Final = "io.modelcontextprotocol/clientCapabilities"
SERVER_INFO_KEY: Final = "io.modelcontextprotocol/serverInfo"
ERROR_KEY: Final = "dev.diplex/error"  # the invoker's error kind on an isError result

# How a version carries a tool's structured result:
#   "none"   2025-03-26: text content only, no outputSchema
#   "object" 2025-06-18, 2025-11-25: an object; other values are wrapped as {"result": value}
#   "any"    2026-07-28: the value itself, whatever its JSON type
Structure = Literal["none", "object", "any"]

_STRUCTURE: Final[dict[str, Structure]] = {
    "2026-07-28": "any",
    "2025-11-25": "object",
    "2025-06-18": "object",
    "2025-03-26": "none",
}


def structure(version: str) -> Structure:
    return _STRUCTURE[version]


def allows_batches(version: str) -> bool:
    """JSON-RPC batches exist in 2025-03-26 only."""
    return version == "2025-03-26"
