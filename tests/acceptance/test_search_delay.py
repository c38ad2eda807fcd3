"""Intercom's search is eventually consistent ("This delay can take a few
minutes", spec 2.16 L8732-8734), and not in updated_at order. A change the search does not show
yet, or one made while a run is going on, is read by a later run: never lost.

The fake hides chosen changes from search for LAG seconds of its own clock, which the tests move
forward instead of waiting. The tap runs with `lookback_minutes: 0`, so that the search-delay
margin alone has to cover the lag.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from acceptance.real_intercom import RealIntercom
from acceptance.tap_process import TAP, TapRun, config_for, run_tap
from acceptance.workspace import MARKETING, ONE_PART, TWO_TEAMMATES

LAG = 5 * 60  # "a few minutes"
KEYS = {"conversation": ("conversations", "conversation_id"), "contact": ("contacts", "contact_id"),
        "ticket": ("tickets", "ticket_id")}  # fmt: skip
HIDDEN = {"conversation": TWO_TEAMMATES, "contact": MARKETING, "ticket": "701"}
SHOWN = {"conversation": ONE_PART, "contact": "c-plain-1", "ticket": "702"}


def test_a_change_the_search_shows_late_comes_with_a_later_run(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom()
    config = config_for(fake, lookback_minutes=0)
    first = run_tap(tmp_path / "1", config)
    now = int(time.time())
    for kind in KEYS:
        # An earlier change still missing from the search while a later one is shown.
        fake.touch(kind, HIDDEN[kind], at=now - 2, hidden_for=LAG)
        fake.touch(kind, SHOWN[kind], at=now - 1)

    second = run_tap(tmp_path / "2", config, first.final_state)
    fake.advance_clock(LAG)
    third = run_tap(tmp_path / "3", config, second.final_state)

    for kind, (stream, key) in KEYS.items():
        assert SHOWN[kind] in _ids(second, stream, key), stream
        assert HIDDEN[kind] not in _ids(second, stream, key), stream
        assert second.bookmark(stream) < _iso(now - 2), stream
        assert HIDDEN[kind] in _ids(third, stream, key), stream


def test_a_change_made_during_a_run_comes_with_the_next_run(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom()
    config = config_for(fake, lookback_minutes=0)
    first = run_tap(tmp_path / "1", config)

    def change_mid_run() -> None:
        fake.touch("conversation", TWO_TEAMMATES, at=int(time.time()), hidden_for=LAG / 2)

    fake.on_request.append(("/conversations/search", change_mid_run))
    second = run_tap(tmp_path / "2", config, first.final_state)
    fake.advance_clock(LAG)
    third = run_tap(tmp_path / "3", config, second.final_state)

    changed_at = fake.workspace.conversations[TWO_TEAMMATES]["updated_at"]
    assert TWO_TEAMMATES not in _ids(second, "conversations", "conversation_id")
    [record] = [r for r in third.records("conversations") if r["conversation_id"] == TWO_TEAMMATES]
    assert record["updated_at"] == _iso(changed_at)


def test_the_default_margin_covers_a_few_minutes() -> None:
    about = subprocess.run(
        [str(TAP), "--about", "--format", "json"], capture_output=True, text=True, check=True
    )
    settings = json.loads(about.stdout)["settings"]["properties"]

    margin = settings["search_delay_minutes"]
    assert margin["default"] * 60 >= LAG
    assert "search" in margin["description"]


def _ids(run: TapRun, stream: str, key: str) -> set[str]:
    return {str(record[key]) for record in run.records(stream)}


def _iso(seconds: int) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat()
