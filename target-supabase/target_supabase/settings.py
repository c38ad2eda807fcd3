"""The target's settings: their schema (the documentation) and the typed view the code uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError

from target_supabase.names import DEFAULT_TABLE_NAMES

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

CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "database_url",
        th.StringType,
        secret=True,
        description="PostgreSQL URL (Supabase: Connect → URI). Overrides host, port, user, "
        "password and database.",
    ),
    th.Property("host", th.StringType, description="Database host."),
    th.Property("port", th.IntegerType, default=5432, description="Database port."),
    th.Property("user", th.StringType, description="Database user."),
    th.Property("password", th.StringType, secret=True, description="Database password."),
    th.Property("database", th.StringType, default="postgres", description="Database name."),
    th.Property(
        "sslmode",
        th.StringType,
        allowed_values=["disable", "allow", "prefer", "require", "verify-ca", "verify-full"],
        description="libpq sslmode. Default: `require` for any host that is not local.",
    ),
    th.Property("schema", th.StringType, default="public", description="Target schema."),
    th.Property(
        "table_prefix",
        th.StringType,
        default="intercom_",
        description="Prefix of every table name. Set to an empty string for a plain loader.",
    ),
    th.Property(
        "table_names",
        th.ObjectType(additional_properties=th.StringType),
        default=DEFAULT_TABLE_NAMES,
        description="Stream → table name (before the prefix), for streams not named after "
        "their table.",
    ),
    th.Property(
        "load_method",
        th.StringType,
        allowed_values=list(LOAD_METHODS),
        default="upsert",
        description="`upsert` by key, `append-only`, or `overwrite` (a stream whose data "
        "arrived complete replaces its table's rows in one transaction; other runs merge by key).",
    ),
    th.Property(
        "batch_size_rows",
        th.IntegerType,
        default=10000,
        description="Rows per load transaction (a stream's batch is loaded when full).",
    ),
    th.Property(
        "batch_max_bytes",
        th.IntegerType,
        default=64 * 1024 * 1024,
        description="Approximate bytes per load transaction (bounds memory).",
    ),
    th.Property(
        "batch_max_seconds",
        th.NumberType,
        default=30,
        description="Seconds after which what was read is loaded and the latest state emitted, "
        "at the next STATE message or within the next 1000 records, whichever comes first.",
    ),
    th.Property(
        "checkpoint_rows",
        th.IntegerType,
        default=50000,
        description="Rows after which what was read is loaded and the latest state emitted, at "
        "the next STATE message or within the next 1000 records, whichever comes first.",
    ),
    th.Property(
        "on_invalid_record",
        th.StringType,
        allowed_values=list(INVALID_RECORD_ACTIONS),
        default="reject",
        description="`reject`: store records that do not match their schema in the rejected "
        "records table and go on; `fail`: stop the run.",
    ),
    th.Property(
        "enable_rls",
        th.BooleanType,
        default=True,
        description="Enable row level security (no policies) on every table created.",
    ),
    th.Property(
        "hard_delete",
        th.BooleanType,
        default=False,
        description="For streams that send ACTIVATE_VERSION: `true` deletes the rows the source "
        "no longer has; `false` keeps them with `_sdc_deleted_at` set.",
    ),
    th.Property(
        "grant_select_to",
        th.ArrayType(th.StringType),
        default=DEFAULT_GRANT_SELECT_TO,
        description="Roles given SELECT on every table the target creates; `anon` and "
        "`authenticated` get no privileges on them unless listed. Roles the database does not "
        "have are skipped.",
    ),
    th.Property(
        "statement_timeout_seconds",
        th.IntegerType,
        default=DEFAULT_STATEMENT_TIMEOUT_SECONDS,
        description="SET LOCAL statement_timeout for each load transaction (Supabase's default "
        "for `postgres` is 2 minutes); 0 means no timeout.",
    ),
    th.Property(
        "replace_sets",
        th.ObjectType(additional_properties=th.ObjectType()),
        default=DEFAULT_REPLACE_SETS,
        description="Streams whose rows are replaced as a set per parent key: stream → "
        "{parent_stream, parent_keys}.",
    ),
    th.Property(
        "soft_deletes",
        th.ObjectType(additional_properties=th.ObjectType()),
        default=DEFAULT_SOFT_DELETES,
        description="Streams whose rows set `deleted_at` on another stream's table by key: "
        "stream → {target_stream, keys, deleted_at_property}; with `snapshot: true` the "
        "stream is a complete id list and the rows absent from it are marked instead.",
    ),
    th.Property(
        "index_columns",
        th.ArrayType(th.StringType),
        default=DEFAULT_INDEX_COLUMNS,
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
    """What the DDL and the loader need to know, read once from the config."""

    schema: str = "public"
    table_prefix: str = "intercom_"
    table_names: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_TABLE_NAMES))
    load_method: str = "upsert"
    enable_rls: bool = True
    hard_delete: bool = False
    grant_select_to: tuple[str, ...] = tuple(DEFAULT_GRANT_SELECT_TO)
    statement_timeout_seconds: int = DEFAULT_STATEMENT_TIMEOUT_SECONDS
    on_invalid_record: str = "reject"
    index_columns: tuple[str, ...] = tuple(DEFAULT_INDEX_COLUMNS)
    replace_sets: Mapping[str, ReplaceSet] = field(default_factory=dict)
    soft_deletes: Mapping[str, SoftDelete] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LoadSettings:
        _check_choice(config, "load_method", LOAD_METHODS)
        _check_choice(config, "on_invalid_record", INVALID_RECORD_ACTIONS)
        replace_sets = config.get("replace_sets", DEFAULT_REPLACE_SETS)
        soft_deletes = config.get("soft_deletes", DEFAULT_SOFT_DELETES)
        return cls(
            schema=config.get("schema") or "public",
            table_prefix=config.get("table_prefix", "intercom_"),
            table_names=dict(config.get("table_names", DEFAULT_TABLE_NAMES)),
            load_method=config.get("load_method") or "upsert",
            enable_rls=bool(config.get("enable_rls", True)),
            hard_delete=bool(config.get("hard_delete", False)),
            grant_select_to=tuple(config.get("grant_select_to", DEFAULT_GRANT_SELECT_TO)),
            statement_timeout_seconds=_statement_timeout(config),
            on_invalid_record=config.get("on_invalid_record") or "reject",
            index_columns=tuple(config.get("index_columns", DEFAULT_INDEX_COLUMNS)),
            replace_sets={
                stream: ReplaceSet(spec["parent_stream"], tuple(spec["parent_keys"]))
                for stream, spec in replace_sets.items()
            },
            soft_deletes={
                stream: SoftDelete(
                    spec["target_stream"],
                    tuple(spec["keys"]),
                    spec.get("deleted_at_property", "deleted_at"),
                    bool(spec.get("snapshot", False)),
                )
                for stream, spec in soft_deletes.items()
            },
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
