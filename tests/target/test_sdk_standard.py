"""The SDK's standard target tests, each followed by what the database must then hold.

The SDK's tests only check that nothing raises (or that the expected error does); every test here
also checks the rows. Tables get the default `intercom_` prefix.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from singer_sdk.testing import get_target_test_class
from singer_sdk.testing.runners import TargetTestRunner
from singer_sdk.testing.target_tests import (
    TargetRecordMissingKeyProperty,
    TargetRecordMissingRequiredProperty,
)
from singer_sdk.testing.templates import TargetFileTestTemplate
from target_supabase.target import TargetSupabase

from target.support import columns, fetch, sync_logs, tables

StandardTests: Any = get_target_test_class(TargetSupabase, config={})


class TestStandard(StandardTests):
    @pytest.fixture
    def resource(self, database_url: str) -> str:
        return database_url

    @pytest.fixture
    def runner(self, database_url: str) -> TargetTestRunner:
        return TargetTestRunner(
            target_class=TargetSupabase,
            config={"database_url": database_url},
            parse_env_config=False,
        )

    def test_target_array_data(self, config, resource, runner) -> None:
        super().test_target_array_data(config, resource, runner)
        assert fetch(resource, "SELECT id, fruits FROM intercom_test_array_data ORDER BY id") == [
            (1, ["apple", "orange", "pear"]),
            (2, ["banana", "apple"]),
            (3, ["pear"]),
            (4, ["orange", "banana", "apple", "pear"]),
        ]
        assert columns(resource, "intercom_test_array_data")["fruits"] == "text[]"

    def test_target_camelcase(self, config, resource, runner) -> None:
        super().test_target_camelcase(config, resource, runner)
        rows = fetch(resource, 'SELECT "Id", "clientName" FROM "intercom_TestCamelcase" ORDER BY 1')
        assert rows == [("1", "Gitter Windows Desktop App"), ("2", "Gitter iOS App")]

    def test_target_camelcase_complex_schema(self, config, resource, runner) -> None:
        super().test_target_camelcase_complex_schema(config, resource, runner)
        found = columns(resource, "intercom_ForecastingTypeToCategory")
        assert found["Id"] == "text"
        assert found["IsDeleted"] == "boolean"
        assert found["CreatedDate"] == "text"  # anyOf date-time or any string
        assert found["DisplayPosition"] == "bigint"
        assert fetch(resource, 'SELECT count(*) FROM "intercom_ForecastingTypeToCategory"') == [
            (0,)
        ]

    def test_target_cli_prints(self, config, resource, runner) -> None:
        super().test_target_cli_prints(config, resource, runner)
        assert tables(resource) == set()

    def test_target_duplicate_records(self, config, resource, runner) -> None:
        super().test_target_duplicate_records(config, resource, runner)
        rows = fetch(resource, "SELECT id, metric FROM intercom_test_duplicate_records ORDER BY id")
        assert rows == [(1, 100), (2, 20)]

    def test_target_encoded_string_data(self, config, resource, runner) -> None:
        super().test_target_encoded_string_data(config, resource, runner)
        strings = dict(fetch(resource, "SELECT id, info FROM intercom_test_strings"))
        assert strings[2] == "απλή συμβολοσειρά"
        assert strings[5] == 'quoted "string"'
        assert strings[6] == 'various " \\ / \n escape sequences'
        assert strings[10] == "Double quoting: \\u0000 \\u0041 \\u0001"
        assert strings[11] == "Control Characters in string:  A \x01"
        objects = dict(
            fetch(resource, "SELECT id, info->>'value' FROM intercom_test_strings_in_objects")
        )
        assert objects[10] == " \\u0000 \\u0041 \\u0001"
        assert objects[11] == " A \x01"
        arrays = dict(fetch(resource, "SELECT id, strings FROM intercom_test_strings_in_arrays"))
        assert arrays[3] == ['various " \\ / \n escape sequences']
        assert arrays[6] == ["bbb", "Control Characters in string:  A \x01"]
        [log] = sync_logs(resource)
        assert log["nul_characters_removed"] == 3
        assert log["status"] == "success"

    def test_target_invalid_schema(self, config, resource, runner) -> None:
        super().test_target_invalid_schema(config, resource, runner)
        assert "intercom_test_invalid_schema" not in tables(resource)

    def test_target_no_primary_keys(self, config, resource, runner) -> None:
        super().test_target_no_primary_keys(config, resource, runner)
        rows = fetch(resource, "SELECT id, metric FROM intercom_test_no_pk ORDER BY id")
        assert rows == [(1, 11), (2, 22), (3, 33)]

    def test_target_optional_attributes(self, config, resource, runner) -> None:
        super().test_target_optional_attributes(config, resource, runner)
        rows = fetch(
            resource, "SELECT id, optional FROM intercom_test_optional_attributes ORDER BY id"
        )
        assert rows == [(1, "This is optional"), (2, None), (3, "Also optional"), (4, None)]

    def test_target_pk_updates(self, config, resource, runner) -> None:
        super().test_target_pk_updates(config, resource, runner)
        rows = fetch(resource, "SELECT id, name, email FROM intercom_example_stream ORDER BY id")
        assert rows == [(1, "Alice", "alice@example.com"), (2, "Bob", "bob@example.com")]

    def test_target_record_before_schema(self, config, resource, runner) -> None:
        super().test_target_record_before_schema(config, resource, runner)
        assert "intercom_test_record_before_schema" not in tables(resource)

    def test_target_record_missing_key_property(self, config, resource, runner) -> None:
        # The SDK expects MissingKeyPropertiesError: so it is with `on_invalid_record: fail`.
        # With `reject`, the default, the record is set aside and the run goes on.
        fail = TargetTestRunner(
            target_class=TargetSupabase,
            config={"database_url": resource, "on_invalid_record": "fail"},
            parse_env_config=False,
        )
        super().test_target_record_missing_key_property(config, resource, fail)
        table = "intercom_test_record_missing_key_property"
        assert fetch(resource, f"SELECT count(*) FROM {table}") == [(0,)]
        [log] = sync_logs(resource)
        assert log["status"] == "failed"
        assert "stream 'test_record_missing_key_property' cannot be stored" in log["error_message"]
        assert "key property 'id' is missing" in log["error_message"]

        SetAsideMissingKey().run(config, resource, runner)
        assert fetch(resource, f"SELECT count(*) FROM {table}") == [(0,)]
        rejected = fetch(resource, "SELECT stream, record, error FROM intercom_rejected_records")
        assert rejected == [
            ("test_record_missing_key_property", {"metric": 8214}, "key property 'id' is missing")
        ]
        assert sync_logs(resource)[-1]["status"] == "success"

    def test_target_record_missing_fields(self, config, resource, runner) -> None:
        super().test_target_record_missing_fields(config, resource, runner)
        rows = fetch(
            resource, "SELECT id, optional FROM intercom_record_missing_fields ORDER BY id"
        )
        assert rows == [(1, "now you see me"), (2, None)]

    def test_target_record_missing_required_property(self, config, resource, runner) -> None:
        # In the SDK's templates but not in its standard suite: a record failing validation.
        TargetRecordMissingRequiredProperty().run(config, resource, runner)
        table = "intercom_test_record_missing_required_property"
        assert fetch(resource, f"SELECT count(*) FROM {table}") == [(0,)]
        rejected = fetch(resource, "SELECT stream, record, error FROM intercom_rejected_records")
        assert rejected == [
            (
                "test_record_missing_required_property",
                {"metric": 3215},
                '"id" is a required property',
            )
        ]

    def test_target_schema_no_properties(self, config, resource, runner) -> None:
        super().test_target_schema_no_properties(config, resource, runner)
        for table in ("with_properties", "no_properties"):
            rows = fetch(resource, f"SELECT object_store FROM intercom_test_object_schema_{table}")
            assert sorted(row[0]["id"] for row in rows) == [1, 2]
            assert (
                columns(resource, f"intercom_test_object_schema_{table}")["object_store"] == "jsonb"
            )

    def test_target_schema_updates(self, config, resource, runner) -> None:
        super().test_target_schema_updates(config, resource, runner)
        rows = fetch(
            resource,
            "SELECT id, a1, a2, a3, a4, a5, a6 FROM intercom_test_schema_updates ORDER BY id",
        )
        assert rows[0] == (1, Decimal(101), "string1", None, None, None, None)
        assert rows[5] == (
            6,
            Decimal(106),
            "string6",
            True,
            {"id": 4, "value": 444},
            ["banana", "orange"],
            341,
        )
        assert len(rows) == 6

    def test_target_special_chars_in_attributes(self, config, resource, runner) -> None:
        super().test_target_special_chars_in_attributes(config, resource, runner)
        rows = fetch(resource, 'SELECT _id, d FROM "intercom_test:SpecialChars!in?attributes"')
        assert rows == [
            ("a2e98886", {"env": "prod", "agent:type": "desktop", "agent:os:version": "10.13.1"})
        ]


class SetAsideMissingKey(TargetRecordMissingKeyProperty):
    """The SDK's missing-key test, expecting the run to succeed."""

    def test(self) -> None:
        TargetFileTestTemplate.test(self)


def test_every_standard_test_checks_the_database() -> None:
    standard = {name for name in dir(StandardTests) if name.startswith("test_")}
    standard.add("test_target_record_missing_required_property")
    checked = {name for name in TestStandard.__dict__ if name.startswith("test_")}
    assert standard
    assert standard <= checked
