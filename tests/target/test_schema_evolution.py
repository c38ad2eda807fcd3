"""New properties add columns, widened types alter them, anything else fails clearly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from target_supabase.db.ddl import SchemaEvolutionError

from target.support import columns, fetch, record, run_in_process, schema_message


def things(**properties: dict) -> dict:
    return schema_message("things", {"id": {"type": "integer"}, **properties}, keys=["id"])


def test_a_new_property_adds_a_column(target_config, database_url) -> None:
    run_in_process(target_config, [things(a={"type": "string"}), record("things", id=1, a="x")])
    second = [things(a={"type": "string"}, b={"type": "boolean"}), record("things", id=2, b=True)]
    run_in_process(target_config, second)
    assert fetch(database_url, "SELECT id, a, b FROM intercom_things ORDER BY id") == [
        (1, "x", None),
        (2, None, True),
    ]


def test_a_removed_property_keeps_its_column(target_config, database_url) -> None:
    run_in_process(target_config, [things(a={"type": "string"}), record("things", id=1, a="x")])
    run_in_process(target_config, [things(), record("things", id=2)])
    assert "a" in columns(database_url, "intercom_things")
    assert fetch(database_url, "SELECT id, a FROM intercom_things ORDER BY id") == [
        (1, "x"),
        (2, None),
    ]


def test_integer_widens_to_number(target_config, database_url) -> None:
    run_in_process(target_config, [things(n={"type": "integer"}), record("things", id=1, n=7)])
    run_in_process(target_config, [things(n={"type": "number"}), record("things", id=2, n=2.5)])
    assert columns(database_url, "intercom_things")["n"] == "numeric"
    rows = fetch(database_url, "SELECT n FROM intercom_things ORDER BY id")
    assert rows == [(Decimal(7),), (Decimal("2.5"),)]


def test_a_string_widens_to_json_in_the_same_run(target_config, database_url) -> None:
    messages = [things(v={"type": "string"}), record("things", id=1, v="plain")]
    messages += [things(v={"type": "object"}), record("things", id=2, v={"k": 1})]
    run_in_process(target_config, messages)
    assert columns(database_url, "intercom_things")["v"] == "jsonb"
    assert fetch(database_url, "SELECT v FROM intercom_things ORDER BY id") == [
        ("plain",),
        ({"k": 1},),
    ]


def test_a_json_column_takes_a_narrower_type(target_config, database_url) -> None:
    run_in_process(target_config, [things(v={"type": "object"}), record("things", id=1, v={})])
    run_in_process(target_config, [things(v={"type": "string"}), record("things", id=2, v="s")])
    assert columns(database_url, "intercom_things")["v"] == "jsonb"
    assert fetch(database_url, "SELECT v FROM intercom_things WHERE id = 2") == [("s",)]


def test_an_unsafe_change_fails_naming_table_column_and_types(target_config, database_url) -> None:
    run_in_process(target_config, [things(n={"type": "integer"}), record("things", id=1, n=1)])
    with pytest.raises(SchemaEvolutionError) as failure:
        run_in_process(target_config, [things(n={"type": "string"}), record("things", id=2, n="x")])
    message = str(failure.value)
    assert "'n'" in message
    assert "public.intercom_things" in message
    assert "from bigint to text" in message
    assert fetch(database_url, "SELECT id, n FROM intercom_things") == [(1, 1)]
