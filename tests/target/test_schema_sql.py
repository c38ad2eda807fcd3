"""The printed DDL (`render_schema_sql`) creates exactly what the target creates when loading."""

from __future__ import annotations

import contextlib
from typing import Any

import psycopg2
from target_supabase import render_schema_sql

from target.intercom_messages import CONTACTS, CONVERSATIONS, DELETED, PARTS, TAGS
from target.support import fetch, run_in_process

SHAPE_QUERIES = [
    "SELECT table_name, column_name, data_type, is_nullable, column_default "
    "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, ordinal_position",
    "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
    "ORDER BY 1, 2",
    "SELECT relname, relrowsecurity FROM pg_class WHERE relnamespace = 'public'::regnamespace "
    "AND relkind = 'r' ORDER BY 1",
    "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger "
    "WHERE NOT tgisinternal ORDER BY 1, 2",
]


def catalog_entry(message: dict[str, Any]) -> dict[str, Any]:
    """A `--discover` catalog entry for the stream of a SCHEMA message."""
    root: dict[str, Any] = {"table-key-properties": message["key_properties"]}
    if message.get("bookmark_properties"):
        root["valid-replication-keys"] = message["bookmark_properties"]
    return {
        "tap_stream_id": message["stream"],
        "stream": message["stream"],
        "schema": message["schema"],
        "metadata": [{"breadcrumb": [], "metadata": root}],
    }


def test_printed_schema_equals_what_the_target_creates(pg_server, database_url) -> None:
    schemas = [CONVERSATIONS, PARTS, TAGS, CONTACTS, DELETED]
    config = {"database_url": database_url}
    run_in_process(config, schemas)

    script = render_schema_sql([catalog_entry(message) for message in schemas], config)
    applied = pg_server.create_database("schema_sql_applied")
    with contextlib.closing(psycopg2.connect(applied)) as conn, conn.cursor() as cur:
        cur.execute(script)
        conn.commit()
    for query in SHAPE_QUERIES:
        assert fetch(applied, query) == fetch(database_url, query)
    assert "intercom_deleted_conversations" not in script
    assert 'CREATE TABLE IF NOT EXISTS "public"."intercom_messages"' in script
