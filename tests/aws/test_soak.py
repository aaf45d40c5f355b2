"""Warm-container soak: one process, 5,000 mixed invocations, zero errors, one loop, flat memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def test_five_thousand_mixed_warm_invocations() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-W", "error", "-m", "tests.aws.soak", "5000"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["errors"] == []
    assert report["loops"] == 1  # one loop identity throughout, sync and async paths alike
    assert sum(report["counts"].values()) == 5000
    assert min(report["counts"].values()) >= 5
    assert report["growth_kb"] <= 2048, report
