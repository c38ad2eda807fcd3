"""The small lists are asked for when the run starts, all at once after the first, instead of one
round trip each between the long streams; what they deliver is unchanged (test_full_sync.py)."""

from __future__ import annotations

from pathlib import Path

from intercom_sandbox.fake import FakeIntercom
from taprun import TOKEN, config_for, run_tap


def _arrivals(fake: FakeIntercom) -> list[str]:
    """Paths in the order the fake received them."""
    seen: list[str] = []
    count = fake.stats.count_request

    def noting(path: str) -> None:
        seen.append(path)
        count(path)

    fake.stats.count_request = noting  # type: ignore[method-assign]
    return seen


def test_the_small_lists_are_read_before_the_long_streams(fake_intercom, tmp_path: Path) -> None:
    fake = fake_intercom(seed=4, conversations=20, contacts=10, token=TOKEN)
    arrivals = _arrivals(fake)

    output = run_tap(tmp_path, config_for(fake))

    first_search = min(i for i, path in enumerate(arrivals) if path.endswith("/search"))
    lists = ["/admins", "/tags", "/teams", "/segments", "/data_attributes"]
    assert all(arrivals.index(path) < first_search for path in lists)
    assert arrivals.count("/data_attributes") == 2  # contact and company attributes, once each
    assert {"tags", "teams", "segments", "data_attributes", "admins"} <= set(output.records)


def test_only_one_request_when_the_token_is_wrong(fake_intercom, tmp_path: Path) -> None:
    fake = fake_intercom(seed=4, conversations=2)

    output = run_tap(tmp_path, {**config_for(fake), "access_token": TOKEN}, check=False)

    assert output.returncode != 0
    assert fake.stats.requests == 1
