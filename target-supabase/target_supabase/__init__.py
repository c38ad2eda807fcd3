"""Singer target for Supabase (PostgreSQL)."""

from target_supabase.schema_sql import render_schema_sql

__all__ = ["render_schema_sql"]
