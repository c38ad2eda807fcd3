"""A token without a stream's permission: that stream is skipped, named once with the permission
to grant, and every other stream completes; or, with `on_stream_unavailable: fail`, the run
fails saying so. A bad token still fails the run at once."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

from intercom_sandbox.fake import FakeIntercom
from tap_intercom.errors import StreamUnavailableError
from tap_intercom.tap import TapIntercom
from tap_replica import Replica
from tap_truth import assert_matches_truth
from taprun import TOKEN, config_for, run_tap

WORKSPACE = {"seed": 12, "conversations": 6, "contacts": 5, "companies": 3, "tickets": 4}


def skip_warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "Stream tickets skipped" in line]


def test_a_denied_stream_is_skipped_and_every_other_stream_completes(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    fake = fake_intercom(**WORKSPACE, token=TOKEN, denied_resources=("tickets",))

    output = run_tap(tmp_path, config_for(fake))

    assert "tickets" not in output.records
    replica = Replica().apply(output.messages)
    assert_matches_truth(replica, dataclasses.replace(fake.truth(), tickets={}))
    [warning] = skip_warnings(output.stderr)
    assert "“Read tickets”" in warning
    assert "token_unauthorized" in warning
    # Every STATE from the skip on says so, the final complete one included.
    marked = [s["sync"].get("skipped_streams") for s in output.states]
    first = marked.index(next(m for m in marked if m))
    assert all(m == marked[-1] for m in marked[first:])
    assert set(marked[-1]) == {"tickets"}
    assert "Read tickets" in marked[-1]["tickets"]
    assert output.states[-1]["sync"]["complete"] is True
    assert "Traceback" not in output.stderr
    assert TOKEN not in output.stderr + output.stdout


def test_a_run_without_denials_marks_nothing_skipped(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    fake = fake_intercom(**WORKSPACE)

    output = run_tap(tmp_path, config_for(fake))

    assert all("skipped_streams" not in state["sync"] for state in output.states)
    assert output.records["tickets"]


def test_a_denied_parent_skips_its_children(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    fake = fake_intercom(**WORKSPACE, denied_resources=("conversations",))

    output = run_tap(tmp_path, config_for(fake))

    skipped = output.states[-1]["sync"]["skipped_streams"]
    assert set(skipped) == {
        "conversations",
        "conversation_parts",
        "conversation_tags",
        "deleted_conversations",
    }
    assert "its parent stream conversations was skipped" in skipped["conversation_parts"]
    assert "“Read conversations”" in skipped["deleted_conversations"]
    assert output.records["contacts"]
    assert output.records["tickets"]
    assert not {"conversations", "conversation_parts", "conversation_tags"} & set(output.records)


def test_fail_instead_of_skip_names_the_stream_and_the_permission(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    fake = fake_intercom(**WORKSPACE, token=TOKEN, denied_resources=("tickets",))

    output = run_tap(tmp_path, config_for(fake, on_stream_unavailable="fail"), check=False)

    assert output.returncode != 0
    assert "stream tickets cannot be read" in output.stderr
    assert "“Read tickets”" in output.stderr
    assert not any(s["sync"].get("complete") for s in output.states)
    assert TOKEN not in output.stderr + output.stdout


def test_a_bad_token_still_fails_the_run_whatever_the_setting(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    fake = fake_intercom(**WORKSPACE, denied_resources=("tickets",))
    config = {**config_for(fake), "access_token": TOKEN}  # not the fake's token

    output = run_tap(tmp_path, config, check=False)

    assert output.returncode != 0
    assert "check `access_token`" in output.stderr
    assert "skipped" not in output.stderr


def test_a_stream_skipped_midway_keeps_its_last_whole_bookmark(capsys) -> None:
    # An unsorted stream (here deleted_conversations) keeps the highest value read so far in
    # progress markers, which the SDK turns into the bookmark when the stream ends: a stream
    # skipped halfway must not get it, or the next run would start after records never read.
    tap = TapIntercom(config={"access_token": "unused", "api_url": "http://127.0.0.1:9"})
    stream = tap.streams["deleted_conversations"]
    stream.stream_state["replication_key_value"] = 100
    stream.stream_state["progress_markers"] = {
        "replication_key": "deleted_at",
        "replication_key_value": 999,
    }
    tap.state["sync"] = {"run_id": "r", "type": "incremental", "complete": False}

    stream.set_aside(StreamUnavailableError(stream.name, "lost halfway", "run again"))
    stream.finalize_state_progress_markers()

    assert stream.stream_state["replication_key_value"] == 100
    written = json.loads(capsys.readouterr().out.splitlines()[-1])
    skipped = written["value"]["sync"]["skipped_streams"]
    assert skipped == {"deleted_conversations": "lost halfway. Run again."}
