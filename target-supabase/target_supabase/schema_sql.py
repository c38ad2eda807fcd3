"""The DDL of every table for a catalog, as the SQL script `apply schema` prints or runs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from target_supabase.db.ddl import schema_statements
from target_supabase.db.sqltext import render
from target_supabase.settings import LoadSettings
from target_supabase.tables.table_spec import StreamShape


def render_schema_sql(
    catalog_streams: Iterable[Mapping[str, Any]], config: Mapping[str, Any]
) -> str:
    """Every statement the target runs to create the tables of `catalog_streams` (catalog
    entries as in `--discover` output) under `config`, as one SQL script."""
    settings = LoadSettings.from_config(config)
    statements = schema_statements(
        [StreamShape.from_catalog_entry(entry) for entry in catalog_streams], settings
    )
    return "".join(f"{render(statement)};\n" for statement in statements)
