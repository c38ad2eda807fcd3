"""The fake's own ceiling: how many conversation details a second it serves at a given latency
on this machine, measured with a plain client in another process (loadgen.py) and far more
connections than the latency needs, with no rate limit. The sweep is only a measurement of the
tap where this ceiling is well above the limit being tested."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import dataclass

from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec

from intercom_bench.tools import BENCH_DIR

TOKEN = "ceiling-token"
CONVERSATIONS = 400
# Connections: enough for three times 10,000/min at the latency, so the client is not the limit.
_TARGET_RATE = 3 * 10_000 / 60


@dataclass(frozen=True)
class Ceiling:
    latency_ms: int
    connections: int
    seconds: float
    requests: int
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def connections_for(latency_ms: int) -> int:
    return max(16, math.ceil(_TARGET_RATE * max(latency_ms, 10) / 1000))


def measure_ceiling(latency_ms: int, seconds: float) -> Ceiling:
    spec = WorkspaceSpec(seed=5, conversations=CONVERSATIONS, contacts=40)
    connections = connections_for(latency_ms)
    with FakeIntercom(spec, token=TOKEN, latency_ms=latency_ms) as fake:
        ids = sorted(fake.truth().conversations)
        argv = [sys.executable, "-m", "intercom_bench.loadgen", fake.url, TOKEN]
        found = subprocess.run(
            [*argv, str(connections), str(1 + latency_ms / 1000), str(seconds), *ids],
            capture_output=True,
            text=True,
            check=True,
            cwd=BENCH_DIR,
        )
    result = json.loads(found.stdout)
    return Ceiling(latency_ms, connections, result["seconds"], result["requests"], result["errors"])
