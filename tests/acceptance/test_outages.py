"""An Intercom incident fails every request with 502/503/504 for a while
(incidents.py). The tap waits it out, says so once, and emits exactly what a run without the
incident emits; an incident longer than `outage_retry_minutes` fails the run clearly, and the next
run continues from the state written before it. Outages here last a few real seconds, against a
setting of a few seconds (`outage_retry_minutes` takes fractions)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from acceptance.exact import assert_every_stream_exact
from acceptance.incidents import DETAILS, OUTAGE_SECONDS, Outage
from acceptance.real_intercom import TOKEN, RealIntercom
from acceptance.tap_process import TapRun, config_for, run_tap


def test_an_outage_mid_conversations_is_waited_out_and_told_once(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom()
    fake.plan_outage(Outage(after=2, seconds=OUTAGE_SECONDS, path_prefix=DETAILS))

    run = run_tap(tmp_path, config_for(fake))

    assert fake.incidents.failed >= 3, "the run met the incident"
    assert_every_stream_exact(run, fake.workspace)
    assert run.final_state["sync"]["complete"] is True
    [told] = run.warnings("Intercom is unavailable")
    assert "keeps retrying until" in told
    assert "outage_retry_minutes = 10" in told, "the default"
    assert len([line for line in run.stderr.splitlines() if "answers again" in line]) == 1
    assert TOKEN not in run.stdout + run.stderr


def test_retry_after_is_honoured(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom()
    # One second of 503s that ask for three seconds: a client that honours Retry-After fails once.
    fake.plan_outage(
        Outage(after=2, seconds=1, path_prefix=DETAILS, statuses=(503,), retry_after=3)
    )

    run = run_tap(tmp_path, config_for(fake, max_workers=1))

    assert_every_stream_exact(run, fake.workspace)
    failed = [n for n, served in enumerate(fake.served) if served.status == 503]
    assert len(failed) == 1, f"{len(failed)} requests failed: the tap came back too early"
    after = fake.served[failed[0] + 1]
    assert after.at - fake.served[failed[0]].at >= 2.9, "the next request waited Retry-After"


def test_an_outage_longer_than_the_setting_fails_clearly_and_the_next_run_resumes(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom()
    # Streams run in name order: conversations are read and committed, then
    # deleted_conversations meets an incident that outlasts the 3-second setting. (Not
    # data_attributes: the small lists are asked for when the run starts, early_lists.py.)
    fake.plan_outage(Outage(after=0, seconds=600, path_prefix="/conversations/deleted"))
    config = config_for(fake, outage_retry_minutes=0.05)

    failed = run_tap(tmp_path / "first", config, expect_success=False)

    assert failed.returncode != 0
    [error] = [line for line in failed.stderr.splitlines() if " ERROR " in line and "fail" in line]
    assert "Intercom request failed" in error
    assert "GET /conversations/deleted" in error
    assert "HTTP 50" in error
    assert "raise `outage_retry_minutes`" in error
    assert not any(state["sync"].get("complete") for state in failed.states)
    assert failed.bookmark("conversations"), "conversations were committed before the outage"
    assert TOKEN not in failed.stdout + failed.stderr

    fake.incidents.end_all()
    second = run_tap(tmp_path / "second", config, failed.final_state)

    assert second.final_state["sync"]["complete"] is True
    expected = fake.workspace.record_counts()
    for stream in INCREMENTAL:
        # Together the two runs hold every record; the second reads again only from the
        # bookmark the first committed (the record at the bookmark itself: bounds are inclusive).
        assert len(_distinct(failed, stream) | _distinct(second, stream)) == expected[stream]
        if mark := failed.bookmark(stream):
            assert all(r["updated_at"] >= mark for r in second.records(stream)), stream
    assert len(second.records("conversations")) < len(fake.workspace.conversations)
    counts = Counter(m["stream"] for m in second.messages if m["type"] == "RECORD")
    assert {s: counts[s] for s in FULL_TABLE} == {s: expected[s] for s in FULL_TABLE}


INCREMENTAL = ("conversations", "conversation_parts", "contacts", "companies", "tickets")
FULL_TABLE = ("admins", "tags", "teams", "segments", "data_attributes")


def _distinct(run: TapRun, stream: str) -> set[str]:
    return {json.dumps(record, sort_keys=True) for record in run.records(stream)}
