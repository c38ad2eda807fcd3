"""The access token in every spelling it could be printed in, and masking it.

A token can reach a message other than as typed: as the config validator's repr of a value of the
wrong type (`{'t': 'x'} is not of type 'string'`), or quoted back by a server or proxy that puts
the request's `Authorization` header into its error text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

MASK = "********"
# Leaves of a token given as a number or an object shorter than this are not masked on their own
# (masking every "1" would garble messages); the whole value is masked in every spelling.
_MIN_LEAF_CHARS = 3
# Whatever follows "Bearer" is a credential, whoever's it is.
_BEARER = re.compile(r"(Bearer\s+)[^\s\"',;)}\]]+", re.IGNORECASE)


def spellings(value: Any) -> list[str]:
    """`value` as it may be printed, longest first: itself and percent-encoded, and for a value
    that is not a string (a number, an object) its repr, its JSON and its leaves (values, not
    keys)."""
    return sorted({s for s in _spellings(value) if s}, key=len, reverse=True)


def _spellings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield from (value, quote(value, safe=""))
        return
    yield from (repr(value), str(value), json.dumps(value, default=str))
    for leaf in _leaves(value):
        if len(leaf) >= _MIN_LEAF_CHARS:
            yield from _spellings(leaf)


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item)
    elif value is not None:
        yield str(value)


def mask(text: str, secrets: list[str]) -> str:
    """`text` without the `secrets` (longest first) and without any bearer token."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    return _BEARER.sub(rf"\g<1>{MASK}", text)
