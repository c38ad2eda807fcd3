"""A long conversation search walked as lanes (slices of its window) and pages walked ahead of
the writer: the run still delivers every conversation once, in updated_at order, with bookmarks
that only move forward and never pass what was written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec
from tap_intercom.prefetch import prefetched
from tap_intercom.search import SearchPage
from tap_intercom.search_lanes import LANES, LANES_FROM, split
from tap_intercom.timestamps import parse_iso
from tap_intercom.windows import Window
from taprun import TOKEN, catalog_selecting, config_for, run_tap


def test_lanes_cut_the_window_into_consecutive_slices() -> None:
    first = SearchPage([{"updated_at": 1_000}, {"updated_at": 1_500}], total_count=5_000)

    from_start = split(Window(None, 2_000), first)
    from_bookmark = split(Window(600, 1_400), first)

    step, lower = 1_000 // LANES, 600
    assert from_start == [
        Window(None if lane == 0 else 1_000 + lane * step, 1_000 + (lane + 1) * step)
        for lane in range(LANES)
    ]
    assert from_bookmark == [
        Window(lower + lane * 800 // LANES, lower + (lane + 1) * 800 // LANES)
        for lane in range(LANES)
    ]


def test_walked_ahead_items_keep_their_order_and_a_failure_its_place() -> None:
    def items() -> Iterator[int]:
        yield from range(50)
        msg = "search page failed"
        raise RuntimeError(msg)

    walked = prefetched(items(), ahead=7)
    seen = [next(walked) for _ in range(50)]

    with pytest.raises(RuntimeError, match="search page failed"):
        next(walked)
    assert seen == list(range(50))


@pytest.fixture(scope="module")
def large(module_fake) -> FakeIntercom:
    spec = WorkspaceSpec(seed=21, conversations=LANES_FROM + 150, contacts=30)
    return module_fake(spec, token=TOKEN)


def test_a_laned_search_delivers_every_conversation_once_in_order(
    large: FakeIntercom, tmp_path: Path
) -> None:
    config = config_for(large, page_size=150)
    streams = {"conversations", "conversation_parts", "conversation_tags"}
    before = large.stats.requests_by_path["/conversations/search"]

    output = run_tap(tmp_path, config, None, *catalog_selecting(tmp_path, config, streams))

    searches = large.stats.requests_by_path["/conversations/search"] - before
    conversations = output.records["conversations"]
    ids = [record["conversation_id"] for record in conversations]
    updated = [parse_iso(record["updated_at"]) for record in conversations]
    bookmarks = [
        state["bookmarks"]["conversations"]["replication_key_value"]
        for state in output.states
        if "conversations" in state.get("bookmarks", {})
    ]
    assert searches > (LANES_FROM + 150) // 150 + 1  # the lanes' own pages, beyond one walk
    assert len(ids) == len(set(ids)) == LANES_FROM + 150
    assert updated == sorted(updated)
    assert bookmarks == sorted(bookmarks, key=parse_iso)
    assert all(parse_iso(mark) <= updated[-1] for mark in bookmarks)
    truth = large.truth()
    assert set(ids) == set(truth.conversations)
    parts = {record["message_id"] for record in output.records["conversation_parts"]}
    assert parts == {
        str(part["id"])
        for conversation in truth.conversations.values()
        for part in conversation["conversation_parts"]["conversation_parts"]
    }


@pytest.fixture(scope="module")
def many_contacts(module_fake) -> FakeIntercom:
    spec = WorkspaceSpec(seed=22, conversations=5, contacts=LANES_FROM + 100)
    return module_fake(spec, token=TOKEN)


def test_a_laned_contact_search_delivers_every_contact_once_in_order(
    many_contacts: FakeIntercom, tmp_path: Path
) -> None:
    config = config_for(many_contacts, page_size=150)
    before = many_contacts.stats.requests_by_path["/contacts/search"]

    output = run_tap(tmp_path, config, None, *catalog_selecting(tmp_path, config, {"contacts"}))

    searches = many_contacts.stats.requests_by_path["/contacts/search"] - before
    ids = [record["contact_id"] for record in output.records["contacts"]]
    updated = [parse_iso(record["updated_at"]) for record in output.records["contacts"]]
    assert searches > (LANES_FROM + 100) // 150 + 1  # the lanes' own pages, beyond one walk
    assert len(ids) == len(set(ids))
    assert set(ids) == set(many_contacts.truth().contacts)
    assert updated == sorted(updated)
