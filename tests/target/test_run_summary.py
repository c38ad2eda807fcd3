"""The target's log ends with one summary table; NUL characters are counted once per run, never
announced batch by batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from target.support import record, run_process, schema_message, state

TEXT = {"type": ["string", "null"]}


def test_one_summary_table_at_the_end_and_the_nul_count_once(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    messages: list[dict[str, Any]] = [
        schema_message("tags", {"tag_id": TEXT, "name": TEXT}, ["tag_id"]),
        schema_message("teams", {"team_id": TEXT, "name": TEXT}, ["team_id"]),
    ]
    for number in range(6):  # one batch per record: six loads with a NUL each
        messages.append(record("tags", tag_id=str(number), name=f"tag\x00{number}"))
        messages.append(state({"bookmarks": {"tags": {"n": number}}}))
    messages.append(record("teams", team_id="1", name="Support"))
    messages.append(state({"bookmarks": {}}))

    done = run_process(target_config | {"batch_size_rows": 1}, messages, tmp_path)

    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stderr.splitlines()
    nul_lines = [line for line in lines if "NUL" in line]
    assert nul_lines == ["  0 records rejected, 6 NUL characters removed"]
    start = next(i for i, line in enumerate(lines) if line.endswith("Run finished: success"))
    table = [line.split() for line in lines[start + 1 : start + 6]]
    assert table == [
        ["stream", "records"],
        ["tags", "6"],
        ["teams", "1"],
        ["total", "7"],
        ["0", "records", "rejected,", "6", "NUL", "characters", "removed"],
    ]
