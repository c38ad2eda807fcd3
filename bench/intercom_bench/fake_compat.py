"""One allowance the fake does not make and the singer-io tap needs (benchmark runs only).

The singer-io tap-intercom 2.2.5 searches conversations with `OR(id > last, id = last)` sorted by
`id` (its streams.py, `Conversations.get_records`), and has shipped that query against the real
API for years. The fake applies the contacts' per-type operator table (string fields: no `>`;
fact sheet section 4, "written for Contacts") to conversations too, and answers 400. While a
singer-io run is measured, the fake accepts range operators on the conversation `id` field and
compares ids as strings; nothing else changes. (Reported to the lead for the fake itself.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from intercom_sandbox.fake import search

RANGE_OPERATORS = {"<", "<=", ">", ">="}


@contextmanager
def conversation_id_ranges_accepted() -> Iterator[None]:
    original = search._check_operator

    def check(field: Any, operator: Any, ctx: Any) -> None:
        if ctx.model == "conversation" and field.name == "id" and operator in RANGE_OPERATORS:
            return
        original(field, operator, ctx)

    search._check_operator = check
    try:
        yield
    finally:
        search._check_operator = original
