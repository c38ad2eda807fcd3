"""A tiny run of the latency sweep (bench/sweep.sh) so it cannot rot: tiny sizes, no timing
asserted; and its block of RESULTS.md survives a run of bench/run.sh."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH_DIR))

from intercom_bench import sweep_cli  # noqa: E402
from intercom_bench.sweep_report import splice, sweep_block  # noqa: E402

BLOCK = "<!-- sweep:start -->\n## Latency sweep\nnumbers\n<!-- sweep:end -->"


def test_the_sweep_block_is_replaced_or_appended_and_the_rest_kept() -> None:
    results = "# Benchmark results\n\n## Loading\nrows\n"

    first = splice(results, BLOCK)
    again = splice(first, BLOCK.replace("numbers", "newer numbers"))

    assert first.startswith(results.rstrip())
    assert sweep_block(first) == BLOCK
    assert again.count("<!-- sweep:start -->") == 1
    assert "newer numbers" in sweep_block(again)
    assert again.startswith(results.rstrip())


@pytest.mark.slow
def test_one_command_writes_the_sweep_block(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Loading\nkept as it was\n")
    args = [
        "--no-peers",
        "--latencies=5",
        "--limits=10000",
        "--seconds=1",
        "--ceiling-seconds=1",
        "--workspace-scale=0.01",
        "--workspace-latency-ms=5",
        f"--work-dir={tmp_path / 'work'}",
        f"--results={results}",
    ]

    assert sweep_cli.main(args) == 0

    text = results.read_text()
    assert "kept as it was" in text
    block = sweep_block(text)
    for heading in ("### The fake's own ceiling", "### Latency sweep", "### Whole workspace"):
        assert heading in block
    summary = block.split("<!-- sweep-summary:start -->")[1].split("<!-- sweep-summary:end -->")[0]
    goals = [line for line in summary.splitlines() if line.startswith("- Goal")]
    assert len(goals) == 3
    raw = json.loads((tmp_path / "SWEEP.json").read_text())
    assert len(raw["runs"]) == 1
    assert all(run["missing"] == run["unexpected"] == run["duplicates"] == 0 for run in raw["runs"])
    assert raw["workspace"][0]["measured"]["exit_code"] == 0
    assert raw["workspace"][0]["needed"] > 0
