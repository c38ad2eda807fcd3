"""An incremental run when nothing changed asks Intercom for little, whatever the history."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from intercom_sandbox.fake import FakeIntercom
from tap_replica import Replica
from tap_truth import assert_matches_truth, iso
from taprun import TapOutput, config_for, run_tap

DELETED_HISTORY = 150  # three pages of GET /conversations/deleted (60 a page)


def test_a_run_with_nothing_changed_makes_a_bounded_number_of_requests(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    fake = fake_intercom(
        seed=5,
        conversations=40,
        contacts=40,
        companies=6,
        tickets=6,
        deleted_conversations=DELETED_HISTORY,
    )
    config = config_for(fake)
    first = run_tap(tmp_path / "0", config)

    quiet, requests = _counted(fake, lambda: run_tap(tmp_path / "1", config, first.states[-1]))

    assert quiet.returncode == 0
    # Deleted conversations: one page, newest first, reaching below the bookmark at once.
    assert requests["/conversations/deleted"] == 1, requests
    # Everything else: one request per list or search, two for contacts (see the test below),
    # the companies scroll (a page of up to 50 and the empty last one) and data attributes
    # (contact and company), and the details of the few conversations and tickets of the
    # lookback, read again.
    details = sum(n for path, n in requests.items() if path.rsplit("/", 1)[-1].isdigit())
    assert details <= 3, requests
    assert sum(requests.values()) - details <= 13, requests
    # Only the lookback is read again: the deletion at the bookmark's own second.
    bookmark = first.states[-1]["bookmarks"]["deleted_conversations"]["replication_key_value"]
    again = quiet.records["deleted_conversations"]
    assert [r["deleted_at"] for r in again] == [bookmark]


def test_a_conversation_deleted_between_runs_is_marked_by_the_next_run(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    fake = fake_intercom(
        seed=6, conversations=30, contacts=10, companies=3, tickets=3, deleted_conversations=130
    )
    config = config_for(fake)
    first = run_tap(tmp_path / "0", config)
    change = fake.workspace.mutate(seed=1)

    second, requests = _counted(fake, lambda: run_tap(tmp_path / "1", config, first.states[-1]))

    (deleted,) = change.deleted_conversations
    emitted = {r["conversation_id"]: r for r in second.records["deleted_conversations"]}
    assert emitted[deleted]["deleted_at"] == iso(change.timestamp)
    # Besides, only the deletion at the previous bookmark's second (the lookback) comes again.
    before = first.states[-1]["bookmarks"]["deleted_conversations"]["replication_key_value"]
    assert [r["deleted_at"] for cid, r in emitted.items() if cid != deleted] == [before]
    assert requests["/conversations/deleted"] == 1
    bookmark = second.states[-1]["bookmarks"]["deleted_conversations"]["replication_key_value"]
    assert bookmark == iso(change.timestamp)
    replica = Replica().apply([*first.messages, *second.messages])
    assert_matches_truth(replica, fake.truth())
    assert deleted not in replica.live_conversations()


def test_contacts_of_the_bookmarks_days_are_not_all_read_again(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    # Contact search matches whole days (spec L8743-8761), so the query reaches back over the day
    # before the bookmark's. Twelve contacts updated within seconds, two a page.
    fake = fake_intercom(seed=7, conversations=10, contacts=20, companies=2, tickets=2)
    for seed in range(1, 7):
        fake.workspace.mutate(seed=seed)
    # No margins: what a quiet run must read again is then the bookmark's own second only.
    config = config_for(fake, page_size=2, lookback_minutes=0, search_delay_minutes=0)
    first = run_tap(tmp_path / "0", config)

    quiet, requests = _counted(fake, lambda: run_tap(tmp_path / "1", config, first.states[-1]))

    bookmark = first.states[-1]["bookmarks"]["contacts"]["replication_key_value"]
    again = quiet.records["contacts"]
    assert {r["updated_at"] for r in again} == {bookmark}
    # The bookmark's second (a page), one page reaching below it, one for the days after.
    assert requests["/contacts/search"] <= 2 + len(again) // 2, requests
    assert quiet.states[-1]["bookmarks"]["contacts"]["replication_key_value"] == bookmark


def _counted(fake: FakeIntercom, run: Callable[[], TapOutput]) -> tuple[TapOutput, Counter[str]]:
    before = Counter(fake.stats.requests_by_path)
    output = run()
    return output, Counter(fake.stats.requests_by_path) - before
