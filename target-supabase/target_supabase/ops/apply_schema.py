"""`apply-schema`: create or upgrade every table, index, trigger and RLS setting, without data.

The streams come from the tap's catalog (`tap-intercom --discover`); the SQL is the target's own
(the same statements it runs before loading), so what this creates is what a sync would create.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

from target_supabase.ops import database


def read_catalog(path: str) -> dict[str, Any]:
    """A Singer catalog from a file, or from stdin when `path` is `-`."""
    text = sys.stdin.read() if path == "-" else Path(path).read_text()
    catalog = json.loads(text)
    if not isinstance(catalog, dict) or not isinstance(catalog.get("streams"), list):
        msg = f"{path} is not a Singer catalog (no `streams` list): use `tap-intercom --discover`"
        raise ValueError(msg)
    return catalog


def render_sql(catalog: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    from target_supabase.schema_sql import render_schema_sql

    return str(render_schema_sql(catalog["streams"], config))


def apply_sql(config: Mapping[str, Any], statements: str) -> None:
    """Run the whole script in one transaction: all of it or nothing."""
    with closing(database.connect(config)) as conn:
        with conn.cursor() as cur:
            cur.execute(statements)
        conn.commit()
