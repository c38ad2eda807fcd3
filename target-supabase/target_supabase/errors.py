"""Failures the target explains by their message alone (any other keeps its traceback: a bug)."""

from __future__ import annotations

from singer_sdk.exceptions import (
    InvalidRecord,
    MissingKeyPropertiesError,
    RecordsWithoutSchemaException,
)
from singer_sdk.singerlib.exceptions import InvalidInputLine

from target_supabase.batch_files import BatchFileError
from target_supabase.db.connection import DatabaseError
from target_supabase.db.ddl import SchemaEvolutionError
from target_supabase.tables.names import UnusableNameError
from target_supabase.tables.reserved import ReservedTableError


class TerminatedError(RuntimeError):
    """The target received SIGTERM or SIGINT."""


CLEAR_ERRORS = (
    DatabaseError,
    SchemaEvolutionError,
    InvalidRecord,
    MissingKeyPropertiesError,
    RecordsWithoutSchemaException,
    InvalidInputLine,
    TerminatedError,
    BatchFileError,
    ReservedTableError,
    UnusableNameError,
)
