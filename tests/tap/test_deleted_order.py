"""Reading deleted conversations newest first stops early only while the list is in that order."""

from __future__ import annotations

from typing import Any, cast

import pytest
from tap_intercom.client import IntercomClient
from tap_intercom.deleted import deleted_since


class PagedList:
    """Answers GET /conversations/deleted from fixed pages, counting requests."""

    def __init__(self, pages: list[list[int]]) -> None:
        self.pages = pages
        self.asked: list[int] = []

    def get(
        self, path: str, params: dict[str, Any], *, list_keys: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        assert list_keys == ("conversations",), "the list key the answer must hold"
        page = int(params["page"])
        self.asked.append(page)
        items = [
            {"type": "conversation", "id": f"{at}", "deleted_at": at, "metrics_retained": False}
            for at in self.pages[page - 1]
        ]
        return {"conversations": items, "pages": {"page": page, "total_pages": len(self.pages)}}


def _read(pages: list[list[int]], lower: int | None) -> tuple[list[int], list[int]]:
    source = PagedList(pages)
    items = list(deleted_since(cast(IntercomClient, source), lower))
    return [item["deleted_at"] for item in items], source.asked


def test_stops_at_the_first_page_reaching_below_the_window() -> None:
    deleted, asked = _read([[90, 80], [70, 60], [50, 40]], lower=85)
    assert asked == [1]
    assert deleted == [90, 80]
    deleted, asked = _read([[90, 80], [70, 60], [50, 40]], lower=65)
    assert asked == [1, 2]
    assert deleted == [90, 80, 70, 60]


def test_reads_everything_without_a_lower_bound() -> None:
    deleted, asked = _read([[90, 80], [70, 60], [50, 40]], lower=None)
    assert asked == [1, 2, 3]
    assert deleted == [90, 80, 70, 60, 50, 40]


def test_an_entry_pushed_onto_the_next_page_comes_once() -> None:
    # A deletion between two page requests moves 80 from page 1 to page 2.
    deleted, _ = _read([[90, 80], [80, 70], [60]], lower=65)
    assert deleted == [90, 80, 70, 60]


def test_a_list_out_of_order_is_read_to_the_end_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    deleted, asked = _read([[90, 95], [20], [30]], lower=50)
    assert asked == [1, 2, 3]
    assert deleted == [90, 95, 20, 30]
    assert "not newest first" in caplog.text
