"""The target's settings: their schema (the documentation) and the typed view the code uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError

from target_supabase.tables.names import DEFAULT_TABLE_NAMES

LOAD_METHODS = ("upsert", "append-only", "overwrite")
INVALID_RECORD_ACTIONS = ("reject", "fail")

# Rows of `conversation_tags` are the complete tag set of their conversation (docs/architecture.md,
# "Record order"): each new version of a conversation replaces its tag rows.
DEFAULT_REPLACE_SETS = {
    "conversation_tags": {"parent_stream": "conversations", "parent_keys": ["conversation_id"]},
}
# Intercom lists deleted conversations separately (GET /conversations/deleted, API 2.16); they mark
# the conversation row rather than removing it.
DEFAULT_SOFT_DELETES = {
    "deleted_conversations": {
        "target_stream": "conversations",
        "keys": ["conversation_id"],
        "deleted_at_property": "deleted_at",
    },
    # Complete id snapshots (the tap's deletion check): rows absent from one are marked.
    "contact_ids_snapshot": {
        "target_stream": "contacts",
        "keys": ["contact_id"],
        "deleted_at_property": "deleted_at",
        "snapshot": True,
    },
    "company_ids_snapshot": {
        "target_stream": "companies",
        "keys": ["company_id"],
        "deleted_at_property": "deleted_at",
        "snapshot": True,
    },
}
DEFAULT_INDEX_COLUMNS = ["created_at", "conversation_id"]
DEFAULT_STATEMENT_TIMEOUT_SECONDS = 110
# Supabase's Data API roles. Since 2026-05-30 (new projects) and 2026-10-30 (all projects) new
# tables in `public` get no grants, so the Data API sees nothing; older projects' default
# privileges give `anon` and `authenticated` everything, TRUNCATE and TRIGGER included, which
# row level security does not stop (https://supabase.com/changelog, 2026-04-28; the old default
# is `grant all on tables` in supabase/postgres's migrations). Tables the target creates get
# explicit privileges: nothing for these two, SELECT for `grant_select_to`.
API_ROLES = ("anon", "authenticated")
DEFAULT_GRANT_SELECT_TO = ["service_role"]

# Every default, written once: the settings schema (what users and Meltano see) and LoadSettings
# (what the code reads) both take them from here.
DEFAULTS: dict[str, Any] = {
    "port": 5432,
    "database": "postgres",
    "schema": "public",
    "table_prefix": "intercom_",
    "table_names": DEFAULT_TABLE_NAMES,
    "load_method": "upsert",
    "batch_size_rows": 10000,
    "batch_max_bytes": 64 * 1024 * 1024,
    "batch_max_seconds": 30,
    "checkpoint_rows": 50000,
    "on_invalid_record": "reject",
    "enable_rls": True,
    "hard_delete": False,
    "grant_select_to": DEFAULT_GRANT_SELECT_TO,
    "statement_timeout_seconds": DEFAULT_STATEMENT_TIMEOUT_SECONDS,
    "replace_sets": DEFAULT_REPLACE_SETS,
    "soft_deletes": DEFAULT_SOFT_DELETES,
    "index_columns": DEFAULT_INDEX_COLUMNS,
}

CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "database_url",
        th.StringType,
        secret=True,
        description="PostgreSQL URL (Supabase: Connect → URI). Overrides host, port, user, "
        "password and database.",
    ),
    th.Property("host", th.StringType, description="Database host."),
    th.Property("port", th.IntegerType, default=DEFAULTS["port"], description="Database port."),
    th.Property("user", th.StringType, description="Database user."),
    th.Property("password", th.StringType, secret=True, description="Database password."),
    th.Property(
        "database", th.StringType, default=DEFAULTS["database"], description="Database name."
    ),
    th.Property(
        "sslmode",
        th.StringType,
        allowed_values=["disable", "allow", "prefer", "require", "verify-ca", "verify-full"],
        description="libpq sslmode. Default: `require` for any host that is not local.",
    ),
    th.Property("schema", th.StringType, default=DEFAULTS["schema"], description="Target schema."),
    th.Property(
        "table_prefix",
        th.StringType,
        default=DEFAULTS["table_prefix"],
        description="Prefix of every table name. Set to an empty string for a plain loader.",
    ),
    th.Property(
        "table_names",
        th.ObjectType(additional_properties=th.StringType),
        default=DEFAULTS["table_names"],
        description="Stream → table name (before the prefix), for streams not named after "
        "their table.",
    ),
    th.Property(
        "load_method",
        th.StringType,
        allowed_values=list(LOAD_METHODS),
        default=DEFAULTS["load_method"],
        description="`upsert` by key, `append-only`, or `overwrite` (a stream whose data "
        "arrived complete replaces its table's rows in one transaction; other runs merge by key).",
    ),
    th.Property(
        "batch_size_rows",
        th.IntegerType,
        default=DEFAULTS["batch_size_rows"],
        description="Rows per load transaction (a stream's batch is loaded when full).",
    ),
    th.Property(
        "batch_max_bytes",
        th.IntegerType,
        default=DEFAULTS["batch_max_bytes"],
        description="Approximate bytes per load transaction (bounds memory).",
    ),
    th.Property(
        "batch_max_seconds",
        th.NumberType,
        default=DEFAULTS["batch_max_seconds"],
        description="Seconds after which what was read is loaded and the latest state emitted, "
        "at the next STATE message or within the next 1000 records, whichever comes first.",
    ),
    th.Property(
        "checkpoint_rows",
        th.IntegerType,
        default=DEFAULTS["checkpoint_rows"],
        description="Rows after which what was read is loaded and the latest state emitted, at "
        "the next STATE message or within the next 1000 records, whichever comes first.",
    ),
    th.Property(
        "on_invalid_record",
        th.StringType,
        allowed_values=list(INVALID_RECORD_ACTIONS),
        default=DEFAULTS["on_invalid_record"],
        description="`reject`: store records that do not match their schema in the rejected "
        "records table and go on; `fail`: stop the run.",
    ),
    th.Property(
        "enable_rls",
        th.BooleanType,
        default=DEFAULTS["enable_rls"],
        description="Enable row level security (no policies) on every table created.",
    ),
    th.Property(
        "hard_delete",
        th.BooleanType,
        default=DEFAULTS["hard_delete"],
        description="For streams that send ACTIVATE_VERSION: `true` deletes the rows the source "
        "no longer has; `false` keeps them with `_sdc_deleted_at` set.",
    ),
    th.Property(
        "grant_select_to",
        th.ArrayType(th.StringType),
        default=DEFAULTS["grant_select_to"],
        description="Roles given SELECT on every table the target creates; `anon` and "
        "`authenticated` get no privileges on them unless listed. Roles the database does not "
        "have are skipped.",
    ),
    th.Property(
        "statement_timeout_seconds",
        th.IntegerType,
        default=DEFAULTS["statement_timeout_seconds"],
        description="SET LOCAL statement_timeout for each load transaction (Supabase's default "
        "for `postgres` is 2 minutes); 0 means no timeout.",
    ),
    th.Property(
        "replace_sets",
        th.ObjectType(additional_properties=th.ObjectType()),
        default=DEFAULTS["replace_sets"],
        description="Streams whose rows are replaced as a set per parent key: stream → "
        "{parent_stream, parent_keys}.",
    ),
    th.Property(
        "soft_deletes",
        th.ObjectType(additional_properties=th.ObjectType()),
        default=DEFAULTS["soft_deletes"],
        description="Streams whose rows set `deleted_at` on another stream's table by key: "
        "stream → {target_stream, keys, deleted_at_property}; with `snapshot: true` the "
        "stream is a complete id list and the rows absent from it are marked instead.",
    ),
    th.Property(
        "index_columns",
        th.ArrayType(th.StringType),
        default=DEFAULTS["index_columns"],
        description="Columns indexed wherever present (the replication key always is).",
    ),
).to_dict()


@dataclass(frozen=True)
class ReplaceSet:
    """Rows of a stream form the complete set of their parent's children."""

    parent_stream: str
    parent_keys: tuple[str, ...]


@dataclass(frozen=True)
class SoftDelete:
    """Rows of a stream mark rows of another stream's table as deleted."""

    target_stream: str
    keys: tuple[str, ...]
    deleted_at_property: str = "deleted_at"
    snapshot: bool = False  # a complete id snapshot: rows absent from it are marked


@dataclass(frozen=True)
class LoadSettings:
    """What the run, the DDL and the loader need to know, read once from the config (the
    defaults come from DEFAULTS; `LoadSettings.from_config({})` is the default settings)."""

    schema: str
    table_prefix: str
    table_names: Mapping[str, str]
    load_method: str
    enable_rls: bool
    hard_delete: bool
    grant_select_to: tuple[str, ...]
    statement_timeout_seconds: int
    on_invalid_record: str
    index_columns: tuple[str, ...]
    replace_sets: Mapping[str, ReplaceSet] = field(default_factory=dict)
    soft_deletes: Mapping[str, SoftDelete] = field(default_factory=dict)
    batch_max_bytes: int = DEFAULTS["batch_max_bytes"]
    batch_max_seconds: float = DEFAULTS["batch_max_seconds"]
    checkpoint_rows: float = DEFAULTS["checkpoint_rows"]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LoadSettings:
        _check_choice(config, "load_method", LOAD_METHODS)
        _check_choice(config, "on_invalid_record", INVALID_RECORD_ACTIONS)

        def given(name: str) -> Any:
            """The setting, or its default when absent (an empty value counts as given)."""
            return config.get(name, DEFAULTS[name])

        def truthy(name: str) -> Any:
            """The setting, or its default when absent, null or empty."""
            return config.get(name) or DEFAULTS[name]

        def number(name: str) -> float:
            value = config.get(name)
            return float(DEFAULTS[name] if value is None else value)

        return cls(
            schema=truthy("schema"),
            table_prefix=given("table_prefix"),
            table_names=dict(given("table_names")),
            load_method=truthy("load_method"),
            enable_rls=bool(given("enable_rls")),
            hard_delete=bool(given("hard_delete")),
            grant_select_to=tuple(given("grant_select_to")),
            statement_timeout_seconds=_statement_timeout(config),
            on_invalid_record=truthy("on_invalid_record"),
            index_columns=tuple(given("index_columns")),
            replace_sets={
                stream: ReplaceSet(spec["parent_stream"], tuple(spec["parent_keys"]))
                for stream, spec in given("replace_sets").items()
            },
            soft_deletes={
                stream: SoftDelete(
                    spec["target_stream"],
                    tuple(spec["keys"]),
                    spec.get("deleted_at_property", "deleted_at"),
                    bool(spec.get("snapshot", False)),
                )
                for stream, spec in given("soft_deletes").items()
            },
            batch_max_bytes=int(truthy("batch_max_bytes")),
            batch_max_seconds=number("batch_max_seconds"),
            checkpoint_rows=number("checkpoint_rows"),
        )

    def soft_delete_columns(self, stream: str) -> list[str]:
        """The `deleted_at`-like columns other streams set on `stream`'s table."""
        return list(
            dict.fromkeys(
                spec.deleted_at_property
                for spec in self.soft_deletes.values()
                if spec.target_stream == stream
            )
        )


def _statement_timeout(config: Mapping[str, Any]) -> int:
    """Seconds; 0 is PostgreSQL's own "no timeout" (not the default: a falsy 0 once became 110)."""
    value = config.get("statement_timeout_seconds")
    if value is None:
        return DEFAULT_STATEMENT_TIMEOUT_SECONDS
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = (
            f"Setting statement_timeout_seconds={value!r} must be a whole number of seconds, "
            "0 or more (0: no timeout)."
        )
        raise ConfigValidationError(msg, errors=[msg])
    return value


def _check_choice(config: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> None:
    value = config.get(name)
    if value is not None and value not in allowed:
        msg = f"Setting {name}={value!r} is not one of {', '.join(allowed)}."
        raise ConfigValidationError(msg, errors=[msg])
