"""Secrets in the settings: every spelling they could take in a message, and masking them.

A secret can reach a message in forms other than the one the user typed: percent-encoded (a URL),
as the config validator's repr of a value of the wrong type (`{'v': 'x'} is not of type
'string'`), or in a password position of a connection string that libpq echoes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote, unquote

MASK = "********"
# Leaves of a secret given as a number or an object shorter than this are not masked on their
# own (masking every "1" would garble messages); the whole value is masked in every spelling.
_MIN_LEAF_CHARS = 3
# libpq and psycopg2 echo connection strings in some errors: password=... or scheme://user:pw@host
_PASSWORD_PATTERNS = (
    re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE),
    re.compile(r"(://[^:/@\s]+:)([^@\s]+)(@)"),
)


def secret_names(config_schema: Mapping[str, Any]) -> list[str]:
    """The settings the plugin's schema marks secret."""
    properties: Mapping[str, Any] = config_schema.get("properties") or {}
    return [name for name, spec in properties.items() if spec.get("secret")]


def spellings(value: Any) -> Iterator[str]:
    """`value` as it may be printed: itself, percent-encoded and decoded, and for a value that is
    not a string (a number, an object) its repr, its JSON and its leaves (values, not keys)."""
    if isinstance(value, str):
        yield from (value, quote(value, safe=""), unquote(value))
        return
    yield from (repr(value), str(value), json.dumps(value, default=str))
    for leaf in _leaves(value):
        if len(leaf) >= _MIN_LEAF_CHARS:
            yield from spellings(leaf)


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item)
    elif value is not None:
        yield str(value)


def ordered(found: Iterator[str] | list[str]) -> list[str]:
    """Distinct, non-empty, longest first (so that a secret is masked before its parts)."""
    return sorted({value for value in found if value}, key=len, reverse=True)


def scrub(text: str, secrets: list[str]) -> str:
    """`text` with passwords masked: the known ones, and anything in a password position."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    text = _PASSWORD_PATTERNS[0].sub(rf"\g<1>{MASK}", text)
    return _PASSWORD_PATTERNS[1].sub(rf"\g<1>{MASK}\g<3>", text)
