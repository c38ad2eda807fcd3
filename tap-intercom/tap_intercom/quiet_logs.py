"""Keeps the Meltano SDK's per-stream boilerplate out of the default (INFO) log.

The SDK announces every stream ("Beginning sync of ...", "Starting incremental sync of ...
with bookmark value: ...", "Added ... as child stream ...") and warns "Stream is assumed to be
unsorted, progress is not resumable if interrupted" on every run for the companies scroll, which
is unsorted by design: its bookmark moves once the scroll is read through, and an interrupted
scroll starts over (tap_intercom/streams/companies.py). Twelve streams make a screen of it on
every run, and a warning that is always there teaches users to skip warnings. The lines still
show with TAP_INTERCOM_LOGLEVEL=debug.
"""

from __future__ import annotations

import logging

# The SDK's format strings (singer_sdk 0.54: plugin_base.py, tap_base.py, streams/core.py,
# streams/_state.py, helpers/_state.py), matched on the unformatted message.
BOILERPLATE = (
    "Skipping parse of env var settings",
    "Added '%s' as child stream to '%s'",
    "Beginning sync of '%s' in %s mode",
    "Starting incremental sync of '%s' with bookmark value: %s",
    "Stream is assumed to be unsorted, progress is not resumable",
)


class SdkBoilerplateFilter(logging.Filter):
    """Drops the SDK's boilerplate unless the root logger is at DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str) or not record.msg.startswith(BOILERPLATE):
            return True
        return logging.getLogger().isEnabledFor(logging.DEBUG)


def quiet_sdk_boilerplate() -> None:
    """Install the filter on the handlers the SDK set up (once; instantiating taps is cheap)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, SdkBoilerplateFilter) for f in handler.filters):
            handler.addFilter(SdkBoilerplateFilter())
