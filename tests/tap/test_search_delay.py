"""Changes Intercom's search does not show yet are read by the next run, never lost.

The fake leaves half the objects out of search results until DELAY seconds after their update
(search_index.py), so a run sees some later changes while earlier ones are still missing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from intercom_sandbox.fake import FakeIntercom, Truth
from intercom_sandbox.fake.search_index import SearchIndex
from tap_replica import Replica
from tap_truth import assert_matches_truth, iso
from taprun import TapOutput, config_for, run_tap

DELAY = 300  # "a few minutes" (spec 2.16 L8734); below the tap's default search_delay_minutes
SEARCHED = {
    "conversations": ("conversation", "conversation_id"),
    "contacts": ("contact", "contact_id"),
    "tickets": ("ticket", "ticket_id"),
}


def test_changes_hidden_from_search_come_with_the_next_run(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    fake = fake_intercom(
        seed=12,
        conversations=40,
        contacts=40,
        tickets=8,
        companies=4,
        timezone="America/New_York",
        search_delay_seconds=DELAY,
    )
    # No lookback: the search delay margin alone must cover the index's lag.
    config = config_for(fake, lookback_minutes=0)
    first = run_tap(tmp_path / "0", config)
    earlier = fake.workspace.mutate(seed=1)
    later = fake.workspace.mutate(seed=2)
    # And one more while the second run is reading conversations.
    fake.schedule_mutation(after_requests=1, seed=3, path_prefix="/conversations/search")

    second = run_tap(tmp_path / "1", config, first.states[-1])
    fake.search_index.advance(DELAY)
    third = run_tap(tmp_path / "2", config, second.states[-1])

    truth = fake.truth()
    hidden = _changed_at(truth, earlier.timestamp, lagging=True)
    shown_later = _changed_at(truth, later.timestamp, lagging=False)
    # The index hid earlier changes while showing later ones to the second run.
    assert hidden["conversations"]
    assert hidden["contacts"]
    assert shown_later["conversations"]
    assert shown_later["contacts"]
    for stream in SEARCHED:
        assert not hidden[stream] & _emitted(second, stream), stream
        assert shown_later[stream] <= _emitted(second, stream), stream
        # The bookmark never passes a change the search did not show...
        bookmark = second.states[-1]["bookmarks"][stream]["replication_key_value"]
        assert bookmark < iso(earlier.timestamp), stream
        # ... so the next run reads it.
        assert hidden[stream] <= _emitted(third, stream), stream
    messages = [m for output in (first, second, third) for m in output.messages]
    assert_matches_truth(Replica().apply(messages), truth)


def _changed_at(truth: Truth, timestamp: int, *, lagging: bool) -> dict[str, set[str]]:
    objects: dict[str, dict[str, dict[str, Any]]] = {
        "conversations": truth.conversations,
        "contacts": truth.contacts,
        "tickets": truth.tickets,
    }
    return {
        stream: {
            oid
            for oid, item in objects[stream].items()
            if item["updated_at"] == timestamp and SearchIndex.lags(kind, oid) == lagging
        }
        for stream, (kind, _) in SEARCHED.items()
    }


def _emitted(output: TapOutput, stream: str) -> set[str]:
    key = SEARCHED[stream][1]
    return {record[key] for record in output.records.get(stream, [])}
