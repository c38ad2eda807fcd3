"""A tiny run of the benchmark harness (bench/) so it cannot rot: tiny sizes, no timing asserted.

The peers' virtualenvs live in bench/.work/ (made by bench/run.sh); the test that needs one is
skipped when it is absent.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH_DIR))

from intercom_bench import cli, extract_bench  # noqa: E402
from intercom_bench.measure import run_measured  # noqa: E402
from intercom_bench.singer_file import write_singer_file  # noqa: E402
from intercom_bench.tools import DEFAULT_WORK_DIR, Tools  # noqa: E402


def read_messages(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_singer_file_is_deterministic_with_states_every_thousand_records(tmp_path: Path) -> None:
    first = write_singer_file(tmp_path / "a.singer", conversations=150)
    second = write_singer_file(tmp_path / "b.singer", conversations=150)

    assert first.path.read_bytes() == second.path.read_bytes()
    messages = read_messages(first.path)
    records = [m for m in messages if m["type"] == "RECORD"]
    states = [m for m in messages if m["type"] == "STATE"]
    assert len(records) == first.records > 1000
    assert first.records_by_stream["conversations"] == 150
    assert [s["value"]["sync"]["complete"] for s in states] == [False] * (len(states) - 1) + [True]
    assert len(states) - 1 == first.records // 1000
    bodies = [m["record"]["body"] for m in records if m["stream"] == "conversation_parts"]
    assert all(200 <= len(body) <= 2000 and body.startswith("<p>") for body in bodies)


def test_measured_run_reports_exit_code_and_the_childs_own_peak_memory(tmp_path: Path) -> None:
    grow = "data = bytearray(80 * 1024 * 1024); data[::4096] = b'x' * len(data[::4096])"
    ours = bytearray(200 * 1024 * 1024)
    ours[::4096] = b"x" * len(ours[::4096])  # a big harness must not inflate a child's peak

    measured = run_measured([sys.executable, "-c", grow + "; raise SystemExit(3)"])
    small = run_measured(["true"])
    missing = run_measured([str(tmp_path / "no-such-program")])

    assert measured.exit_code == 3
    assert 80 <= measured.peak_rss_mb < 150
    assert small.exit_code == 0
    assert small.peak_rss_mb < 20
    assert missing.exit_code == 127
    assert "no-such-program" in missing.stderr_tail


@pytest.mark.slow
def test_one_command_writes_results_for_every_part(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    args = [
        "--no-peers",
        "--repeats=1",
        "--load-conversations=12",
        "--growth-load=6,12",
        "--extract-conversations=6",
        "--paced-conversations=6",
        "--growth-extract=3,6",
        "--latency-ms=5",
        f"--work-dir={tmp_path / 'work'}",
        f"--results={results}",
    ]

    assert cli.main(args) == 0

    text = results.read_text()
    raw = json.loads(results.with_suffix(".json").read_text())
    for heading in ("## Loading", "## Extracting", "## Growth", "### Ratios and goals"):
        assert heading in text
    # The summary the README quotes (scripts/generate_docs.py): every goal, with a verdict.
    summary = text.split("<!-- summary:start -->")[1].split("<!-- summary:end -->")[0]
    goals = [line for line in summary.splitlines() if line.startswith("- Goal")]
    assert len(goals) == 6
    verdicts = ("→ **met**", "→ **not met**", "→ not measured")
    assert all(any(verdict in line for verdict in verdicts) for line in goals), goals
    limit_runs = [run for run in raw["load_runs"] if run["contender"] == "psql limit"]
    assert [run["phase"] for run in limit_runs] == ["first load", "second load"]
    for run in limit_runs:
        assert run["measured"]["exit_code"] == 0
        assert run["rows_after"]["conversations"] == 12
    target_runs = [run for run in raw["load_runs"] if run["contender"] == "target-supabase"]
    assert [run["rows_after"] for run in target_runs] == [limit_runs[0]["rows_after"]] * 2
    ours = [run for run in raw["extract_runs"] if run["contender"] == "tap-intercom"]
    assert {run["scenario"]["label"] for run in ours} == {"fast", "paced"}
    assert all(run["missing"] == run["unexpected"] == run["duplicates"] == 0 for run in ours)
    assert len(raw["growth_extract_runs"]) == 2
    assert len(raw["growth_load_runs"]) == 2


def test_singerio_tap_runs_unmodified_against_the_fake(tmp_path: Path) -> None:
    tools = Tools(DEFAULT_WORK_DIR)
    if not tools.singerio_python:
        pytest.skip("the singer-io tap's virtualenv is absent (bash bench/run.sh makes it)")
    scenario = extract_bench.Scenario("smoke", 4, 1_000, 167, latency_ms=0)

    run = extract_bench.extract_one(extract_bench.singerio_tap(tools), scenario, 1, tmp_path)

    assert run.measured.ok, run.measured.stderr_tail
    assert run.exact
    assert run.requests > 4
