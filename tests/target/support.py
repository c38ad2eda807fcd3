"""Helpers for the target's tests: feed messages to the target, read what the database holds."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2
from target_supabase.db.sqltext import quote_ident
from target_supabase.target import TargetSupabase

TARGET_BIN = Path(sys.executable).parent / "target-supabase"
DATA_DIR = Path(__file__).parent / "data"


def fetch(url: str, query: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
    with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall()


def columns(url: str, table: str, schema: str = "public") -> dict[str, str]:
    """Column → type as PostgreSQL prints it, in column order."""
    rows = fetch(
        url,
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [f"{quote_ident(schema)}.{quote_ident(table)}"],
    )
    return dict(rows)


def tables(url: str, schema: str = "public") -> set[str]:
    return {
        name
        for (name,) in fetch(url, "SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
    }


def sync_logs(url: str, table: str = "intercom_sync_logs") -> list[dict[str, Any]]:
    with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(f'SELECT * FROM "{table}" ORDER BY id')
        names = [column.name for column in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def schema_message(
    stream: str,
    properties: dict[str, Any],
    keys: Sequence[str] = (),
    replication_key: str | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "SCHEMA",
        "stream": stream,
        "key_properties": list(keys),
        "schema": {"type": "object", "properties": properties},
    }
    if replication_key:
        message["bookmark_properties"] = [replication_key]
    return message


def record(stream: str, **values: Any) -> dict[str, Any]:
    return {"type": "RECORD", "stream": stream, "record": values}


def state(value: dict[str, Any]) -> dict[str, Any]:
    return {"type": "STATE", "value": value}


def as_lines(messages: Iterable[dict[str, Any] | str]) -> str:
    return "".join((m if isinstance(m, str) else json.dumps(m)) + "\n" for m in messages)


def run_in_process(config: dict[str, Any], messages: Iterable[dict[str, Any] | str]) -> list[Any]:
    """Run the target on `messages`; return the states it wrote to stdout."""
    out = io.StringIO()
    target = TargetSupabase(config=config, parse_env_config=False)
    with contextlib.redirect_stdout(out):
        target.listen(io.StringIO(as_lines(messages)))
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


@dataclass
class Finished:
    returncode: int
    states: list[Any]
    stderr: str
    stdout: str


def run_process(
    config: dict[str, Any], messages: Iterable[dict[str, Any] | str], tmp_path: Path
) -> Finished:
    """Run `target-supabase --config` as a process, as Meltano or a shell pipe would."""
    config_file = tmp_path / "target-config.json"
    config_file.write_text(json.dumps(config))
    done = subprocess.run(
        [str(TARGET_BIN), "--config", str(config_file)],
        input=as_lines(messages),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    states = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return Finished(done.returncode, states, done.stderr, done.stdout)
