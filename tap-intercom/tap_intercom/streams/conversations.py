"""Conversations with their parts and tags, fetched in parallel, written in a safe order.

`POST /conversations/search` lists what changed in the run's window, page by page;
`GET /conversations/{id}` (the only place parts come from,
docs/intercom-api.md#conversations-and-their-parts) is fetched for every conversation on a page by
workers, as many at once as the adaptive limit allows (gate.py); records are written from this
thread only: the conversation, then its parts and tags, and STATE once a whole page is written.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from typing_extensions import override

from tap_intercom import records
from tap_intercom.deleted import deleted_second, deleted_since
from tap_intercom.errors import IntercomNotFoundError
from tap_intercom.fetch import ordered_map
from tap_intercom.progress import Progress
from tap_intercom.search import SearchPage, keyset_pages
from tap_intercom.search_lanes import laned_refs
from tap_intercom.streams.base import IntercomStream
from tap_intercom.timestamps import to_iso, to_seconds
from tap_intercom.windows import Window

if TYPE_CHECKING:
    from singer_sdk.helpers._batch import BatchConfig
    from singer_sdk.helpers.types import Context, Record

logger = logging.getLogger("tap-intercom")


@dataclass(frozen=True)
class ConversationRef:
    conversation_id: str
    updated_at: int | None  # as listed by the search
    closes_page: bool  # the last conversation of a search page: checkpoint after it


class ConversationsStream(IntercomStream):
    name = "conversations"
    primary_keys = ("conversation_id",)
    replication_key = "updated_at"
    is_sorted = True  # searched with sort updated_at ascending
    searched = True
    targeted_by = "conversation_ids"

    @override
    def get_batch_config(self, config: Mapping[str, Any]) -> BatchConfig | None:
        # Always RECORD messages, even with `batch_config`: parts and tags are written right
        # after their conversation (docs/architecture.md, "Record order"), which a batch file
        # written later would break.
        return None

    @override
    def generate_child_contexts(
        self, record: Record, context: Context | None
    ) -> Iterable[Context | None]:
        # Children are written by `produce`, after their conversation (the SDK would write them
        # before it, and one SCHEMA message per conversation).
        return ()

    def produce(self, context: Context | None) -> Iterable[dict[str, Any]]:
        children = ChildWriter(list(self.child_streams), self.runtime.progress)
        refs = self._listed_refs() if self.targeted_ids else self._changed()
        for ref, detail in ordered_map(self._fetch, refs, self.runtime.gate):
            if detail is not None:
                self.search_position = to_iso(ref.updated_at)
                record = _flag_truncation(records.conversation(detail))
                yield record
                # Runs once the SDK has written the conversation record yielded above.
                children.write(detail)
                if not self.selected:  # only parts/tags wanted: the SDK skips the bookmark
                    self._increment_stream_state(record)
                self.runtime.progress.conversation_done()
            if ref.closes_page:
                self.checkpoint()

    def _changed(self) -> Iterator[ConversationRef]:
        settings = self.runtime.settings
        window = self.window()
        logger.info("conversations: updated_at window %s", window)
        client = self.runtime.client

        def walk(part: Window) -> Iterator[SearchPage]:
            path = "/conversations/search"
            return keyset_pages(client, path, "conversations", part, settings.page_size)

        return laned_refs(walk, window, self._page_refs, self._set_total)

    def _set_total(self, total: int | None) -> None:
        self.runtime.progress.conversations_total = total

    @staticmethod
    def _page_refs(_: Window, page: SearchPage) -> Iterator[ConversationRef]:
        for index, item in enumerate(page.items):
            listed_at = int(to_seconds(item["updated_at"]))
            yield ConversationRef(str(item["id"]), listed_at, index == len(page.items) - 1)

    def _listed_refs(self) -> Iterator[ConversationRef]:
        ids = self.targeted_ids
        self.runtime.progress.conversations_total = len(ids)
        for conversation_id in ids:
            yield ConversationRef(conversation_id, updated_at=None, closes_page=False)

    def _fetch(self, ref: ConversationRef) -> dict[str, Any] | None:
        params = {"display_as": "plaintext"} if self.runtime.settings.plaintext else None
        try:
            detail = self.runtime.client.get(f"/conversations/{ref.conversation_id}", params)
        except IntercomNotFoundError:
            logger.warning(
                "Conversation %s disappeared before it was fetched; skipped", ref.conversation_id
            )
            return None
        return detail


def _flag_truncation(record: dict[str, Any]) -> dict[str, Any]:
    if record["parts_truncated"]:
        logger.warning(
            "Conversation %s has %s parts but Intercom returned only %s (its 500-part limit); "
            "flagged parts_truncated",
            record["conversation_id"],
            record["parts_total_count"],
            record["parts_returned_count"],
        )
    return record


class ChildWriter:
    """Writes a conversation's parts and tags through their (selected) streams."""

    def __init__(self, streams: list[Any], progress: Progress) -> None:
        self._progress = progress
        self._streams = {stream.name: stream for stream in streams if stream.selected}
        for stream in self._streams.values():
            # The SDK has no public hook for writing another stream's messages.
            stream._write_schema_message()

    def write(self, detail: dict[str, Any]) -> None:
        builders = {
            "conversation_parts": records.conversation_parts,
            "conversation_tags": records.conversation_tags,
        }
        for name, stream in self._streams.items():
            for record in builders[name](detail):
                stream._write_record_message(record)
                self._progress.record_emitted()


class ConversationPartsStream(IntercomStream):
    """Written by ConversationsStream; every part Intercom returns for a changed conversation."""

    name = "conversation_parts"
    primary_keys = ("message_id",)
    parent_stream_type = ConversationsStream
    targeted_by = "conversation_ids"

    def produce(self, context: Context | None) -> Iterable[dict[str, Any]]:
        return ()


class ConversationTagsStream(IntercomStream):
    """Written by ConversationsStream; the complete tag set of each changed conversation."""

    name = "conversation_tags"
    primary_keys = ("conversation_id", "tag_id")
    parent_stream_type = ConversationsStream
    targeted_by = "conversation_ids"

    def produce(self, context: Context | None) -> Iterable[dict[str, Any]]:
        return ()


class DeletedConversationsStream(IntercomStream):
    """`GET /conversations/deleted` (2.16 only), newest first: see deleted.py."""

    name = "deleted_conversations"
    primary_keys = ("conversation_id",)
    replication_key = "deleted_at"

    def produce(self, context: Context | None) -> Iterable[dict[str, Any]]:
        if self.runtime.settings.api_version != "2.16":
            logger.info("deleted_conversations needs api_version 2.16; skipped")
            return
        lower = self.window().lower
        for item in deleted_since(self.runtime.client, lower):
            if lower is None or deleted_second(item) >= lower:
                yield records.deleted_conversation(item)
        # Newest first, the bookmark may move only once the list is read down to the window.
        self.checkpoint()
