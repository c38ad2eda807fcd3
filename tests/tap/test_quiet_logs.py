"""At the default level the tap's log has no SDK boilerplate repeated per stream."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from intercom_sandbox.fake import FakeIntercom
from tap.taprun import config_for, run_tap
from tap_intercom.quiet_logs import BOILERPLATE

SEEN_AT_DEBUG = (
    "Beginning sync of 'conversations' in incremental mode",
    "Starting incremental sync of 'contacts' with bookmark value",
    "Stream is assumed to be unsorted, progress is not resumable",
    "Added 'conversation_parts' as child stream to 'conversations'",
)


@pytest.fixture
def fake(fake_intercom: Callable[..., FakeIntercom]) -> FakeIntercom:
    return fake_intercom(seed=3, conversations=4, contacts=4, companies=3, tickets=2)


def test_a_run_logs_no_sdk_boilerplate(fake: FakeIntercom, tmp_path: Path) -> None:
    done = run_tap(tmp_path, config_for(fake))

    for phrase in (*SEEN_AT_DEBUG, "Skipping parse of env var settings"):
        assert phrase not in done.stderr
    assert "Finished: conversations 4/4" in done.stderr  # the tap's own summary stays
    assert done.records["conversations"]


def test_the_boilerplate_is_still_there_at_debug_level(
    fake: FakeIntercom, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAP_INTERCOM_LOGLEVEL", "debug")
    done = run_tap(tmp_path, config_for(fake))

    for phrase in SEEN_AT_DEBUG:
        assert phrase in done.stderr


def test_the_filter_matches_the_sdks_own_format_strings() -> None:
    """Tied to the SDK's text: a changed message would silently reappear at INFO."""
    import inspect

    from singer_sdk import plugin_base, tap_base
    from singer_sdk.helpers import _state as helper_state
    from singer_sdk.streams import _state as stream_state
    from singer_sdk.streams import core

    sources = "".join(
        inspect.getsource(module)
        for module in (plugin_base, tap_base, core, stream_state, helper_state)
    )
    for prefix in BOILERPLATE:
        assert prefix in sources, prefix
