"""Where this target relies on singer-sdk internals (listed in docs/architecture.md, each pinned
by a test in tests/target/test_sdk_contract.py).

- `SinkRegistry`: the SDK keeps a run's sinks in `Target._sinks_active` (the current sink of each
  stream) and `Target._sinks_to_clear` (sinks replaced by a new SCHEMA, not drained yet), and
  drains one with the `@final` `Target.drain_one`.
- `PlainRecords`: the SDK's record loop (`Target._process_record_message`) minus what this target
  does not need per record, calling the sink's private steps in the SDK's order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from singer_sdk.exceptions import RecordsWithoutSchemaException
from singer_sdk.mapper import SameRecordTransform
from singer_sdk.target_base import Target

from target_supabase.reader import RAW_RECORD, UNREADABLE
from target_supabase.sink import ValidatingSink


class SinkRegistry:
    """The SDK's sinks of this run, seen through the three things a load run needs."""

    def __init__(self, target: Target) -> None:
        self._target = target

    def active(self) -> dict[str, Any]:
        """The current sink of each stream."""
        return self._target._sinks_active

    def retired(self) -> list[Any]:
        """Sinks a new SCHEMA replaced, not yet drained (their rows come first)."""
        return self._target._sinks_to_clear

    def forget_retired(self) -> None:
        self._target._sinks_to_clear = []

    def drain_one(self, sink: Any) -> None:
        self._target.drain_one(sink)

    def knows(self, stream: str) -> bool:
        """The stream's SCHEMA came."""
        return stream in self._target.mapper.stream_maps

    def of_stream(self, stream: str) -> list[Any]:
        """The sinks the stream's records go to (one per stream map)."""
        maps = self._target.mapper.stream_maps.get(stream) or []
        return [self._target._sinks_active.get(stream_map.stream_alias) for stream_map in maps]


class PlainRecords:
    """Records of streams without stream maps, flattening or metadata columns go straight to
    their sink; the others take the SDK's own path (`fallback`)."""

    def __init__(self, target: Target, fallback: Callable[[dict], None]) -> None:
        self._target = target
        self._fallback = fallback
        self._plain: dict[str, ValidatingSink] | None = None

    def forget(self) -> None:
        """A SCHEMA arrived: sinks and maps may change."""
        self._plain = None

    def process(self, message_dict: dict) -> ValidatingSink | None:
        """Hand the record to its sink; returns the sink when it is full (to be drained)."""
        sink = self._sinks().get(message_dict.get("stream"))  # type: ignore[arg-type]
        if UNREADABLE in message_dict:
            sink = self._sink_of(message_dict["stream"])
            sink.set_aside_unreadable(message_dict[RAW_RECORD], message_dict[UNREADABLE])
        elif sink is None:
            self._fallback(message_dict)
            return None
        else:
            record = message_dict["record"]
            sink._remove_sdc_metadata_from_record(record)
            sink._validate_and_parse(record)
            sink._singer_validate_message(record)
            sink.tally_record_read()
            sink.process_record(record, {})
            sink.record_counter_metric.increment()
        return sink if sink.is_full else None

    def _sink_of(self, stream: str) -> ValidatingSink:
        """The sink of a record the reader could not read (see reader.py)."""
        sinks = SinkRegistry(self._target).of_stream(stream)
        sink = next((found for found in sinks if isinstance(found, ValidatingSink)), None)
        if sink is None:
            msg = f"A record of stream {stream!r} came before its schema"
            raise RecordsWithoutSchemaException(msg)
        return sink

    def _sinks(self) -> dict[str, ValidatingSink]:
        if self._plain is None:
            self._plain = {
                name: sink
                for name, sink in self._target._sinks_active.items()
                if isinstance(sink, ValidatingSink) and self._is_plain(name, sink)
            }
        return self._plain

    def _is_plain(self, stream: str, sink: ValidatingSink) -> bool:
        maps = self._target.mapper.stream_maps.get(stream) or []
        return (
            len(maps) == 1
            and type(maps[0]) is SameRecordTransform
            and not maps[0].flattening_enabled
            and maps[0].stream_alias == stream
            and not sink.include_sdc_metadata_properties
        )
