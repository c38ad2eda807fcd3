"""The physical limit of loading: `psql` `\\copy` into a temporary table plus `INSERT ... ON
CONFLICT`, one transaction per table, from files prepared beforehand (so only the server's work,
and psql shipping the bytes, is timed).

The tables get the column types of the target's mapping, the primary key and the same secondary
indexes the target is asked for (replication key, `created_at`, `conversation_id`).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2
from psycopg2 import sql

from intercom_bench.singer_file import STREAMS, StreamSpec

TEXT_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def column_type(schema: dict[str, Any]) -> str:
    types = schema.get("type", [])
    kinds = [types] if isinstance(types, str) else [kind for kind in types if kind != "null"]
    kind = kinds[0] if kinds else "object"
    if kind == "string":
        return "timestamptz" if schema.get("format") == "date-time" else "text"
    if kind == "array":
        items = schema.get("items", {}).get("type")
        return "text[]" if items == "string" else "jsonb"
    simple = {"integer": "bigint", "number": "numeric", "boolean": "boolean"}
    return simple.get(kind, "jsonb")


def copy_value(value: Any, pg_type: str) -> str:
    """One field in COPY's text format."""
    if value is None:
        return "\\N"
    if pg_type == "jsonb":
        text = json.dumps(value, ensure_ascii=False)
    elif pg_type == "text[]":
        text = "{" + ",".join(json.dumps(item, ensure_ascii=False) for item in value) + "}"
    else:
        text = str(value)
    return text.translate(TEXT_ESCAPES)


@dataclass(frozen=True)
class LimitTable:
    stream: StreamSpec
    data_path: Path

    @property
    def columns(self) -> list[tuple[str, str]]:
        properties = self.stream.schema["properties"]
        return [(name, column_type(schema)) for name, schema in properties.items()]

    def create_statements(self) -> list[sql.Composable]:
        table = sql.Identifier(self.stream.name)
        columns = sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(pg_type))
            for name, pg_type in self.columns
        )
        keys = sql.SQL(", ").join(map(sql.Identifier, self.stream.key_properties))
        statements: list[sql.Composable] = [
            sql.SQL("CREATE TABLE {} ({}, PRIMARY KEY ({}))").format(table, columns, keys)
        ]
        for column in self.indexed_columns():
            statements.append(
                sql.SQL("CREATE INDEX ON {} ({})").format(table, sql.Identifier(column))
            )
        return statements

    def indexed_columns(self) -> list[str]:
        names = {name for name, _ in self.columns}
        wanted = [self.stream.replication_key, "created_at", "conversation_id"]
        leading_key = self.stream.key_properties[0]
        return [c for c in dict.fromkeys(wanted) if c in names and c != leading_key]

    def upsert_script(self) -> str:
        """psql commands loading this table in one transaction."""
        table = quote(self.stream.name)
        temp = quote("tmp_" + self.stream.name)
        keys = ", ".join(quote(key) for key in self.stream.key_properties)
        updates = ", ".join(
            f"{quote(name)} = EXCLUDED.{quote(name)}"
            for name, _ in self.columns
            if name not in self.stream.key_properties
        )
        return "\n".join(
            [
                "BEGIN;",
                f"CREATE TEMP TABLE {temp} (LIKE {table}) ON COMMIT DROP;",
                f"\\copy {temp} FROM '{self.data_path}'",
                f"INSERT INTO {table} SELECT * FROM {temp} "
                f"ON CONFLICT ({keys}) DO UPDATE SET {updates};",
                "COMMIT;",
            ]
        )


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def prepare_copy_files(singer_path: Path, out_dir: Path) -> list[LimitTable]:
    """Turn the Singer file into one COPY text file per stream (done once, not timed)."""
    tables = [LimitTable(stream, out_dir / f"{stream.name}.copy") for stream in STREAMS]
    if out_dir.exists():
        return tables
    partial = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    types = {table.stream.name: table.columns for table in tables}
    with ExitStack() as stack:
        handles = {
            name: stack.enter_context((partial / f"{name}.copy").open("w", encoding="utf-8"))
            for name in types
        }
        for stream, record in singer_records(singer_path):
            row = (copy_value(record.get(name), pg_type) for name, pg_type in types[stream])
            handles[stream].write("\t".join(row) + "\n")
    partial.rename(out_dir)
    return tables


def singer_records(path: Path) -> Iterable[tuple[str, dict[str, Any]]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            message = json.loads(line)
            if message["type"] == "RECORD":
                yield message["stream"], message["record"]


def create_tables(database_url: str, tables: list[LimitTable]) -> None:
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        for table in tables:
            for statement in table.create_statements():
                cur.execute(statement)
    conn.close()


def write_psql_script(tables: list[LimitTable], path: Path) -> Path:
    lines = ["\\set ON_ERROR_STOP on", *(table.upsert_script() for table in tables)]
    path.write_text("\n".join(lines) + "\n")
    return path
