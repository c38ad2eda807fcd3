"""A thin requests client for talking to a started fake, as a tap would."""

from __future__ import annotations

from typing import Any

import requests
from intercom_sandbox.fake import FakeIntercom


class Api:
    def __init__(self, fake: FakeIntercom, version: str | None = "2.16") -> None:
        self.url = fake.url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {fake.token}"
        self.session.headers["Accept"] = "application/json"
        if version is not None:
            self.session.headers["Intercom-Version"] = version

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.session.get(f"{self.url}{path}", params=params, timeout=30)

    def post(self, path: str, body: Any, **params: Any) -> requests.Response:
        return self.session.post(f"{self.url}{path}", json=body, params=params, timeout=30)

    def search(self, path: str, query: Any, **extra: Any) -> dict[str, Any]:
        response = self.post(path, {"query": query, **extra})
        assert response.status_code == 200, response.text
        return response.json()

    def search_all(self, path: str, query: Any, sort: dict[str, str], per_page: int) -> list[Any]:
        """Every item over all pages, following pages.next.starting_after in the body."""
        key = path.strip("/").split("/")[0]
        key = "data" if key == "contacts" else key
        items: list[Any] = []
        pagination: dict[str, Any] = {"per_page": per_page}
        while True:
            page = self.search(path, query, sort=sort, pagination=pagination)
            items.extend(page[key])
            following = page["pages"].get("next")
            if not following:
                return items
            pagination = {"per_page": per_page, "starting_after": following["starting_after"]}


def error_codes(response: requests.Response) -> list[str]:
    body = response.json()
    assert body["type"] == "error.list"
    return [error["code"] for error in body["errors"]]


EVERYTHING = {"field": "created_at", "operator": ">", "value": 0}
UPDATED_ASC = {"field": "updated_at", "order": "ascending"}
