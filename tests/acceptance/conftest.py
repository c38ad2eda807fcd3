"""A fresh fake of the real Intercom per test, with a small workspace anchored at the present."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from acceptance.real_intercom import RealIntercom
from acceptance.workspace import build


@pytest.fixture
def real_intercom() -> Iterator[Callable[..., RealIntercom]]:
    started: list[RealIntercom] = []

    def start(**options: Any) -> RealIntercom:
        deleted = options.pop("deleted_conversations", 130)
        fake = RealIntercom(build(int(time.time()), deleted), **options).start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.stop()
