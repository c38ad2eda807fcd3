"""Through PgBouncer in transaction mode (Supabase's port 6543) the tables come out the same."""

from __future__ import annotations

from typing import Any

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
from target.support import fetch, record, run_in_process

QUERIES = [
    "SELECT conversation_id, title, tags, deleted_at FROM intercom_conversations ORDER BY 1",
    "SELECT message_id, conversation_id, body FROM intercom_messages ORDER BY 1",
    "SELECT conversation_id, tag_id FROM intercom_conversation_tags ORDER BY 1, 2",
    "SELECT status, sync_type, records_by_stream FROM intercom_sync_logs",
]


def load(config: dict[str, Any]) -> None:
    messages: list[dict[str, Any]] = [CONVERSATIONS, PARTS, TAGS, DELETED]
    for n in range(30):
        cid = str(n)
        messages += [conversation(cid, 1, tags=["x"]), part(f"m{n}", cid), tag(cid, "a")]
        messages.append(sync_state("full", complete=False))
    messages += [conversation("0", 2), tag("0", "b")]
    messages.append(record("deleted_conversations", conversation_id="3", deleted_at=hour(9)))
    messages.append(sync_state("full", complete=True))
    run_in_process({**config, "batch_size_rows": 7}, messages)


def test_transaction_pooling_gives_the_same_tables(pg_server, pgbouncer) -> None:
    direct = pg_server.create_database("bouncer_direct")
    pooled_db = pg_server.create_database("bouncer_pooled")
    load({"database_url": direct, "batch_max_seconds": 0})
    load({"database_url": pgbouncer.url_for(pooled_db), "batch_max_seconds": 0})
    for query in QUERIES:
        assert fetch(pooled_db, query) == fetch(direct, query)
    assert len(fetch(pooled_db, QUERIES[0])) == 30
