"""Records → lines of PostgreSQL's COPY text format, typed by the table's actual column types.

COPY text format: columns separated by tabs, `\\N` for NULL, and backslash, tab, newline and
carriage return escaped with a backslash. https://www.postgresql.org/docs/15/sql-copy.html
PostgreSQL rejects NUL characters in `text` and `jsonb`
(https://www.postgresql.org/docs/15/datatype-character.html): they are removed and counted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import msgspec

NULL = "\\N"
NUL = "\x00"
# A NUL inside a string shows up as this escape once the value is serialised as JSON.
JSON_NUL = "\\u0000"


_ENCODER = msgspec.json.Encoder(decimal_format="number")


def dump_json(value: Any) -> str:
    """Compact JSON text of a value; Decimal numbers are written with their exact digits."""
    return _ENCODER.encode(value).decode()


def plain(text: str) -> bool:
    """True when `text` goes into COPY as it is: no backslash, tab, newline, CR or NUL.

    Five substring tests (memchr in C) cost about 0.3 us on a 1 KB message body, where
    `str.isprintable()` costs about 5 us and a regular expression about 8 us: this check runs
    for every text value of every row.
    """
    return (
        "\\" not in text
        and "\t" not in text
        and "\n" not in text
        and "\r" not in text
        and NUL not in text
    )


def escape_copy(text: str) -> str:
    if plain(text):
        return text
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class RowEncoder:
    """Encodes the records of one stream for one table; counts the NUL characters it removes."""

    def __init__(self, fields: Sequence[tuple[str, str]]) -> None:
        """`fields`: (property name, column type) in column order."""
        self.nul_removed = 0
        by_type: dict[str, Callable[[Any], str]] = {
            "bigint": _integer,
            "numeric": str,
            "boolean": _boolean,
            "jsonb": self.jsonb,
            "json": self.jsonb,
            "text[]": self.text_array,
        }
        self._fields = [(name, by_type.get(kind, self.text)) for name, kind in fields]

    def encode(self, record: dict[str, Any]) -> str:
        """One COPY line, without its line end (`CopySource` adds it)."""
        get = record.get
        fields = self._fields
        return "\t".join(
            [NULL if (value := get(name)) is None else encode(value) for name, encode in fields]
        )

    def text(self, value: Any) -> str:
        if value.__class__ is not str:
            value = dump_json(value) if isinstance(value, (dict, list)) else str(value)
        if plain(value):
            return value  # the common case: nothing to escape
        if NUL in value:
            value = self._strip(value)
        return escape_copy(value)

    def jsonb(self, value: Any) -> str:
        text = dump_json(value)
        if "\\" not in text:
            return text  # JSON escapes control characters, so only backslashes need escaping
        if JSON_NUL in text:
            # The escape may also be a literal backslash followed by "u0000": strip real NULs
            # from the value itself and serialise again.
            text = dump_json(self.strip_nuls(value))
        return text.replace("\\", "\\\\")

    def text_array(self, value: Any) -> str:
        if not isinstance(value, list):
            return self.text(value)
        items = [_array_item(self.text_item(item)) for item in value]
        return escape_copy("{" + ",".join(items) + "}")

    def text_item(self, item: Any) -> str | None:
        if item is None:
            return None
        item = item if item.__class__ is str else str(item)
        return self._strip(item) if NUL in item else item

    def strip_nuls(self, value: Any) -> Any:
        """`value` with NUL characters removed from every string, keys included, at any depth."""
        if isinstance(value, str):
            return self._strip(value) if NUL in value else value
        if isinstance(value, dict):
            return {self.strip_nuls(k): self.strip_nuls(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.strip_nuls(item) for item in value]
        return value

    def _strip(self, text: str) -> str:
        self.nul_removed += text.count(NUL)
        return text.replace(NUL, "")


def _integer(value: Any) -> str:
    # JSON Schema counts 12.0 as an integer; PostgreSQL's bigint input does not accept "12.0".
    return str(value) if value.__class__ is int else str(int(value))


def _boolean(value: Any) -> str:
    return "t" if value else "f"


def _array_item(item: str | None) -> str:
    """An element of a PostgreSQL array literal, always quoted (so NULL means the string)."""
    if item is None:
        return "NULL"
    return '"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"'
