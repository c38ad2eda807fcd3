"""The companies scroll as the real service runs it (scroll.py): one open per
workspace, expired after an idle minute (then 404 on its scroll_param), lost on a 500 "Please
restart the scroll operation". The tap must never idle its own scroll into expiry, restart a lost
one, wait for one held by another client, and when companies still cannot be read, skip them and
complete every other stream."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from acceptance.exact import assert_companies_exact, assert_every_stream_exact
from acceptance.real_intercom import RealIntercom
from acceptance.scroll import IDLE_EXPIRY_SECONDS, PAGE_SIZE
from acceptance.tap_process import config_for, run_tap, run_tap_reading_slowly

THREE_PAGES = 2 * PAGE_SIZE + 20
# Large enough that one page of companies is more than a pipe holds (64 KiB on Linux): a tap that
# writes companies while it scrolls is blocked in the middle of its scroll by a reader that stops.
LARGE_COMPANY_BYTES = 4000


def _first_company(message: dict[str, Any]) -> bool:
    return message["type"] == "RECORD" and message["stream"] == "companies"


def test_a_slow_reader_does_not_expire_the_scroll(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom(companies=THREE_PAGES, company_bytes=LARGE_COMPANY_BYTES)

    # The target stops reading at the first company for over a minute (on the fake's clock).
    run = run_tap_reading_slowly(
        tmp_path,
        config_for(fake),
        stop_reading_at=_first_company,
        while_stopped=lambda: fake.advance_clock(IDLE_EXPIRY_SECONDS + 1),
    )

    assert run.returncode == 0, run.describe()
    assert fake.scroll.expired == 0, "the tap asked for a page of a scroll that had expired"
    assert fake.scroll.started == 1
    assert "Companies scroll lost" not in run.stderr
    assert_every_stream_exact(run, fake.workspace)


def test_an_expired_scroll_is_started_again(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom(companies=THREE_PAGES)
    fake.scroll.idle_before_pages.add(2)  # page 2 is asked for after the scroll idled out

    run = run_tap(tmp_path, config_for(fake))

    assert (fake.scroll.expired, fake.scroll.started) == (1, 2)
    [lost] = run.warnings("Companies scroll lost")
    assert "page 2" in lost
    assert "404" in lost or "Not found" in lost
    assert_companies_exact(run, fake.workspace)
    assert_every_stream_exact(run, fake.workspace)


def test_a_restart_answer_starts_a_new_scroll_at_once(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom(companies=THREE_PAGES)
    fake.scroll.fail_pages_once.add(3)

    run = run_tap(tmp_path, config_for(fake))

    assert (fake.scroll.restarted, fake.scroll.started) == (1, 2)
    [lost] = run.warnings("Companies scroll lost")
    assert "Please restart the scroll operation" in lost
    assert "already open" not in run.stderr, "a lost scroll no longer blocks a new one"
    scrolls = [s for s in fake.served if s.path == "/companies/scroll"]
    failed = next(n for n, s in enumerate(scrolls) if s.status == 500)
    restart = scrolls[failed + 1]
    assert "scroll_param" not in restart.query, "a new scroll, not the lost one continued"
    assert restart.at - scrolls[failed].at < 5, "started again at once"
    assert_every_stream_exact(run, fake.workspace)


def test_a_scroll_held_by_another_client_is_waited_for(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom(companies=THREE_PAGES)
    fake.scroll.hold_for_another_client()
    # While the tap waits, the other client's scroll idles out (a minute on the fake's clock).
    fake.scroll.on_refused.append(lambda: fake.advance_clock(IDLE_EXPIRY_SECONDS + 1))

    run = run_tap(tmp_path, config_for(fake))

    assert fake.scroll.refused == 1
    assert fake.scroll.started == 1
    [waited] = run.warnings("A companies scroll is already open")
    assert "waiting" in waited
    assert_every_stream_exact(run, fake.workspace)
    assert "skipped" not in run.stderr


def test_companies_that_cannot_be_read_are_skipped_and_the_other_streams_complete(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom(companies=THREE_PAGES)
    fake.scroll.fail_pages_always.add(2)  # every scroll is lost at its second page

    run = run_tap(tmp_path, config_for(fake))

    [skipped] = run.warnings("Stream companies skipped")
    assert "companies scroll was lost" in skipped
    marker = run.final_state["sync"]
    assert marker["complete"] is True
    # The id snapshot comes from the same scroll: it is skipped with its parent.
    assert set(marker["skipped_streams"]) == {"companies", "company_ids_snapshot"}
    assert run.bookmark("companies") is None, "the bookmark did not move"
    assert_every_stream_exact(run, fake.workspace, without=frozenset({"companies"}))
    assert fake.scroll.started <= 5, "gave up after a few scrolls that got no further"
