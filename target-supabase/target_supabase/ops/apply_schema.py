"""`apply-schema`: create or upgrade every table, index, trigger and RLS setting, without data.

The streams come from the tap's catalog (`tap-intercom --discover`, run here unless a catalog file
is given); the statements are the target's own, so this creates exactly what a sync would create,
and brings existing tables up to date the way a sync does (new columns, safe widenings).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from target_supabase.db.catalog import ensure_table
from target_supabase.db.connection import Database
from target_supabase.db.ddl import lock_schema_changes, preamble_statements, trigger_function_exists
from target_supabase.schema_sql import render_schema_sql
from target_supabase.settings import LoadSettings
from target_supabase.tables.support_tables import table_specs
from target_supabase.tables.table_spec import StreamShape, TableSpec

CATALOG_HELP = "pass --catalog FILE (from `tap-intercom --discover`) or --tap PATH"
# The Supabase CLI's layout: `supabase migration new <name>` writes
# supabase/migrations/<UTC timestamp, YYYYMMDDHHMMSS>_<name>.sql, and `supabase db push` applies
# the files the database has not recorded yet, in name order
# (https://supabase.com/docs/guides/deployment/database-migrations).
MIGRATIONS_FOLDER = Path("supabase") / "migrations"
MIGRATION_NAME = "intercom"
MIGRATION_HEADER = """\
-- Every table, index, trigger and RLS setting target-supabase creates for the tap's streams,
-- written by `target-supabase-ops apply-schema --migration` for the settings it was given.
-- Apply it with `supabase db push`. Safe to apply over existing tables: it only creates what is
-- missing (a sync upgrades existing tables itself).
"""


def read_catalog(path: str) -> dict[str, Any]:
    """A Singer catalog from a file, or from stdin when `path` is `-`."""
    text = sys.stdin.read() if path == "-" else Path(path).read_text()
    return checked_catalog(json.loads(text), path)


def discover_catalog(tap: str) -> dict[str, Any]:
    """Run `<tap> --discover` (it needs no credentials) and return its catalog."""
    executable = shutil.which(tap) or shutil.which(tap, path=str(Path(sys.executable).parent))
    if not executable:
        msg = f"cannot find the tap {tap!r} to discover the streams: {CATALOG_HELP}"
        raise ValueError(msg)
    done = subprocess.run(
        [executable, "--discover"], capture_output=True, text=True, check=False, timeout=300
    )
    if done.returncode != 0:
        msg = f"`{tap} --discover` failed: {done.stderr.strip()[-500:]}"
        raise ValueError(msg)
    return checked_catalog(json.loads(done.stdout), f"{tap} --discover")


def checked_catalog(catalog: Any, source: str) -> dict[str, Any]:
    if not isinstance(catalog, dict) or not isinstance(catalog.get("streams"), list):
        msg = f"{source} is not a Singer catalog (no `streams` list): {CATALOG_HELP}"
        raise ValueError(msg)
    return catalog


def render_sql(catalog: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    return render_schema_sql(catalog["streams"], config)


def write_migration(
    sql_text: str, folder: Path = MIGRATIONS_FOLDER, now: datetime | None = None
) -> Path:
    """Write the SQL as a new Supabase CLI migration; its path. Never overwrites a file."""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    path = folder / f"{moment:%Y%m%d%H%M%S}_{MIGRATION_NAME}.sql"
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("x") as migration:  # an existing file raises FileExistsError (an OSError)
        migration.write(MIGRATION_HEADER + sql_text)
    return path


def catalog_table_specs(catalog: Mapping[str, Any], settings: LoadSettings) -> list[TableSpec]:
    """The tables of the catalog's streams, in the order `render_schema_sql` lists them."""
    shapes = [StreamShape.from_catalog_entry(entry) for entry in catalog["streams"]]
    return table_specs(shapes, settings)


def apply(catalog: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    """Create or upgrade every table; return their names."""
    settings = LoadSettings.from_config(config)
    database = Database(config)
    try:
        with database.transaction(what="creating the schema") as cur:
            lock_schema_changes(cur, settings)
            for statement in preamble_statements(settings, trigger_function_exists(cur, settings)):
                cur.execute(statement)
        specs = catalog_table_specs(catalog, settings)
        for spec in specs:
            ensure_table(database, spec, settings)
    finally:
        database.close()
    return [spec.name for spec in specs]
