"""An Intercom outage of minutes, played on a virtual clock: the run waits it out, says so once,
and its output is exact; an outage longer than `outage_retry_minutes` fails the run, and the state
written before it stays valid for the next run."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timezone
from email.utils import format_datetime

import pytest
from inprocess import run_in_process
from intercom_sandbox.fake import FakeIntercom, OutageSpec, VirtualClock
from tap_intercom.retry import retry_after_seconds
from tap_replica import Replica
from tap_truth import assert_matches_truth

WORKSPACE = {"conversations": 16, "contacts": 6, "companies": 3, "tickets": 2}
# Request 12 is a conversation's details (after the admins, the five early small-list requests of
# early_lists.py, companies, contacts and the search): the outage starts mid-conversations.
MID_CONVERSATIONS = 11


def _messages(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if text in r.getMessage()]


def test_a_five_minute_outage_mid_conversations_is_waited_out(
    fake_intercom: Callable[..., FakeIntercom], caplog: pytest.LogCaptureFixture
) -> None:
    clock = VirtualClock()
    outage = OutageSpec(after_requests=MID_CONVERSATIONS, seconds=5 * 60)
    fake = fake_intercom(seed=61, **WORKSPACE, outages=(outage,), clock=clock.time)
    started = time.monotonic()

    with caplog.at_level(logging.INFO, logger="tap-intercom"):
        run = run_in_process(fake, clock, page_size=5)

    assert run.error is None, run.error
    assert_matches_truth(Replica().apply(run.output.messages), fake.truth())
    assert run.output.states[-1]["sync"]["complete"] is True
    assert fake.stats.faults_injected["outage"] >= 4, "every worker met the outage"
    assert clock.slept >= 5 * 60, "the run waited through the outage"
    assert time.monotonic() - started < 60, "on the virtual clock, not in real time"
    [unavailable] = _messages(caplog, "Intercom is unavailable")
    assert "/conversations" in unavailable
    assert "keeps retrying until" in unavailable
    assert "outage_retry_minutes = 10" in unavailable
    assert len(_messages(caplog, "Intercom answers again")) == 1
    lines = [(r.levelno, r.getMessage()) for r in caplog.records]
    told = next(i for i, (_, m) in enumerate(lines) if "Intercom is unavailable" in m)
    back = next(i for i, (_, m) in enumerate(lines) if "Intercom answers again" in m)
    assert told < back
    assert not [m for level, m in lines[told:back] if level >= logging.WARNING and "Retry" in m], (
        "retries are not logged one by one once the outage is told"
    )
    progress = _messages(caplog, "Progress:")
    assert any("Intercom unavailable for" in line for line in progress), progress


def test_an_outage_longer_than_the_setting_fails_and_the_next_run_resumes_exactly(
    fake_intercom: Callable[..., FakeIntercom], caplog: pytest.LogCaptureFixture
) -> None:
    clock = VirtualClock()
    outage = OutageSpec(after_requests=MID_CONVERSATIONS, seconds=20 * 60)
    fake = fake_intercom(seed=62, **WORKSPACE, outages=(outage,), clock=clock.time)

    failed = run_in_process(fake, clock, page_size=5, outage_retry_minutes=5)

    assert failed.error is not None
    message = str(failed.error)
    assert "Intercom failing for 5.0 minutes" in message
    assert "outage_retry_minutes" in message
    assert "HTTP 50" in message
    states = failed.output.states
    assert states, "pages written before the outage were checkpointed"
    assert not any(state["sync"]["complete"] for state in states)

    clock.sleep(20 * 60)  # the outage is over
    resumed = run_in_process(fake, clock, state=states[-1], page_size=5)

    assert resumed.error is None
    replica = Replica().apply(failed.output.messages).apply(resumed.output.messages)
    assert_matches_truth(replica, fake.truth())


def test_retry_after_sets_the_pace_of_retries(
    fake_intercom: Callable[..., FakeIntercom],
) -> None:
    clock = VirtualClock()
    # A 100-second outage answering Retry-After: 40: tries at 0, 40, 80 fail, the one at 120 not.
    outage = OutageSpec(after_requests=0, seconds=100, retry_after_seconds=40)
    fake = fake_intercom(seed=63, conversations=1, contacts=1, companies=1, tickets=1,
                         outages=(outage,), clock=clock.time)  # fmt: skip

    run = run_in_process(fake, clock, streams={"admins"})

    assert run.error is None
    assert {r["admin_id"] for r in run.output.records["admins"]} == set(fake.truth().admins)
    assert fake.stats.faults_injected["outage"] == 3


def test_retry_after_is_read_as_seconds_or_as_an_http_date() -> None:
    now = 1_780_000_000.0
    in_90_seconds = format_datetime(datetime.fromtimestamp(now + 90, timezone.utc), usegmt=True)

    assert retry_after_seconds("120", now) == 120
    assert retry_after_seconds(in_90_seconds, now) == 90
    assert retry_after_seconds("Thu, 01 Jan 1970 00:00:00 GMT", now) == 0, "a past date: now"
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None
