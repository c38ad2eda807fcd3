"""Stream → table names, and PostgreSQL's 63-byte identifier limit."""

from __future__ import annotations

from typing import Any

from target_supabase.tables.names import fit_identifier, table_name

from target.support import columns, fetch, record, run_in_process, schema_message, tables


def test_default_table_names_are_the_users() -> None:
    renames = {"conversation_parts": "messages", "contacts": "users"}
    assert table_name("conversation_parts", "intercom_", renames) == "intercom_messages"
    assert table_name("contacts", "intercom_", renames) == "intercom_users"
    assert table_name("teams", "intercom_", renames) == "intercom_teams"
    assert table_name("teams", "", {}) == "teams"


def test_long_names_are_shortened_deterministically_without_collisions() -> None:
    first, second = "x" * 70 + "_first", "x" * 70 + "_second"
    assert len(fit_identifier(first).encode()) == 63
    assert fit_identifier(first) == fit_identifier(first)
    assert fit_identifier(first) != fit_identifier(second)
    assert fit_identifier("short") == "short"
    multibyte = "é" * 40  # 80 bytes: never cut inside a character
    assert len(fit_identifier(multibyte).encode()) <= 63
    fit_identifier(multibyte).encode().decode()


def test_long_and_special_names_load(target_config: dict[str, Any], database_url: str) -> None:
    stream = 'Stream With Spaces, "Quotes" and a very long name that goes past the limit'
    long_a, long_b = "property_" + "a" * 60 + "_one", "property_" + "a" * 60 + "_two"
    properties = {
        "Id": {"type": "string"},
        'we"ird col': {"type": "string"},
        long_a: {"type": "integer"},
        long_b: {"type": "integer"},
    }
    values = {"Id": "1", 'we"ird col': "v", long_a: 1, long_b: 2}
    run_in_process(
        target_config, [schema_message(stream, properties, keys=["Id"]), record(stream, **values)]
    )
    table = fit_identifier("intercom_" + stream)
    assert table in tables(database_url)
    found = columns(database_url, table)
    assert set(found) >= {"Id", 'we"ird col', fit_identifier(long_a), fit_identifier(long_b)}
    escaped = table.replace('"', '""')
    col_a, col_b = fit_identifier(long_a), fit_identifier(long_b)
    rows = fetch(database_url, f'SELECT "Id", "we""ird col", "{col_a}", "{col_b}" FROM "{escaped}"')
    assert rows == [("1", "v", 1, 2)]
