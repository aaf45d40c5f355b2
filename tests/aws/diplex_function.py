"""The example tools as a Lambda function, for the runtime-client tests (``diplex_function.handler``)."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("DIPLEX_EXAMPLE_DB", os.path.join(tempfile.mkdtemp(), "notes.db"))

from examples.tools import registry

import diplex

handler = diplex.lambda_handler(registry)
