"""A run whose tap skipped streams (the sync marker's `skipped_streams`) is `partial`, says which
streams and why, and never empties a skipped stream's table."""

from __future__ import annotations

from typing import Any

from target.intercom_messages import CONTACTS, CONVERSATIONS, conversation, sync_state
from target.support import fetch, record, run_in_process, schema_message, sync_logs

TAGS = schema_message("tags", {"tag_id": {"type": "string"}}, ["tag_id"])

WHY = "Intercom refused the token on POST /tickets/search. Grant “Read tickets”."


def skipping(message: dict[str, Any], **skipped: str) -> dict[str, Any]:
    message["value"]["sync"]["skipped_streams"] = skipped
    return message


def test_a_finished_run_that_skipped_streams_is_partial(target_config, database_url) -> None:
    messages = [CONVERSATIONS, conversation("1", 1)]
    messages += [skipping(sync_state("full", complete=False), tickets=WHY)]
    messages += [skipping(sync_state("full", complete=True), tickets=WHY)]

    run_in_process(target_config, messages)

    [log] = sync_logs(database_url)
    assert (log["status"], log["skipped_streams"]) == ("partial", {"tickets": WHY})
    assert log["error_message"] is None
    assert log["conversations_synced"] == 1


def test_a_run_without_skips_records_none(target_config, database_url) -> None:
    run_in_process(target_config, [CONVERSATIONS, conversation("1", 1), sync_state("full", True)])
    [log] = sync_logs(database_url)
    assert (log["status"], log["skipped_streams"]) == ("success", {})


def test_an_interrupted_run_that_skipped_streams_stays_incomplete(
    target_config, database_url
) -> None:
    messages = [CONVERSATIONS, skipping(sync_state("full", complete=False), tickets=WHY)]
    run_in_process(target_config, messages)
    [log] = sync_logs(database_url)
    assert (log["status"], log["skipped_streams"]) == ("incomplete", {"tickets": WHY})


def test_overwrite_keeps_the_rows_of_a_skipped_stream(target_config, database_url) -> None:
    config = {**target_config, "load_method": "overwrite"}
    contact = record("contacts", contact_id="u1", email=None)
    run_in_process(config, [CONTACTS, contact, sync_state("full", True)])

    # The stream sent its SCHEMA, then was skipped (say, a permission was revoked): its table
    # says nothing about what Intercom holds, so it keeps its rows.
    run_in_process(config, [CONTACTS, skipping(sync_state("full", True), contacts=WHY)])

    assert fetch(database_url, "SELECT contact_id FROM intercom_users") == [("u1",)]


def test_overwrite_merges_a_stream_skipped_halfway_and_removes_nothing(
    target_config, database_url
) -> None:
    config = {**target_config, "load_method": "overwrite"}
    first = [record("contacts", contact_id=cid, email=None) for cid in ("u1", "u2")]
    run_in_process(config, [CONTACTS, *first, sync_state("full", True)])

    # Some contacts came, then the permission went: the staged rows are not the whole stream.
    halfway = [CONTACTS, record("contacts", contact_id="u3", email=None)]
    run_in_process(config, [*halfway, skipping(sync_state("full", True), contacts=WHY)])

    rows = fetch(database_url, "SELECT contact_id FROM intercom_users ORDER BY 1")
    assert rows == [("u1",), ("u2",), ("u3",)]


def test_a_skipped_stream_retires_no_version(target_config, database_url) -> None:
    def run(version: int, tag_ids: list[str], **skipped: str) -> None:
        rows = [{**record("tags", tag_id=t), "version": version} for t in tag_ids]
        activate = {"type": "ACTIVATE_VERSION", "stream": "tags", "version": version}
        end = skipping(sync_state("full", True), **skipped)
        run_in_process(target_config, [TAGS, activate, *rows, end])

    run(1, ["a", "b"])
    # The tap activated version 2, read tag a, then lost the permission: b was never looked at.
    run(2, ["a"], tags=WHY)

    query = "SELECT tag_id, _sdc_deleted_at IS NULL FROM intercom_tags ORDER BY 1"
    assert fetch(database_url, query) == [("a", True), ("b", True)]
