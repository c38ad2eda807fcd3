"""Records → lines of PostgreSQL's COPY text format, typed by the table's actual column types.

COPY text format: columns separated by tabs, `\\N` for NULL, and backslash, tab, newline and
carriage return escaped with a backslash. https://www.postgresql.org/docs/15/sql-copy.html
PostgreSQL rejects NUL characters in `text` and `jsonb`
(https://www.postgresql.org/docs/15/datatype-character.html): in values they are removed and
counted; in a JSON object's key (where removing them could merge two keys) the record is refused.
So is a number beyond what `numeric` holds (https://www.postgresql.org/docs/15/datatype-numeric.html).
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Callable, Sequence
from typing import Any

import msgspec

NULL = "\\N"
NUL = "\x00"
# A NUL inside a string shows up as this escape once the value is serialised as JSON.
JSON_NUL = "\\u0000"


_ENCODER = msgspec.json.Encoder(decimal_format="number")
_JSON_DECODER = msgspec.json.Decoder(float_hook=decimal.Decimal)
# numeric: up to 131072 digits before the decimal point, up to 16383 after.
NUMERIC_MAX_INTEGER_DIGITS = 131072
NUMERIC_MAX_SCALE = 16383
_COPY_ESCAPE = re.compile(r"\\(.)")
_COPY_UNESCAPED = {"t": "\t", "n": "\n", "r": "\r"}


class UnstorableValueError(ValueError):
    """A value that PostgreSQL would refuse: the record is set aside instead."""


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
            "numeric": _numeric,
            "boolean": _boolean,
            "jsonb": self.jsonb,
            "json": self.jsonb,
            "text[]": self.text_array,
        }
        self._fields = [(name, by_type.get(kind, self.text)) for name, kind in fields]
        self._types = [kind for _, kind in fields]

    def encode(self, record: dict[str, Any]) -> str:
        """One COPY line, without its line end (`CopySource` adds it). Raises UnstorableValueError
        (and RecursionError for values nested too deep to serialise)."""
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
            text = dump_json(self.strip_nuls(value, refuse_nul_keys=True))
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

    def strip_nuls(self, value: Any, refuse_nul_keys: bool = False) -> Any:
        """`value` with NUL characters removed from every string value at any depth; keys are
        left as they are, or, with `refuse_nul_keys`, one holding a NUL raises
        UnstorableValueError."""
        if isinstance(value, str):
            return self._strip(value) if NUL in value else value
        if isinstance(value, dict):
            if refuse_nul_keys:
                _refuse_nul_keys(value)
            return {k: self.strip_nuls(v, refuse_nul_keys) for k, v in value.items()}
        if isinstance(value, list):
            return [self.strip_nuls(item, refuse_nul_keys) for item in value]
        return value

    def decode(self, line: str) -> dict[str, Any]:
        """A COPY line back into a record (property → value), for a row PostgreSQL refused:
        JSON columns and numbers as JSON, text, dates and arrays as the text sent. Null (or
        missing) values are left out."""
        fields = zip(self._fields, self._types, line.split("\t"), strict=True)
        return {
            name: _decoded(kind, _unescape_copy(field))
            for (name, _), kind, field in fields
            if field != NULL
        }

    def _strip(self, text: str) -> str:
        self.nul_removed += text.count(NUL)
        return text.replace(NUL, "")


def _refuse_nul_keys(value: dict[Any, Any]) -> None:
    for key in value:
        if isinstance(key, str) and NUL in key:
            msg = f"the JSON object key {key!r} holds a NUL character, which PostgreSQL refuses"
            raise UnstorableValueError(msg)


def _numeric(value: Any) -> str:
    text = str(value)
    # Plain digits this short are always within numeric's range: the check costs two substring
    # tests; exponents (Decimal writes very large and very small numbers so) are checked.
    if len(text) < NUMERIC_MAX_SCALE and "E" not in text and "N" not in text and "n" not in text:
        return text
    return _checked_numeric(value, text)


def _checked_numeric(value: Any, text: str) -> str:
    try:
        number = value if isinstance(value, decimal.Decimal) else decimal.Decimal(text)
    except decimal.InvalidOperation:
        return text  # not a number at all (only without validation): PostgreSQL says so
    if not number.is_finite():
        msg = f"{text} is not a number PostgreSQL stores"
        raise UnstorableValueError(msg)
    exponent = number.as_tuple().exponent
    scale = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if number and (number.adjusted() >= NUMERIC_MAX_INTEGER_DIGITS or scale > NUMERIC_MAX_SCALE):
        msg = (
            f"the number {text[:40]}{'...' if len(text) > 40 else ''} is beyond PostgreSQL's "
            f"numeric range ({NUMERIC_MAX_INTEGER_DIGITS} digits before the decimal point, "
            f"{NUMERIC_MAX_SCALE} after)"
        )
        raise UnstorableValueError(msg)
    return text


def _unescape_copy(field: str) -> str:
    if "\\" not in field:
        return field
    return _COPY_ESCAPE.sub(lambda m: _COPY_UNESCAPED.get(m.group(1), m.group(1)), field)


def _decoded(kind: str, text: str) -> Any:
    if kind in ("jsonb", "json", "bigint", "numeric"):
        try:
            return _JSON_DECODER.decode(text)
        except (msgspec.DecodeError, RecursionError):
            return text
    if kind == "boolean":
        return text == "t"
    return text


def _integer(value: Any) -> str:
    # JSON Schema counts 12.0 as an integer; PostgreSQL's bigint input does not accept "12.0".
    if value.__class__ is int:
        return str(value)
    try:
        return str(int(value))
    except (ValueError, OverflowError, TypeError):
        msg = f"{str(value)[:40]} is not an integer that PostgreSQL's bigint holds"
        raise UnstorableValueError(msg) from None


def _boolean(value: Any) -> str:
    return "t" if value else "f"


def _array_item(item: str | None) -> str:
    """An element of a PostgreSQL array literal, always quoted (so NULL means the string)."""
    if item is None:
        return "NULL"
    return '"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"'
