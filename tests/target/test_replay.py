"""A `.singer` file replayed through the target: the exact table contents, types included."""

from __future__ import annotations

import datetime
from decimal import Decimal

from target.support import DATA_DIR, columns, fetch, run_in_process, sync_logs

UTC = datetime.timezone.utc


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2024, month, day, hour, minute, tzinfo=UTC)


def replay(config: dict, name: str) -> list:
    lines = (DATA_DIR / name).read_text().splitlines()
    return run_in_process(config, lines)


def test_intercom_sample_gives_exact_tables(target_config, database_url) -> None:
    states = replay(target_config, "intercom_small.singer")
    assert states[-1]["sync"]["complete"] is True

    conversations = fetch(
        database_url,
        "SELECT conversation_id, created_at, updated_at, open, priority, admin_assignee_id, tags, "
        "statistics, contacts, rating, deleted_at FROM intercom_conversations ORDER BY 1",
    )
    assert conversations == [
        (
            "101",
            at(1, 9),
            at(2, 10, 30),
            True,
            "priority",
            7,
            ["billing", "vip"],
            {"time_to_admin_reply": 120, "count_reopens": 0},
            [{"id": "c1", "type": "contact"}],
            Decimal("4.5"),
            None,
        ),
        ("102", at(5, 12), at(5, 12), False, None, None, [], None, [], None, at(5, 13)),
    ]
    assert fetch(database_url, "SELECT * FROM intercom_messages ORDER BY 1")[0][:5] == (
        "101-1",
        "101",
        "<p>Hello,\n\tmy invoice is <b>wrong</b> \\ help</p>",
        at(1, 9),
        "ann@example.com",
    )
    bodies = fetch(database_url, "SELECT message_id, body, author_email FROM intercom_messages")
    assert sorted(bodies)[1:] == [
        ("101-2", "<p>Fixed ✔</p>", "not an email"),
        ("102-1", None, None),
    ]
    assert fetch(database_url, "SELECT * FROM intercom_conversation_tags ORDER BY 2")[0][:3] == (
        "101",
        "1",
        "billing",
    )
    users = fetch(
        database_url,
        "SELECT contact_id, email, updated_at, signed_up_on, custom_attributes FROM intercom_users",
    )
    assert users == [
        (
            "c1",
            "ann@example.com",
            at(1, 8),
            datetime.date(2023, 12, 31),
            {"plan": "pro", "seats": 12.0},
        )
    ]
    assert columns(database_url, "intercom_users")["signed_up_on"] == "date"
    [(record, error)] = fetch(database_url, "SELECT record, error FROM intercom_rejected_records")
    assert record["contact_id"] == "c2"
    assert error == 'updated_at: "March 1st" is not a "date-time"'
    [log] = sync_logs(database_url)
    assert (log["status"], log["sync_type"], log["rejected_records"]) == ("success", "full", 1)
    assert (log["conversations_synced"], log["messages_synced"], log["users_synced"]) == (2, 3, 1)
    assert log["nul_characters_removed"] == 1


def test_replaying_the_same_file_changes_nothing(target_config, database_url) -> None:
    replay(target_config, "intercom_small.singer")
    query = "SELECT * FROM intercom_conversations ORDER BY 1"
    first = [row[:-1] for row in fetch(database_url, query)]  # all but _synced_at
    replay(target_config, "intercom_small.singer")
    assert [row[:-1] for row in fetch(database_url, query)] == first
    assert fetch(database_url, "SELECT count(*) FROM intercom_conversation_tags") == [(2,)]


def test_half_an_emoji_is_stored_as_the_replacement_character(target_config, database_url) -> None:
    schema = '{"type": "SCHEMA", "stream": "notes", "key_properties": ["id"], "schema": {"properties": {"id": {"type": "integer"}, "text": {"type": "string"}, "n": {"type": "number"}}}}'  # noqa: E501
    broken = '{"type": "RECORD", "stream": "notes", "record": {"id": 1, "text": "cut \\ud83d here", "n": 0.10}}'  # noqa: E501
    run_in_process(target_config, [schema, broken])
    rows = fetch(database_url, "SELECT text, n FROM intercom_notes")
    assert rows == [("cut \ufffd here", Decimal("0.10"))]
