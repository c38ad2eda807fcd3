"""Incremental runs from state deliver exactly what changed, and together equal Intercom's data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from intercom_sandbox.fake import FakeIntercom
from tap_replica import Replica
from tap_truth import assert_matches_truth
from taprun import config_for, run_tap


@pytest.fixture
def fake(fake_intercom: Callable[..., FakeIntercom]) -> FakeIntercom:
    return fake_intercom(
        seed=21, conversations=40, contacts=40, companies=6, tickets=6, timezone="America/New_York"
    )


def test_run_mutate_run_from_state_equals_truth(fake: FakeIntercom, tmp_path: Path) -> None:
    # No lookback and no search delay margin (this fake's search shows changes at once): the
    # bookmark logic alone must catch every change, and re-read nothing else.
    config = config_for(fake, lookback_minutes=0, search_delay_minutes=0)
    outputs = [run_tap(tmp_path / "0", config)]
    for run in (1, 2):
        change = fake.workspace.mutate(seed=run)
        outputs.append(run_tap(tmp_path / str(run), config, outputs[-1].states[-1]))
    before, last = outputs[-2], outputs[-1]

    assert last.states[-1]["sync"]["type"] == "incremental"
    # The input state's marker (complete, another run_id) is ignored.
    assert [state["sync"]["complete"] for state in last.states][-2:] == [False, True]
    assert last.states[0]["sync"]["run_id"] != before.states[-1]["sync"]["run_id"]
    messages = [message for output in outputs for message in output.messages]
    assert_matches_truth(Replica().apply(messages), fake.truth())
    changed = {
        *change.updated_conversations,
        *change.new_conversations,
        *change.tagged_conversations,
        *change.untagged_conversations,
    }
    bookmark = before.states[-1]["bookmarks"]["conversations"]["replication_key_value"]
    emitted = {r["conversation_id"]: r for r in last.records["conversations"]}
    # The bookmark's own second is re-read (the lower bound is inclusive); nothing else unchanged.
    assert changed <= set(emitted)
    assert all(emitted[cid]["updated_at"] == bookmark for cid in set(emitted) - changed)
    contact_bookmark = before.states[-1]["bookmarks"]["contacts"]["replication_key_value"]
    contacts = {r["contact_id"]: r for r in last.records["contacts"]}
    # Updated later on the bookmark's own day: a day-granular `updated_at > bookmark` misses it.
    assert change.same_day_contact is not None
    assert change.same_day_contact in contacts
    assert set(change.updated_contacts) <= set(contacts)
    unchanged = set(contacts) - set(change.updated_contacts)
    assert all(contacts[cid]["updated_at"] == contact_bookmark for cid in unchanged)


def test_changes_landing_between_page_requests_are_not_lost(
    fake: FakeIntercom, tmp_path: Path
) -> None:
    config = config_for(fake, page_size=5, lookback_minutes=0)
    for run, seed in enumerate((4, 5)):
        fake.schedule_mutation(
            after_requests=2 + run, seed=seed, path_prefix="/conversations/search"
        )
        fake.schedule_mutation(after_requests=2, seed=seed + 10, path_prefix="/contacts/search")
    outputs = [run_tap(tmp_path / "0", config)]
    for run in range(1, 4):
        outputs.append(run_tap(tmp_path / str(run), config, outputs[-1].states[-1]))

    assert len(fake.mutation_summaries) == 4
    messages = [message for output in outputs for message in output.messages]
    assert_matches_truth(Replica().apply(messages), fake.truth())


def test_hours_back_ignores_the_bookmark(fake: FakeIntercom, tmp_path: Path) -> None:
    first = run_tap(tmp_path / "first", config_for(fake))
    change = fake.workspace.mutate(seed=6)

    recent = run_tap(tmp_path / "recent", config_for(fake, hours_back=1), first.states[-1])

    assert recent.states[-1]["sync"]["type"] == "incremental"
    assert {r["ticket_id"] for r in recent.records["tickets"]} == set(change.updated_tickets)
    assert recent.records["admins"]  # full-table streams are complete every run


def test_changed_companies_and_only_those_come_again(fake: FakeIntercom, tmp_path: Path) -> None:
    first = run_tap(tmp_path / "first", config_for(fake, lookback_minutes=0))
    change = fake.workspace.mutate(seed=7)

    second = run_tap(tmp_path / "second", config_for(fake, lookback_minutes=0), first.states[-1])

    companies = {r["company_id"]: r for r in second.records.get("companies", [])}
    assert set(change.updated_companies) <= set(companies)
    # The bookmark's own second is re-read (the lower bound is inclusive); nothing else unchanged.
    previous = first.states[-1]["bookmarks"]["companies"]["replication_key_value"]
    unchanged = set(companies) - set(change.updated_companies)
    assert all(companies[cid]["updated_at"] == previous for cid in unchanged)
    truth = fake.truth().companies
    assert all(r["monthly_spend"] == truth[cid]["monthly_spend"] for cid, r in companies.items())
    bookmark = second.states[-1]["bookmarks"]["companies"]["replication_key_value"]
    assert bookmark == max(r["updated_at"] for r in companies.values())


def test_date_range_reads_only_that_range(fake: FakeIntercom, tmp_path: Path) -> None:
    truth = fake.truth()
    times = sorted(c["updated_at"] for c in truth.conversations.values())
    start, end = times[10], times[20]
    config = config_for(fake, start_date=_iso(start), end_date=_iso(end), lookback_minutes=0)
    output = run_tap(tmp_path, config)
    got = {r["conversation_id"] for r in output.records["conversations"]}
    expected = {cid for cid, c in truth.conversations.items() if start <= c["updated_at"] < end}
    assert got == expected
    assert output.states[-1]["sync"]["type"] == "date_range"


def _iso(timestamp: int) -> str:
    from tap_truth import iso

    return iso(timestamp)


def test_a_window_starting_after_the_bookmark_keeps_the_bookmark(
    fake: FakeIntercom, tmp_path: Path
) -> None:
    # A later start_date (or hours_back) skips what lies between the bookmark and the window:
    # moving the bookmark past it would make the next incremental run skip it for good.
    times = sorted(c["updated_at"] for c in fake.truth().conversations.values())
    bookmark = _iso(times[0])
    state = {"bookmarks": {"conversations": {"replication_key_value": bookmark}}}
    config = config_for(fake, lookback_minutes=0)

    later = run_tap(tmp_path / "later", {**config, "start_date": _iso(times[20])}, state)

    assert {r["updated_at"] >= _iso(times[20]) for r in later.records["conversations"]} == {True}
    kept = later.states[-1]["bookmarks"]["conversations"]["replication_key_value"]
    assert kept == bookmark
    assert "the bookmark stays at" in later.stderr
    following = run_tap(tmp_path / "next", config, later.states[-1])
    between = {cid for cid, c in fake.truth().conversations.items() if c["updated_at"] < times[20]}
    assert between <= {r["conversation_id"] for r in following.records["conversations"]}
