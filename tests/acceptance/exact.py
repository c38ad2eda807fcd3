"""What a run must have emitted, compared with what the fake's workspace holds."""

from __future__ import annotations

import json
from collections import Counter

from acceptance.tap_process import TapRun
from acceptance.workspace import Workspace


def assert_every_stream_exact(
    run: TapRun, workspace: Workspace, *, without: frozenset[str] = frozenset()
) -> None:
    """Each stream but `without` emitted each of its records once; `without` emitted none."""
    records = [m for m in run.messages if m["type"] == "RECORD"]
    emitted = Counter(m["stream"] for m in records)
    expected = {s: n for s, n in workspace.record_counts().items() if s not in without}
    assert {s: emitted[s] for s in expected} == expected
    assert not without & set(emitted), f"records of {without & set(emitted)}"
    seen = Counter(
        json.dumps([m["stream"], m["record"]], sort_keys=True)
        for m in records
        if m["stream"] in expected
    )
    twice = [entry for entry, n in seen.items() if n > 1]
    assert not twice, f"{len(twice)} records emitted more than once, e.g. {twice[0][:200]}"


def assert_companies_exact(run: TapRun, workspace: Workspace) -> None:
    names = Counter(record["name"] for record in run.records("companies"))
    assert names == Counter(company["name"] for company in workspace.companies)
