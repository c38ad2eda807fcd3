"""What every Intercom stream shares: schema file, run context, page checkpoints, bookmarks."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol, cast

from singer_sdk import Stream
from typing_extensions import override

from tap_intercom.errors import IntercomPermissionError, StreamUnavailableError
from tap_intercom.permissions import missing_permission
from tap_intercom.runtime import mark_skipped
from tap_intercom.schema_files import load_schema
from tap_intercom.skips import FAIL
from tap_intercom.timestamps import parse_iso, to_iso
from tap_intercom.windows import Window, leaves_gap, run_window, settled_until

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context, Record
    from singer_sdk.tap_base import Tap

    from tap_intercom.runtime import Runtime


class HasRuntime(Protocol):
    @property
    def runtime(self) -> Runtime: ...


class IntercomStream(Stream):
    """A stream whose records come from `produce`; checkpoints are written after whole pages."""

    # State is written by `checkpoint` after each fully processed page, never mid-page.
    STATE_MSG_FREQUENCY = sys.maxsize
    # The id-list setting (`conversation_ids`, `contact_ids`...) of the objects this stream
    # fetches one by one. When any id list is given, only streams whose list is given run.
    targeted_by: str | None = None
    # Listed through Intercom's search, whose index lags behind changes: the bookmark stays at
    # or before `settled_until` (windows.py).
    searched = False

    def __init__(self, tap: Tap) -> None:
        super().__init__(tap, schema=load_schema(self.name), name=self.name)
        # Where the search stands (ISO updated_at of the listing), when records come from a
        # later detail fetch: see `_increment_stream_state`.
        self.search_position: str | None = None
        # The highest replication value written since the last checkpoint.
        self._pending: dict[str, Any] | None = None
        # Set by `window`: this run's window starts after the bookmark, which must stay put.
        self._keeps_bookmark = False

    @property
    def runtime(self) -> Runtime:
        return cast(HasRuntime, self._tap).runtime

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        if self.runtime.settings.targeted and not self.targeted_ids:
            return
        progress = self.runtime.progress
        try:
            for record in self.produce(context):
                progress.record_emitted()
                yield record
        except IntercomPermissionError as error:
            self.set_aside(missing_permission(self.name, error, self.runtime.client))
        except StreamUnavailableError as error:
            self.set_aside(error)

    def set_aside(self, error: StreamUnavailableError) -> None:
        """Skip this stream and its children from here on (skips.py), or fail the run.

        The bookmark stays at the last checkpoint: records after it were not all written.
        """
        if self.runtime.settings.on_stream_unavailable == FAIL:
            raise error from None  # names endpoint and request_id itself
        self._pending = None
        # An unsorted stream's progress markers hold the highest value read so far; the SDK
        # promotes them to the bookmark when the stream ends, valid only for a whole stream.
        self.stream_state.pop("progress_markers", None)
        children = [child.name for child in self.child_streams if child.selected]
        self.runtime.skipped.add(error, children)
        marker = self.tap_state.get("sync")
        if isinstance(marker, dict):
            mark_skipped(marker, self.runtime)
        if self.get_batch_config(self.config) is None:
            # Told at once: a run that dies later still says what it had set aside.
            self._tap.state_writer.write_state(self.tap_state)
        # With `batch_config` the records read before the skip still sit in a file, and the
        # state already holds their bookmark: the STATE the SDK writes after their BATCH
        # message tells the skip (the run's final STATE, when no record came).

    @property
    def targeted_ids(self) -> tuple[str, ...]:
        """The ids this run fetches one by one for this stream (empty: none, or not targeted)."""
        if self.targeted_by is None:
            return ()
        ids: tuple[str, ...] = getattr(self.runtime.settings, self.targeted_by)
        return ids

    def produce(self, context: Context | None) -> Iterable[dict[str, Any]]:
        raise NotImplementedError

    def window(self) -> Window:
        """This run's updated_at window; call before the first record (bookmarks move later)."""
        bookmark = self.stream_state.get("replication_key_value")
        window = run_window(self.runtime.settings, bookmark, self.runtime.started_epoch)
        if leaves_gap(window, bookmark) and not self._keeps_bookmark:
            self._keeps_bookmark = True
            self.logger.warning(
                "%s: this run reads from %s, after the bookmark %s; the bookmark stays at %s "
                "so that the next incremental run still reads what lies between",
                self.name,
                to_iso(window.lower),
                bookmark,
                bookmark,
            )
        return window

    def checkpoint(self) -> None:
        """Move the bookmark over the records written so far and write STATE.

        Called once a whole page is written. Until then the bookmark stays put, so no STATE
        message, not even the SDK's on SIGTERM or at the end of a stream, covers a record whose
        parts or tags are not written yet.
        """
        if self._pending is not None:
            super()._increment_stream_state(self._pending)
            self._pending = None
        if self.get_batch_config(self.config) is None:
            # With `batch_config`, the records sit in a file until the SDK writes its BATCH
            # message, and the SDK writes STATE right after each one.
            self._write_state_message()

    @override
    def _increment_stream_state(
        self, latest_record: Record, *, context: Context | None = None
    ) -> None:
        # A hand-picked set of objects is no window: it moves no bookmark.
        if not self.replication_key or self._keeps_bookmark or self.runtime.settings.targeted:
            return
        # A record fetched after it was listed may carry a newer updated_at than the listing (it
        # changed mid-run); the bookmark follows the listing, or records listed between the two
        # values would be skipped. The changed record is re-read by the next run.
        value = self._settled(self.search_position or latest_record.get(self.replication_key))
        if value is None:  # an implausible timestamp, nulled by records.shape: no position
            return
        # A lookback or a date range re-reads records below the bookmark: they must not move it
        # backwards (nor trip the SDK's sort check).
        if _below(value, self.stream_state.get("replication_key_value")):
            return
        if self._pending is None or not _below(value, self._pending[self.replication_key]):
            self._pending = {self.replication_key: value}

    def _settled(self, value: Any) -> Any:
        """`value`, or the latest second the search surely shows when `value` is later."""
        if not self.searched or not value:
            return value
        horizon = settled_until(self.runtime.settings, self.runtime.started_epoch)
        return to_iso(horizon) if parse_iso(str(value)).timestamp() > horizon else value


def _below(value: Any, bookmark: Any) -> bool:
    if not value or not bookmark:
        return False
    return parse_iso(str(value)) < parse_iso(str(bookmark))
