"""tap-intercom: the Singer tap for Intercom."""

from __future__ import annotations

from functools import cached_property
from typing import Any, cast

from singer_sdk import Stream, Tap
from singer_sdk.exceptions import ConfigValidationError
from typing_extensions import override

from tap_intercom.early_lists import Request
from tap_intercom.runtime import Runtime, build_runtime, sync_marker, sync_type
from tap_intercom.settings import CONFIG_SCHEMA, config_errors, parse_settings
from tap_intercom.streams.companies import CompaniesStream
from tap_intercom.streams.contacts import ContactsStream
from tap_intercom.streams.conversations import (
    ConversationPartsStream,
    ConversationsStream,
    ConversationTagsStream,
    DeletedConversationsStream,
)
from tap_intercom.streams.tickets import TicketsStream
from tap_intercom.streams.workspace import (
    AdminsStream,
    DataAttributesStream,
    ListStream,
    SegmentsStream,
    TagsStream,
    TeamsStream,
)

STREAM_TYPES: tuple[type[Stream], ...] = (
    ConversationsStream,
    ConversationPartsStream,
    ConversationTagsStream,
    ContactsStream,
    AdminsStream,
    TagsStream,
    TeamsStream,
    SegmentsStream,
    CompaniesStream,
    TicketsStream,
    DataAttributesStream,
    DeletedConversationsStream,
)


class TapIntercom(Tap):
    """Singer tap for Intercom: every stream, exact incremental replication, parallel fetching."""

    name = "tap-intercom"
    package_name = "tap-intercom-supabase"  # the distribution (tap-intercom/pyproject.toml)
    config_jsonschema = CONFIG_SCHEMA

    @property
    def _env_var_config(self) -> dict[str, Any]:
        """TAP_INTERCOM_* variables (`--config ENV`), `number` settings included: the SDK
        leaves those as strings, e.g. TAP_INTERCOM_REQUEST_TIMEOUT=30."""
        from tap_intercom.connection_check import env_config  # imports this module

        return env_config()

    @override
    def discover_streams(self) -> list[Stream]:
        return [stream_type(self) for stream_type in STREAM_TYPES]

    @cached_property
    def runtime(self) -> Runtime:
        return build_runtime(parse_settings(self.config))

    @override
    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        # Cross-field rules the JSON schema cannot express; all before any request.
        errors = super()._validate_config(raise_errors=False) + config_errors(self.config)
        if errors and raise_errors:
            raise ConfigValidationError("Config validation failed", errors=errors)
        return errors

    @property
    def _state_dict(self) -> dict[str, Any]:
        # The `sync` marker (docs/architecture.md) sits beside the SDK's `bookmarks`.
        return cast(dict[str, Any], self.state)

    @override
    def load_state(self, state: dict[str, Any]) -> None:
        # Only bookmarks are read: a `sync` marker from an earlier run is ignored.
        super().load_state(state)
        self._input_state = state

    def sync_all(self) -> None:  # type: ignore[misc]  # final in the SDK; extended, not replaced
        """Sync everything, then write the run's last STATE with `complete: true`."""
        kind = sync_type(self.runtime.settings, getattr(self, "_input_state", {}))
        self._state_dict["sync"] = sync_marker(self.runtime, kind)
        try:
            self.runtime.early.start(self._early_requests())
            super().sync_all()
        finally:
            self.runtime.early.close()
            self.runtime.progress.finish()
            self.runtime.client.close()
        self._state_dict["sync"]["complete"] = True
        self.state_writer.write_state(self.state)

    def _early_requests(self) -> list[Request]:
        """The single requests of the selected small lists (early_lists.py)."""
        if self.runtime.settings.conversation_ids:  # only conversations run
            return []
        return [
            request
            for stream in self.streams.values()
            if stream.selected and isinstance(stream, (ListStream, DataAttributesStream))
            for request in stream.early_requests()
        ]


if __name__ == "__main__":
    TapIntercom.cli()
