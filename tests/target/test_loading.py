"""Upserts, replaced sets, soft deletes and load methods: the rows users see."""

from __future__ import annotations

from typing import Any

import pytest

from target.intercom_messages import (
    CONVERSATIONS,
    DELETED,
    PARTS,
    TAGS,
    conversation,
    hour,
    part,
    sync_state,
    tag,
)
from target.support import fetch, record, run_in_process, schema_message


def titles(url: str) -> list[tuple[str, str]]:
    query = "SELECT conversation_id, title FROM intercom_conversations ORDER BY 1"
    return fetch(url, query)


def tag_rows(url: str) -> list[tuple[str, str]]:
    return fetch(
        url, "SELECT conversation_id, tag_id FROM intercom_conversation_tags ORDER BY 1, 2"
    )


def test_an_older_version_never_overwrites_a_newer_one(target_config, database_url) -> None:
    run_in_process(target_config, [CONVERSATIONS, conversation("1", 5), conversation("2", 5)])
    # A later run delivers an older version of 1 and a newer one of 2.
    run_in_process(target_config, [CONVERSATIONS, conversation("1", 3), conversation("2", 7)])
    assert titles(database_url) == [("1", "1 v5"), ("2", "2 v7")]


def test_in_batch_duplicates_keep_the_newest(target_config, database_url) -> None:
    messages = [CONVERSATIONS, conversation("1", 2), conversation("1", 9), conversation("1", 4)]
    run_in_process(target_config, messages)
    assert titles(database_url) == [("1", "1 v9")]


def test_without_replication_key_the_last_duplicate_wins(target_config, database_url) -> None:
    messages = [PARTS, part("m1", "1", "first"), part("m1", "1", "second")]
    run_in_process(target_config, messages)
    assert fetch(database_url, "SELECT message_id, body FROM intercom_messages") == [
        ("m1", "second")
    ]


def test_tag_sets_are_replaced_per_conversation(target_config, database_url) -> None:
    first_run = [CONVERSATIONS, TAGS, conversation("1", 1), tag("1", "a"), tag("1", "b")]
    first_run += [conversation("2", 1), tag("2", "c")]
    run_in_process(target_config, first_run)
    # Tag a removed from 1, every tag removed from 2, 3 untouched (not in this run).
    second_run = [CONVERSATIONS, TAGS, conversation("1", 2), tag("1", "b"), conversation("2", 2)]
    run_in_process(target_config, second_run)
    assert tag_rows(database_url) == [("1", "b")]


def test_tag_sets_split_across_batches_are_kept_whole(target_config, database_url) -> None:
    config = {**target_config, "batch_size_rows": 1}
    messages = [CONVERSATIONS, TAGS, conversation("1", 1), tag("1", "a"), tag("1", "b")]
    messages += [tag("1", "c"), conversation("2", 1), tag("2", "d")]
    run_in_process(config, messages)
    assert tag_rows(database_url) == [("1", "a"), ("1", "b"), ("1", "c"), ("2", "d")]


def test_a_conversation_sent_twice_keeps_only_its_last_tag_set(target_config, database_url) -> None:
    messages = [CONVERSATIONS, TAGS, conversation("1", 1), tag("1", "a"), tag("1", "b")]
    messages += [conversation("1", 2), tag("1", "c")]
    run_in_process(target_config, messages)
    assert tag_rows(database_url) == [("1", "c")]


def test_removing_every_tag_without_any_tag_record_in_the_run(target_config, database_url) -> None:
    run_in_process(target_config, [CONVERSATIONS, TAGS, conversation("1", 1), tag("1", "a")])
    run_in_process(target_config, [CONVERSATIONS, conversation("1", 2)])
    assert tag_rows(database_url) == []


def test_deleted_conversations_are_marked_not_removed(target_config, database_url) -> None:
    messages = [CONVERSATIONS, conversation("1", 1), conversation("2", 1), DELETED]
    messages.append(record("deleted_conversations", conversation_id="1", deleted_at=hour(8)))
    run_in_process(target_config, messages)
    rows = fetch(
        database_url,
        "SELECT conversation_id, deleted_at IS NOT NULL FROM intercom_conversations ORDER BY 1",
    )
    assert rows == [("1", True), ("2", False)]
    live = "SELECT count(*) FROM intercom_conversations WHERE deleted_at IS NULL"
    assert fetch(database_url, live) == [(1,)]


def test_a_later_upsert_keeps_the_deletion_mark(target_config, database_url) -> None:
    deletion = record("deleted_conversations", conversation_id="1", deleted_at=hour(8))
    run_in_process(target_config, [CONVERSATIONS, conversation("1", 1), DELETED, deletion])
    run_in_process(target_config, [CONVERSATIONS, conversation("1", 2)])
    query = "SELECT title, deleted_at IS NOT NULL FROM intercom_conversations"
    assert fetch(database_url, query) == [("1 v2", True)]


def test_append_only_keeps_every_version(target_config, database_url) -> None:
    config = {**target_config, "load_method": "append-only"}
    run_in_process(config, [CONVERSATIONS, conversation("1", 1), conversation("1", 2)])
    run_in_process(config, [CONVERSATIONS, conversation("1", 3)])
    query = "SELECT title FROM intercom_conversations ORDER BY updated_at"
    assert fetch(database_url, query) == [("1 v1",), ("1 v2",), ("1 v3",)]


def test_overwrite_replaces_rows_and_keeps_grants_and_policies(target_config, database_url) -> None:
    config = {**target_config, "load_method": "overwrite"}
    run_in_process(config, [CONVERSATIONS, conversation("1", 1), conversation("2", 1)])
    with_policy = "CREATE POLICY readers ON intercom_conversations FOR SELECT USING (true)"
    fetch_none(database_url, with_policy)
    run_in_process(config, [CONVERSATIONS, conversation("3", 1)])
    assert titles(database_url) == [("3", "3 v1")]
    policies = "SELECT policyname FROM pg_policies WHERE tablename = 'intercom_conversations'"
    assert fetch(database_url, policies) == [("readers",)]


def test_overwrite_keeps_every_batch_of_the_run(target_config, database_url) -> None:
    config = {**target_config, "load_method": "overwrite", "batch_size_rows": 1}
    run_in_process(config, [CONVERSATIONS, conversation("1", 1)])
    run_in_process(config, [CONVERSATIONS, conversation("2", 1), conversation("3", 1)])
    assert titles(database_url) == [("2", "2 v1"), ("3", "3 v1")]


def test_overwrite_empties_a_table_whose_stream_sent_no_rows_in_a_complete_run(
    target_config, database_url
) -> None:
    config = {**target_config, "load_method": "overwrite"}
    run_in_process(config, [CONVERSATIONS, conversation("1", 1)])

    # The tap died before its records: the table keeps its rows.
    run_in_process(config, [CONVERSATIONS, sync_state("full", complete=False)])
    assert titles(database_url) == [("1", "1 v1")]

    # A tap without the sync marker cannot say it finished: the table keeps its rows.
    run_in_process(config, [CONVERSATIONS])
    assert titles(database_url) == [("1", "1 v1")]

    # The source has no rows any more: neither has the table.
    run_in_process(
        config, [CONVERSATIONS, sync_state("full", complete=False), sync_state("full", True)]
    )
    assert titles(database_url) == []


def test_streams_without_keys_are_appended(target_config, database_url) -> None:
    events = schema_message("events", {"name": {"type": "string"}})
    run_in_process(target_config, [events, record("events", name="a"), record("events", name="a")])
    assert fetch(database_url, "SELECT name FROM intercom_events") == [("a",), ("a",)]


@pytest.mark.parametrize("batch_size_rows", [1, 1000])
def test_synced_at_is_set_by_the_trigger(target_config, database_url, batch_size_rows) -> None:
    config: dict[str, Any] = {**target_config, "batch_size_rows": batch_size_rows}
    run_in_process(config, [CONVERSATIONS, conversation("1", 1)])
    before = fetch(database_url, "SELECT _synced_at FROM intercom_conversations")[0][0]
    run_in_process(config, [CONVERSATIONS, conversation("1", 2)])
    after = fetch(database_url, "SELECT _synced_at FROM intercom_conversations")[0][0]
    assert before is not None
    assert after > before


def test_synced_at_is_kept_current_for_other_writers_too(target_config, database_url) -> None:
    run_in_process(target_config, [CONVERSATIONS, conversation("1", 1)])
    fetch_none(database_url, "UPDATE intercom_conversations SET _synced_at = '2000-01-01'")
    fetch_none(database_url, "INSERT INTO intercom_conversations (conversation_id) VALUES ('2')")
    fetch_none(database_url, "UPDATE intercom_conversations SET title = 'edited' WHERE true")
    query = (
        "SELECT conversation_id, _synced_at > now() - interval '1 hour' "
        "FROM intercom_conversations ORDER BY 1"
    )
    # The manual insert and the update that left `_synced_at` alone: both set by the triggers.
    assert fetch(database_url, query) == [
        ("1", True),
        ("2", True),
    ]


def test_tables_from_older_versions_get_the_current_synced_at_triggers(
    target_config, database_url
) -> None:
    # What earlier versions created: one unconditional trigger, no default.
    fetch_none(
        database_url,
        "CREATE FUNCTION public.intercom_set_synced_at() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN NEW._synced_at := now(); RETURN NEW; END $$; "
        "CREATE TABLE intercom_tags (tag_id text PRIMARY KEY, type text, name text, "
        "_synced_at timestamptz); "
        "CREATE TRIGGER set_synced_at BEFORE INSERT OR UPDATE ON intercom_tags "
        "FOR EACH ROW EXECUTE FUNCTION public.intercom_set_synced_at()",
    )
    tags = schema_message(
        "tags", {"tag_id": {"type": "string"}, "name": {"type": "string"}}, keys=["tag_id"]
    )
    run_in_process(target_config, [tags, record("tags", tag_id="1", name="vip")])
    triggers = fetch(
        database_url,
        "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
        "WHERE tgrelid = 'intercom_tags'::regclass ORDER BY 1",
    )
    assert [name for name, _ in triggers] == ["set_synced_at", "set_synced_at_on_update"]
    assert all(" WHEN " in definition for _, definition in triggers)
    default = fetch(
        database_url,
        "SELECT column_default FROM information_schema.columns "
        "WHERE table_name = 'intercom_tags' AND column_name = '_synced_at'",
    )
    assert default == [("now()",)]
    assert fetch(database_url, "SELECT name, _synced_at IS NOT NULL FROM intercom_tags") == [
        ("vip", True)
    ]


def fetch_none(url: str, statement: str) -> None:
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(statement)


def test_deletions_before_any_conversation_table_are_kept(target_config, database_url) -> None:
    deletion = record("deleted_conversations", conversation_id="9", deleted_at=hour(8))
    run_in_process(target_config, [DELETED, deletion])
    rejected = fetch(database_url, "SELECT stream, record, error FROM intercom_rejected_records")
    assert rejected == [
        (
            "deleted_conversations",
            {"conversation_id": "9", "deleted_at": hour(8)},
            "table intercom_conversations does not exist: deletion not applied",
        )
    ]


def test_deletions_add_the_column_to_an_existing_table(target_config, database_url) -> None:
    fetch_none(database_url, "CREATE TABLE intercom_conversations (conversation_id text)")
    fetch_none(database_url, "INSERT INTO intercom_conversations VALUES ('1'), ('2')")
    deletion = record("deleted_conversations", conversation_id="2", deleted_at=hour(8))
    run_in_process(target_config, [DELETED, deletion])
    query = "SELECT conversation_id, deleted_at FROM intercom_conversations ORDER BY 1"
    rows = fetch(database_url, query)
    assert [(cid, deleted is not None) for cid, deleted in rows] == [("1", False), ("2", True)]


def test_integers_written_with_a_fraction_part_load(target_config, database_url) -> None:
    counts = schema_message("counts", {"id": {"type": "integer"}, "n": {"type": "integer"}})
    run_in_process(
        target_config,
        [counts, '{"type": "RECORD", "stream": "counts", "record": {"id": 1, "n": 12.0}}'],
    )
    assert fetch(database_url, "SELECT id, n FROM intercom_counts") == [(1, 12)]


def test_in_batch_versions_are_compared_as_instants(target_config, database_url) -> None:
    earlier = record("conversations", conversation_id="1", updated_at="2024-01-01T10:00:00+02:00")
    later = record("conversations", conversation_id="1", updated_at="2024-01-01T09:00:00Z")
    earlier["record"]["title"], later["record"]["title"] = "08:00 UTC", "09:00 UTC"
    run_in_process(target_config, [CONVERSATIONS, later, earlier])
    assert titles(database_url) == [("1", "09:00 UTC")]


def test_an_unchanged_row_is_not_rewritten(target_config, database_url) -> None:
    messages = [CONVERSATIONS, PARTS, conversation("1", 1), part("m1", "1"), part("m2", "1")]
    run_in_process(target_config, messages)
    query = "SELECT message_id, xmin::text, _synced_at FROM intercom_messages ORDER BY 1"
    before = fetch(database_url, query)
    run_in_process(target_config, [*messages, part("m2", "1", body="edited")])
    after = fetch(database_url, query)
    assert after[0] == before[0]  # same tuple, same _synced_at
    assert after[1][1:] != before[1][1:]
    assert fetch(database_url, "SELECT body FROM intercom_messages ORDER BY message_id") == [
        ("hello",),
        ("edited",),
    ]


def test_a_users_json_column_takes_values_and_changes(target_config, database_url) -> None:
    fetch_none(
        database_url,
        "CREATE TABLE intercom_things (id bigint PRIMARY KEY, meta json, _synced_at timestamptz)",
    )
    things = schema_message("things", {"id": {"type": "integer"}, "meta": {}}, keys=["id"])
    run_in_process(target_config, [things, record("things", id=1, meta={"a": 1})])
    run_in_process(target_config, [things, record("things", id=1, meta={"a": 2})])
    assert fetch(database_url, "SELECT meta::text FROM intercom_things") == [('{"a":2}',)]
