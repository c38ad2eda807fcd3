"""`target-supabase-ops`: the operator commands (`check`, `status`, `apply-schema`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import psycopg2

from target_supabase.config import load_config
from target_supabase.db.connection import DatabaseError
from target_supabase.db.ddl import SchemaEvolutionError
from target_supabase.ops import apply_schema, database, db_check, status
from target_supabase.ops.results import print_report
from target_supabase.target import TargetSupabase

CONFIG_HELP = "a JSON config file, or ENV for TARGET_SUPABASE_* variables (repeatable)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="target-supabase-ops", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in [
        ("check", "test the database: reachable, SSL, permission to create tables"),
        ("status", "print the last syncs from the sync log"),
        ("apply-schema", "create or upgrade every table, index, trigger and RLS setting"),
    ]:
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--config", action="append", default=[], help=CONFIG_HELP)
    commands.choices["status"].add_argument(
        "--limit", type=int, default=10, help="how many runs to show (default 10)"
    )
    schema_command = commands.choices["apply-schema"]
    schema_command.add_argument(
        "--catalog", help="the tap's catalog file (`tap-intercom --discover`), or - for stdin"
    )
    schema_command.add_argument(
        "--tap",
        default="tap-intercom",
        help="without --catalog, run this tap's --discover (default: tap-intercom on PATH)",
    )
    output = schema_command.add_mutually_exclusive_group()
    output.add_argument(
        "--print-sql", action="store_true", help="print the SQL instead of running it"
    )
    output.add_argument(
        "--migration",
        nargs="?",
        const=str(apply_schema.MIGRATIONS_FOLDER),
        metavar="FOLDER",
        help="write the SQL as a Supabase CLI migration, FOLDER/<timestamp>_intercom.sql "
        "(default folder: supabase/migrations), instead of running it; `supabase db push` "
        "applies it",
    )
    return parser


def run_check(config: dict) -> int:
    return print_report("Database", db_check.check_database(config))


def run_status(config: dict, limit: int) -> int:
    print(status.render_status(config, limit))
    return 0


def run_apply_schema(config: dict, args: argparse.Namespace) -> int:
    if args.catalog:
        catalog = apply_schema.read_catalog(args.catalog)
    else:
        catalog = apply_schema.discover_catalog(args.tap)
    if args.print_sql:
        print(apply_schema.render_sql(catalog, config), end="")
        return 0
    if args.migration:
        path = apply_schema.write_migration(
            apply_schema.render_sql(catalog, config), Path(args.migration)
        )
        print(f"Wrote {path}: apply it with `supabase db push`.")
        return 0
    tables = apply_schema.apply(catalog, config)
    schema = config.get("schema") or "public"
    print(f"Applied the schema to {database.describe(config)}, schema {schema!r}:")
    print("  " + ", ".join(tables))
    return 0


def run(args: argparse.Namespace) -> int:
    config, errors = load_config(TargetSupabase, args.config or ["ENV"])
    if errors and args.command == "check":
        return print_report("Database", db_check.check_settings(config, errors))
    printing_only = args.command == "apply-schema" and (args.print_sql or args.migration)
    if errors and not printing_only:
        for error in errors:
            print(f"target-supabase-ops {args.command}: {error}", file=sys.stderr)
        return 1
    try:
        if args.command == "check":
            return run_check(config)
        if args.command == "status":
            return run_status(config, args.limit)
        return run_apply_schema(config, args)
    except psycopg2.Error as error:
        said = database.scrub(" ".join(str(error).split()), config)
        raise DatabaseError(f"database error: {said}") from None


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except SchemaEvolutionError as error:
        print(f"target-supabase-ops {args.command}: {error}", file=sys.stderr)
    except DatabaseError as error:
        print(f"target-supabase-ops {args.command}: {error}", file=sys.stderr)
        print("Run `target-supabase-ops check` to find out what is wrong.", file=sys.stderr)
    except (OSError, ValueError) as error:
        print(f"target-supabase-ops {args.command}: {error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
