"""Small full-table streams: every row, every run (admins, tags, teams, segments, attributes)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tap_intercom import records
from tap_intercom.early_lists import Request, request_key
from tap_intercom.streams.base import IntercomStream

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context
    from singer_sdk.tap_base import Tap


class WholeStream(IntercomStream):
    """A stream read whole every run: it sends ACTIVATE_VERSION, so that the target removes
    (or marks deleted) what Intercom no longer lists. Not in a run of chosen objects
    (`conversation_ids`, `contact_ids`...), which reads none of it. Its catalog entry says so
    (`forced-replication-method: FULL_TABLE`), so that `apply-schema` creates the version
    columns a first sync would."""

    def __init__(self, tap: Tap) -> None:
        super().__init__(tap)
        self.forced_replication_method = "FULL_TABLE"

    @property
    def emit_activate_version_messages(self) -> bool:
        # A run of chosen objects (conversation_ids, contact_ids, company_ids, ticket_ids: every
        # webhook batch) reads none of these lists: a version activated with no rows would
        # retire every row of their tables.
        return not self.runtime.settings.targeted


class ListStream(WholeStream):
    """One unpaginated `GET` whose list sits under `list_key` (docs/intercom-api.md#pagination)."""

    path: str
    list_key: str

    def early_requests(self) -> list[Request]:
        return [request_key(self.path, list_keys=(self.list_key,))]

    def produce(self, context: Context | None) -> Iterable[dict[str, Any]]:
        response = self.runtime.early.get(self.path, list_keys=(self.list_key,))
        for item in response.get(self.list_key) or []:
            yield self.to_record(item)

    def to_record(self, item: dict[str, Any]) -> dict[str, Any]:
        return records.simple(self.name, self.primary_keys[0], item)


class AdminsStream(ListStream):
    name = "admins"
    primary_keys = ("admin_id",)
    path, list_key = "/admins", "admins"

    def to_record(self, item: dict[str, Any]) -> dict[str, Any]:
        return records.admin(item)


class TagsStream(ListStream):
    name = "tags"
    primary_keys = ("tag_id",)
    path, list_key = "/tags", "data"


class TeamsStream(ListStream):
    name = "teams"
    primary_keys = ("team_id",)
    path, list_key = "/teams", "teams"


class SegmentsStream(ListStream):
    name = "segments"
    primary_keys = ("segment_id",)
    path, list_key = "/segments", "segments"


class DataAttributesStream(WholeStream):
    """Contact and company attributes (`GET /data_attributes?model=...`, spec L14654)."""

    name = "data_attributes"
    primary_keys = ("model", "name")
    models = ("contact", "company")

    def early_requests(self) -> list[Request]:
        return [request_key("/data_attributes", {"model": m}, ("data",)) for m in self.models]

    def produce(self, context: Context | None) -> Iterable[dict[str, Any]]:
        for model in self.models:
            response = self.runtime.early.get("/data_attributes", {"model": model}, ("data",))
            for item in response.get("data") or []:
                yield records.data_attribute({"model": model, **item})
