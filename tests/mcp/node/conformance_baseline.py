"""Which conformance scenarios diplex may fail (or warn on) today, each with its reason.

Everything else the suite runs must pass: tools, the transport, headers, errors, caching of
``tools/list``, DNS rebinding. The lists must stay honest both ways: ``test_conformance.py``
fails when a scenario not listed here fails, AND when a listed one no longer fails (remove it
then). A key is a scenario name (every check of it may fail, except ``wire-schema-valid``: what
diplex sends must match the schema even where it lacks the feature) or ``scenario:check-id``
(only that check may fail).

``python -m tests.mcp.node.conformance_baseline`` prints the lists as Markdown for the README.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

__all__ = ["ALWAYS_REQUIRED_CHECKS", "BASELINES", "CONFORMANCE_VERSION", "Baseline", "markdown"]

CONFORMANCE_VERSION = "0.2.0-alpha.12"

# Checks that must pass in every scenario, even in one allowed to fail.
ALWAYS_REQUIRED_CHECKS = frozenset({"wire-schema-valid"})

CONTENT_BLOCKS = (
    "diplex tools return JSON values (a text block plus structuredContent); image, audio and "
    "embedded-resource content blocks cannot be expressed yet"
)
RESOURCES = (
    "needs resources (resources/list, resources/read, templates), not built yet: diplex answers -32601"
)
SUBSCRIPTIONS = "needs resource subscriptions, not built yet: diplex answers -32601"
PROMPTS = "needs prompts (prompts/list, prompts/get), not built yet: diplex answers -32601"
COMPLETIONS = "needs completion/complete (and a prompt to complete), not built yet"
LOGGING = "needs logging/setLevel and notifications/message to the client, not built"
SAMPLING_ELICITATION = (
    "needs a server-to-client request (sampling or elicitation) during a call: diplex's handshake "
    "era is stateless (no session, no back-channel) and tools have no API for it"
)
MRTR = (
    "needs input_required results (multi round-trip requests: elicitation, sampling, roots through "
    "inputRequests/requestState), not built"
)
TASKS = "needs the io.modelcontextprotocol/tasks extension, not built (not scored by the suite)"
RAW_SCHEMA = (
    "needs a tool whose input schema has $schema, allOf/anyOf and if/then/else at its top level; "
    "diplex derives input schemas from signatures and cannot publish such a schema (not scored)"
)
CLIENT_CAPABILITY = (
    "needs a tool that requires an undeclared client capability (sampling) to be refused with "
    "-32021; diplex tools cannot declare one, so test_missing_capability is not defined"
)
NO_SESSION = (
    "diplex never mints Mcp-Session-Id (stateless by design, so any instance or Lambda container "
    "can answer); the suite only warns"
)
NO_RESOURCE_READ = "resources/read is not built: an unknown URI gets -32601, not -32602 with data.uri"
MRTR_FIXTURE = "the MRTR fixture tools are not defined (no input_required results), so the probe gets -32602"


@dataclasses.dataclass(frozen=True)
class Baseline:
    """Allowed failures and warnings for one ``--requirements`` revision."""

    failures: Mapping[str, str]
    warnings: Mapping[str, str]


BASELINES: dict[str, Baseline] = {
    "2026-07-28": Baseline(
        failures={
            "tools-call-image": CONTENT_BLOCKS,
            "tools-call-audio": CONTENT_BLOCKS,
            "tools-call-embedded-resource": CONTENT_BLOCKS,
            "tools-call-mixed-content": CONTENT_BLOCKS,
            "server-stateless:sep-2575-server-rejects-undeclared-capability": CLIENT_CAPABILITY,
            "server-stateless:sep-2575-missing-capability-http-400": CLIENT_CAPABILITY,
            "caching:sep-2549-prompts-list-caching-hints": PROMPTS,
            "caching:sep-2549-resources-list-caching-hints": RESOURCES,
            "caching:sep-2549-resources-templates-list-caching-hints": RESOURCES,
            "completion-complete": COMPLETIONS,
            "resources-list": RESOURCES,
            "resources-read-text": RESOURCES,
            "resources-read-binary": RESOURCES,
            "resources-templates-read": RESOURCES,
            "prompts-list": PROMPTS,
            "prompts-get-simple": PROMPTS,
            "prompts-get-with-args": PROMPTS,
            "prompts-get-embedded-resource": PROMPTS,
            "prompts-get-with-image": PROMPTS,
            "input-required-result-basic-elicitation": MRTR,
            "input-required-result-basic-sampling": MRTR,
            "input-required-result-basic-list-roots": MRTR,
            "input-required-result-request-state": MRTR,
            "input-required-result-multiple-input-requests": MRTR,
            "input-required-result-multi-round": MRTR,
            "input-required-result-non-tool-request": MRTR,
            "input-required-result-result-type": MRTR,
            "input-required-result-tampered-state": MRTR,
            "input-required-result-capability-check": MRTR,
            "tasks-lifecycle": TASKS,
            "tasks-capability-negotiation": TASKS,
            "tasks-wire-fields": TASKS,
            "tasks-request-state-removal": TASKS,
            "tasks-mrtr-input": TASKS,
            "tasks-request-headers": TASKS,
            "tasks-dispatch-and-envelope": TASKS,
            "tasks-required-task-error": TASKS,
            "tasks-mrtr-composition": TASKS,
            "json-schema-2020-12": RAW_SCHEMA,
        },
        warnings={
            "sep-2164-resource-not-found:sep-2164-error-code": NO_RESOURCE_READ,
            "sep-2164-resource-not-found:sep-2164-data-uri": NO_RESOURCE_READ,
            "input-required-result-ignore-extra-params:sep-2322-ignore-unexpected-params": MRTR_FIXTURE,
            "input-required-result-missing-input-response:sep-2322-missing-response-rerequests": MRTR_FIXTURE,
        },
    ),
    "2025-11-25": Baseline(
        failures={
            "tools-call-image": CONTENT_BLOCKS,
            "tools-call-audio": CONTENT_BLOCKS,
            "tools-call-embedded-resource": CONTENT_BLOCKS,
            "tools-call-mixed-content": CONTENT_BLOCKS,
            "tools-call-with-logging": LOGGING,
            "logging-set-level": LOGGING,
            "tools-call-sampling": SAMPLING_ELICITATION,
            "tools-call-elicitation": SAMPLING_ELICITATION,
            "elicitation-sep1034-defaults": SAMPLING_ELICITATION,
            "elicitation-sep1330-enums": SAMPLING_ELICITATION,
            "completion-complete": COMPLETIONS,
            "resources-list": RESOURCES,
            "resources-read-text": RESOURCES,
            "resources-read-binary": RESOURCES,
            "resources-templates-read": RESOURCES,
            "resources-subscribe": SUBSCRIPTIONS,
            "resources-unsubscribe": SUBSCRIPTIONS,
            "prompts-list": PROMPTS,
            "prompts-get-simple": PROMPTS,
            "prompts-get-with-args": PROMPTS,
            "prompts-get-embedded-resource": PROMPTS,
            "prompts-get-with-image": PROMPTS,
            "json-schema-2020-12": RAW_SCHEMA,
        },
        warnings={
            "server-sse-multiple-streams:server-sse-multiple-streams-session": NO_SESSION,
            "server-sse-polling:server-sse-polling-session": NO_SESSION,
        },
    ),
}


def markdown() -> str:
    """The baselines as the README's table of scenarios left failing, grouped by reason."""
    revisions = list(BASELINES)
    rows: dict[str, dict[str, list[str]]] = {}  # reason -> revision -> keys, in order of appearance
    for revision, baseline in BASELINES.items():
        for key, reason in baseline.failures.items():
            rows.setdefault(reason, {}).setdefault(revision, []).append(f"`{key}`")
        for key, reason in baseline.warnings.items():
            rows.setdefault(reason, {}).setdefault(revision, []).append(f"`{key}` (warning)")
    lines = [
        f"| why | {' | '.join(f'`--requirements {r}`' for r in revisions)} |",
        "|---" * (len(revisions) + 1) + "|",
    ]
    for reason, by_revision in rows.items():
        cells = [", ".join(by_revision.get(r, [])) or "-" for r in revisions]
        lines.append(f"| {reason} | {' | '.join(cells)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
