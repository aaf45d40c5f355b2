"""A handler that records SIGTERM: the emulator sends it when it shuts the runtime down."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    Path(os.environ["DIPLEX_TEST_SIGTERM_FILE"]).write_text("terminated", encoding="utf-8")
    sys.exit(0)


signal.signal(signal.SIGTERM, _on_sigterm)


def handler(event: Any, context: Any) -> int:
    return os.getpid()
