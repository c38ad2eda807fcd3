"""Region and URL settings pick the right Intercom host."""

from __future__ import annotations

import pytest
from tap_intercom.settings import parse_settings


@pytest.mark.parametrize(
    ("settings", "base_url"),
    [
        pytest.param({}, "https://api.intercom.io", id="default-us"),
        pytest.param({"region": "eu"}, "https://api.eu.intercom.io", id="eu"),
        pytest.param({"region": "au"}, "https://api.au.intercom.io", id="au"),
        pytest.param(
            {"region": "eu", "api_url": "http://127.0.0.1:8080"},
            "http://127.0.0.1:8080",
            id="api-url-wins",
        ),
    ],
)
def test_region_picks_the_base_url(settings: dict[str, str], base_url: str) -> None:
    assert parse_settings({"access_token": "x", **settings}).base_url == base_url
