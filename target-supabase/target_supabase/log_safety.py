"""Log lines that cannot drive a terminal: control characters from data or names are escaped.

A stream name, a property name, a value quoted in a database error or a validation message may
carry ANSI/OSC escape sequences (`\\x1b]0;title\\x07`, `\\x1b[2J`) that rewrite a terminal's
title or screen, or hide lines, when the log is read with `cat` or `tail`. Every record that
reaches a handler is rewritten with those characters as `\\xNN` (tabs and newlines are kept:
multi-line database errors and tracebacks stay readable).
"""

from __future__ import annotations

import logging
import re

# C0 controls except tab and newline, DEL, and the C1 controls (8-bit CSI 0x9b, OSC 0x9d, ...).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


class ControlCharacterFilter(logging.Filter):
    """Rewrites a record's message, logger name and traceback with controls escaped."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        safe = escape_controls(message)
        if safe != message:
            record.msg, record.args = safe, None
        record.name = escape_controls(record.name)
        if record.exc_info and not record.exc_text:
            record.exc_text = escape_controls(logging.Formatter().formatException(record.exc_info))
        return True


def escape_controls_in_logs(logger: logging.Logger | None = None) -> None:
    """Add the filter to every handler of `logger` (the root logger by default), once."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, ControlCharacterFilter) for f in handler.filters):
            handler.addFilter(ControlCharacterFilter())
