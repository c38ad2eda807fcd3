"""The SDK's own features still work: stream maps, flattening, record metadata."""

from __future__ import annotations

from target.support import columns, fetch, record, run_in_process, schema_message

ORDERS = schema_message(
    "orders",
    {"id": {"type": "integer"}, "total": {"type": "number"}, "meta": {"type": "object"}},
    keys=["id"],
)


def test_stream_maps_rename_and_filter(target_config, database_url) -> None:
    config = {
        **target_config,
        "stream_maps": {"orders": {"__alias__": "sales", "__filter__": "total > 10"}},
    }
    messages = [ORDERS, record("orders", id=1, total=5, meta={}), record("orders", id=2, total=20)]
    run_in_process(config, messages)
    assert fetch(database_url, "SELECT id FROM intercom_sales") == [(2,)]


def test_flattening_makes_columns_of_nested_properties(target_config, database_url) -> None:
    config = {**target_config, "flattening_enabled": True, "flattening_max_depth": 1}
    orders = schema_message(
        "orders",
        {
            "id": {"type": "integer"},
            "meta": {"type": "object", "properties": {"source": {"type": "string"}}},
        },
        keys=["id"],
    )
    run_in_process(config, [orders, record("orders", id=1, meta={"source": "web"})])
    assert columns(database_url, "intercom_orders")["meta__source"] == "text"
    assert fetch(database_url, "SELECT meta__source FROM intercom_orders") == [("web",)]


def test_record_metadata_columns(target_config, database_url) -> None:
    config = {**target_config, "add_record_metadata": True}
    run_in_process(config, [ORDERS, record("orders", id=1, total=1.5, meta={"a": 1})])
    found = columns(database_url, "intercom_orders")
    assert found["_sdc_received_at"] == "timestamp with time zone"
    rows = fetch(database_url, "SELECT id, _sdc_received_at IS NOT NULL FROM intercom_orders")
    assert rows == [(1, True)]
