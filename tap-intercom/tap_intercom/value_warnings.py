"""Values the tap had to change on their way to a record, reported once per stream and field.

A run may meet thousands of such values; one warning per field says what happened without
drowning the log. The record itself is always kept.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

_warned: set[tuple[str, str, str]] = set()


def warn_once(stream: str, field: str, kind: str, message: str) -> None:
    """Log `message` the first time `stream.field` meets a value of this `kind` in this run."""
    key = (stream, field, kind)
    if key in _warned:
        return
    _warned.add(key)
    logger.warning("%s.%s: %s (reported once per field)", stream, field, message)
