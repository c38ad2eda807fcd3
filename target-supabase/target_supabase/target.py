"""The Singer target, SDK wiring only: each message hook hands over to run.py's `LoadRun`."""

from __future__ import annotations

import sys
from collections import Counter
from functools import partial
from types import FrameType
from typing import Any, ClassVar, cast

from singer_sdk.helpers.capabilities import CapabilitiesEnum, PluginCapabilities
from singer_sdk.target_base import Target

from target_supabase.batch_files import batch_records
from target_supabase.config import env_config
from target_supabase.db.connection import secrets_of, validation_without_secrets
from target_supabase.errors import CLEAR_ERRORS, TerminatedError
from target_supabase.log_safety import escape_controls_in_logs
from target_supabase.reader import FastSingerReader, binary_input
from target_supabase.run import LoadRun, write_state
from target_supabase.sdk_bridge import PlainRecords, SinkRegistry
from target_supabase.settings import CONFIG_SCHEMA
from target_supabase.sink import SoftDeleteSink, TableSink, ValidatingSink
from target_supabase.snapshot_sink import SnapshotSink

if sys.version_info >= (3, 12):
    from typing import override
else:
    from typing_extensions import override


class TargetSupabase(Target):
    """Loads Singer streams into Supabase (PostgreSQL) with COPY and upserts."""

    name = "target-supabase"
    capabilities: ClassVar[list[CapabilitiesEnum]] = [
        *Target.capabilities,
        PluginCapabilities.ACTIVATE_VERSION,
    ]
    config_jsonschema = CONFIG_SCHEMA
    message_reader_class = FastSingerReader

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        about = {"target": self.name, "target_version": self.plugin_version}
        sinks, emit, config = SinkRegistry(self), self._write_state_message, dict(self.config)
        self.run = LoadRun(config, sinks, self.logger, about, emit)
        self.plain_records = PlainRecords(self, super()._process_record_message)

    @property
    def _env_var_config(self) -> dict[str, Any]:
        """TARGET_SUPABASE_* variables (`--config ENV`), `number` settings included: the SDK
        leaves those as strings, e.g. TARGET_SUPABASE_BATCH_MAX_SECONDS=10."""
        return env_config(type(self))

    @override
    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        """The SDK's validation, its messages free of secrets (connection.py)."""
        validate = partial(super()._validate_config, raise_errors=raise_errors)
        return validation_without_secrets(validate, secrets_of(self._config))

    @classmethod
    @override
    def invoke(cls, *args: Any, **kwargs: Any) -> None:
        """The CLI: known failures end with one clear line on stderr and exit code 1."""
        escape_controls_in_logs()
        try:
            super().invoke(*args, **kwargs)
        except CLEAR_ERRORS as exc:
            cls.logger.error("target-supabase failed: %s", exc)
            sys.exit(1)

    @override  # type: ignore[misc]  # final in the SDK: the connection closes however it ends
    def listen(self, file_input: Any = None) -> None:
        try:
            super().listen(file_input)
        finally:
            self.run.close()

    @override  # type: ignore[misc]  # final in the SDK; overridden so failures reach the sync log
    def process_lines(self, file_input: Any) -> Counter[str]:
        with self.run.failures_recorded():
            return super().process_lines(binary_input(file_input))

    @override
    def process_endofpipe(self) -> None:
        with self.run.failures_recorded():
            self.run.finish()

    @override
    def _handle_termination(self, signum: int, frame: FrameType | None) -> None:
        # No draining from inside a signal handler (it may interrupt a COPY): stop here; what
        # was committed is covered by the last emitted state.
        raise TerminatedError(f"terminated by signal {signum}")

    @override
    def _process_schema_message(self, message_dict: dict) -> None:
        self.plain_records.forget()
        self.run.note_schema(message_dict)
        super()._process_schema_message(message_dict)

    @override
    def _process_activate_version_message(self, message_dict: dict) -> None:
        self._assert_line_requires(message_dict, requires={"stream", "version"})
        enabled = self.config.get("process_activate_version_messages", True)
        self.run.activate_version(message_dict["stream"], message_dict["version"], enabled=enabled)

    @override
    def _process_batch_message(self, message_dict: dict) -> None:
        """Each record goes the way of a RECORD message; an unreadable file fails the run."""
        self._assert_line_requires(message_dict, requires={"stream", "encoding", "manifest"})
        self.run.start()
        for record_message in batch_records(message_dict):
            self._process_record_message(record_message)

    @override
    def _process_record_message(self, message_dict: dict) -> None:
        if message_dict.get("version") is not None:
            self.run.use_version(cast(str, message_dict.get("stream")), message_dict["version"])
        full = self.plain_records.process(message_dict)
        if full is not None:
            self.drain_one(full)
        self.run.note_record()

    @override
    def _process_state_message(self, message_dict: dict) -> None:
        self._assert_line_requires(message_dict, requires={"value"})
        self.run.note_state(message_dict["value"])

    @override
    def _handle_max_record_age(self) -> None:  # checkpoints: LoadRun.note_state, note_record
        pass

    @override
    def _write_state_message(self, state: dict) -> None:
        write_state(state)

    @override
    def get_sink_class(self, stream_name: str) -> type[ValidatingSink]:
        """The sink class of the stream, given this run (sinks never reach back in here)."""
        spec = self.run.settings.soft_deletes.get(stream_name)
        sink_class: type[ValidatingSink] = TableSink
        if spec is not None:
            sink_class = SnapshotSink if spec.snapshot else SoftDeleteSink
        return cast(type[ValidatingSink], partial(sink_class, run=self.run))


main = TargetSupabase.cli
