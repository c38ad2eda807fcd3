"""tap-intercom: the Singer tap for Intercom."""

from __future__ import annotations

from functools import cached_property
from typing import Any, cast

from singer_sdk import Stream, Tap
from singer_sdk.exceptions import ConfigValidationError
from typing_extensions import override

from tap_intercom.clock import SYSTEM_CLOCK, Clock
from tap_intercom.config import env_config
from tap_intercom.early_lists import Request
from tap_intercom.quiet_logs import quiet_sdk_boilerplate
from tap_intercom.ratelimit import RateBudget
from tap_intercom.runtime import Runtime, build_runtime, sync_marker, sync_type
from tap_intercom.secrets import mask, spellings
from tap_intercom.settings import CONFIG_SCHEMA, config_errors, parse_settings
from tap_intercom.streams.companies import CompaniesStream
from tap_intercom.streams.contacts import ContactsStream
from tap_intercom.streams.conversations import (
    ConversationPartsStream,
    ConversationsStream,
    ConversationTagsStream,
    DeletedConversationsStream,
)
from tap_intercom.streams.snapshots import CompanyIdsSnapshotStream, ContactIdsSnapshotStream
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
    ContactIdsSnapshotStream,
    CompanyIdsSnapshotStream,
)


class TapIntercom(Tap):
    """Singer tap for Intercom: every stream, exact incremental replication, parallel fetching."""

    name = "tap-intercom"
    package_name = "tap-intercom-supabase"  # the distribution (tap-intercom/pyproject.toml)
    config_jsonschema = CONFIG_SCHEMA
    # Times every wait of the run; a test running the tap in-process sets a virtual clock.
    clock: Clock = SYSTEM_CLOCK
    # A rate budget shared with other in-process runs (the webhook receiver's); None: its own.
    budget: RateBudget | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        quiet_sdk_boilerplate()  # before the SDK's first line of boilerplate, in its __init__
        super().__init__(*args, **kwargs)

    @property
    def _env_var_config(self) -> dict[str, Any]:
        """TAP_INTERCOM_* variables (`--config ENV`), `number` settings included: the SDK
        leaves those as strings, e.g. TAP_INTERCOM_REQUEST_TIMEOUT=30."""
        return env_config(type(self))

    @override
    def discover_streams(self) -> list[Stream]:
        return [stream_type(self) for stream_type in STREAM_TYPES]

    @cached_property
    def runtime(self) -> Runtime:
        return build_runtime(parse_settings(self.config), self.clock, self.budget)

    @override
    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        # Cross-field rules the JSON schema cannot express; all before any request. A missing
        # token is reported once, by config_errors, with the variable to set.
        # The validator quotes a value of the wrong type: a token given as a number or an object.
        secrets = spellings(self._config.get("access_token") or "")
        schema_errors = super()._validate_config(raise_errors=False)
        required = "'access_token' is a required property"
        errors = [e for e in schema_errors if required not in e] + config_errors(self.config)
        errors = [mask(str(error), secrets) for error in errors]
        if errors and raise_errors:
            raise ConfigValidationError("Config validation failed", errors=errors)
        return errors

    def run_connection_test(self) -> bool:  # type: ignore[misc]  # final in the SDK; extended
        """`--test`: first what the token can read, stream by stream (access.py), then the
        SDK's one-record sync of every stream."""
        from tap_intercom.access import check_access, log_access

        streams = [
            s.name for s in self.streams.values() if s.selected or s.has_selected_descendents
        ]
        settings = self.runtime.settings
        log_access(check_access(self.runtime.client, streams, settings.api_version))
        return super().run_connection_test()

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
        if self.runtime.settings.targeted:  # only the objects listed run
            return []
        return [
            request
            for stream in self.streams.values()
            if stream.selected and isinstance(stream, (ListStream, DataAttributesStream))
            for request in stream.early_requests()
        ]


if __name__ == "__main__":
    TapIntercom.cli()
