"""What the benchmark ran on."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def load_average() -> str:
    """The 1/5/15-minute load averages: other work on the machine shows here."""
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def describe_machine() -> dict[str, str]:
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu_model(),
        "memory": f"{memory_gib():.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python (ours)": platform.python_version(),
        "load average at start (1/5/15 min)": load_average(),
    }
