"""An incremental run when nothing changed asks Intercom for little.

The workspace holds 130 deleted conversations (three pages of 60, the maximum: spec 2.16
L13536-13542) and contacts spread over several days. A quiet run after a full one reads each
list once, and only the newest page of deletions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from acceptance.real_intercom import RealIntercom
from acceptance.tap_process import TapRun, config_for, run_tap

# conversations 1, contacts 2 (the bookmark's days newest first, then the later days), tickets 1,
# deleted conversations 1, admins, tags, teams, segments 1 each, data attributes 2 (contact,
# company), the companies scroll 2 (a page and the empty end), and the details of the
# conversation at the bookmark, read again by the lookback.
QUIET_RUN_REQUESTS = 15


def test_a_run_with_nothing_changed_makes_a_bounded_number_of_requests(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom()
    first = run_tap(tmp_path / "1", config_for(fake))
    assert fake.count("/conversations/deleted") == 3  # the whole history, once

    quiet, asked = _counted(
        fake, lambda: run_tap(tmp_path / "2", config_for(fake), first.final_state)
    )

    assert sum(asked.values()) <= QUIET_RUN_REQUESTS, asked
    assert asked["/conversations/deleted"] == 1, asked
    assert asked["/contacts/search"] <= 2, asked
    details = sum(n for path, n in asked.items() if path.startswith("/conversations/2"))
    assert details <= 1, asked
    # Only the lookback comes again: the deletion at the bookmark's own second.
    bookmark = first.bookmark("deleted_conversations")
    assert [r["deleted_at"] for r in quiet.records("deleted_conversations")] == [bookmark]


def test_no_bookmark_moves_back_in_a_quiet_run(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom()
    first = run_tap(tmp_path / "1", config_for(fake))

    quiet = run_tap(tmp_path / "2", config_for(fake), first.final_state)

    for stream, bookmark in first.final_state["bookmarks"].items():
        if bookmark.get("replication_key_value"):
            assert quiet.bookmark(stream) >= bookmark["replication_key_value"], stream


@pytest.mark.slow
def test_a_quiet_run_stays_under_a_small_rate_limit(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    # Intercom's limits come in 10-second windows, told by X-RateLimit-Remaining and
    # X-RateLimit-Reset (rate-limiting docs; "a user saw 500 as max limit", community thread).
    fake = real_intercom()
    first = run_tap(tmp_path / "1", config_for(fake))
    fake.set_rate_limit(10)

    quiet = run_tap(tmp_path / "2", config_for(fake), first.final_state)

    assert fake.throttled == 0
    assert quiet.final_state["sync"]["complete"] is True


def _counted(fake: RealIntercom, run: Callable[[], TapRun]) -> tuple[TapRun, Counter[str]]:
    before = Counter({path: n for (_, path), n in fake.requests.items()})
    output = run()
    after = Counter({path: n for (_, path), n in fake.requests.items()})
    return output, after - before
