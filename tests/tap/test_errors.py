"""What the user sees when something is wrong: the setting or endpoint named, never the token."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from intercom_sandbox.fake import FakeIntercom, FaultSpec
from tap_replica import Replica
from tap_truth import assert_matches_truth
from taprun import TOKEN, config_for, run_tap


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        pytest.param({"region": "mars"}, "config['region']", id="unknown-region"),
        pytest.param(
            {"start_date": "2024-03-01T00:00:00Z", "end_date": "2024-02-01T00:00:00Z"},
            "end_date: must be after start_date",
            id="end-before-start",
        ),
        pytest.param({"start_date": "last tuesday"}, "start_date:", id="malformed-date"),
        pytest.param({"api_version": "2.9"}, "config['api_version']", id="unsupported-version"),
        pytest.param({"page_size": 500}, "page_size: must be between 1 and 150", id="page-size"),
    ],
)
def test_bad_config_is_rejected_before_any_request(
    fake_intercom: Callable[..., FakeIntercom],
    tmp_path: Path,
    settings: dict[str, Any],
    named: str,
) -> None:
    fake = fake_intercom(conversations=2, token=TOKEN)

    output = run_tap(tmp_path, config_for(fake, **settings), check=False)

    assert output.returncode != 0
    assert named in output.stderr
    assert fake.stats.requests == 0
    assert TOKEN not in output.stderr + output.stdout


def test_a_wrong_token_fails_at_once_saying_what_to_check(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    fake = fake_intercom(conversations=2)
    config = {**config_for(fake), "access_token": TOKEN}  # not the fake's token

    output = run_tap(tmp_path, config, check=False)

    assert output.returncode != 0
    assert "check `access_token`" in output.stderr
    assert "HTTP 401" in output.stderr
    assert fake.stats.requests == 1
    assert TOKEN not in output.stderr + output.stdout


def test_the_last_failed_try_names_endpoint_status_and_request_id(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    faults = FaultSpec(rate=1.0, kinds=("503",), path_prefix="/admins")
    fake = fake_intercom(conversations=2, token=TOKEN, faults=faults)

    # Retried for 3 seconds (0.05 minutes) instead of the default 10 minutes.
    output = run_tap(tmp_path, config_for(fake, outage_retry_minutes=0.05), check=False)

    assert output.returncode != 0
    assert fake.stats.requests_by_path["/admins"] >= 3
    failure = next(line for line in output.stderr.splitlines() if "request failed" in line)
    assert "outage_retry_minutes" in failure
    assert "GET /admins: HTTP 503, request_id " in failure
    assert TOKEN not in output.stderr + output.stdout


@pytest.mark.parametrize(
    ("path", "key"),
    [
        pytest.param("/admins", "`admins`", id="admins"),
        pytest.param("/tags", "`data`", id="tags"),
        pytest.param("/conversations/search", "`conversations`", id="conversation-search"),
    ],
)
def test_a_list_answer_without_its_list_is_retried_then_fails_never_zero_records(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path, path: str, key: str
) -> None:
    # `{}` read as "no records" would empty a table loaded with `overwrite`.
    faults = FaultSpec(rate=1.0, kinds=("empty_object",), path_prefix=path)
    fake = fake_intercom(conversations=2, token=TOKEN, faults=faults)

    # Retried like an outage, for 3 seconds (0.05 minutes) instead of the default 10 minutes.
    output = run_tap(tmp_path, config_for(fake, outage_retry_minutes=0.05), check=False)

    assert output.returncode != 0
    assert fake.stats.requests_by_path[path] >= 3
    failure = next(line for line in output.stderr.splitlines() if "request failed" in line)
    assert f"a list answer without its {key} list" in failure
    assert all(state.get("sync", {}).get("complete") is not True for state in output.states)
    assert TOKEN not in output.stderr + output.stdout


def test_an_answer_without_its_list_now_and_then_is_retried_and_loses_nothing(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    search = "/conversations/search"
    faults = FaultSpec(rate=0.3, seed=7, kinds=("empty_object",), path_prefix=search)
    fake = fake_intercom(seed=45, conversations=8, contacts=4, companies=2, tickets=2,
                         faults=faults)  # fmt: skip

    output = run_tap(tmp_path, config_for(fake, page_size=2))

    assert fake.stats.faults_injected["empty_object"] >= 2
    assert_matches_truth(Replica().apply(output.messages), fake.truth())


def test_a_conversation_deleted_between_search_and_fetch_is_skipped(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    fake = fake_intercom(seed=44, conversations=12, contacts=3, companies=2, tickets=2)
    # The mutation lands before the search's answer is sent: one listed conversation is deleted
    # before any detail is fetched.
    fake.schedule_mutation(after_requests=1, seed=1, path_prefix="/conversations/search")

    output = run_tap(tmp_path, config_for(fake))

    (deleted,) = fake.mutation_summaries[0].deleted_conversations
    assert f"Conversation {deleted} disappeared" in output.stderr
    assert deleted not in {r["conversation_id"] for r in output.records["conversations"]}
    assert output.states[-1]["sync"]["complete"] is True
    # The mutation's other changes are after the window: the next run picks them up.
    following = run_tap(tmp_path / "next", config_for(fake), output.states[-1])
    replica = Replica().apply(output.messages + following.messages)
    assert_matches_truth(replica, fake.truth())
