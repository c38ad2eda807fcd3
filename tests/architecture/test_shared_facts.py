"""Facts the tap and the target both need, kept once per distribution.

tap-intercom and target-supabase install separately (neither depends on the other), so the
check-report type and the parsing of settings from environment variables exist once in each
(docs/architecture.md, "One place per fact"). These tests keep the two copies saying the same.
"""

from __future__ import annotations

import pytest
from tap_intercom import check_results as tap_results
from tap_intercom import config as tap_config
from tap_intercom.tap import TapIntercom
from target_supabase import config as target_config
from target_supabase.ops import results as target_results
from target_supabase.target import TargetSupabase


@pytest.mark.parametrize("make", ["ok", "warn", "fail"])
def test_check_lines_render_alike(make: str) -> None:
    tap_line = getattr(tap_results, make)("intercom token", "accepted").render()
    target_line = getattr(target_results, make)("intercom token", "accepted").render()
    assert tap_line == target_line
    assert tap_line.startswith(f"[{make.upper():^4}] intercom token")


@pytest.mark.parametrize("failing", [False, True])
def test_reports_end_alike(failing: bool, capsys: pytest.CaptureFixture[str]) -> None:
    tap_lines = [tap_results.ok("a", "fine"), *([tap_results.fail("b", "no")] * failing)]
    target_lines = [target_results.ok("a", "fine"), *([target_results.fail("b", "no")] * failing)]
    tap_code = tap_results.print_report("Intercom", tap_lines)
    tap_out = capsys.readouterr().out
    target_code = target_results.print_report("Intercom", target_lines)
    assert (tap_code, tap_out) == (target_code, capsys.readouterr().out)
    assert tap_code == int(failing)


def test_environment_numbers_parse_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """A `number` setting from the environment is a number in both (the SDK leaves a string)."""
    monkeypatch.setenv("TAP_INTERCOM_REQUEST_TIMEOUT", "30.5")
    monkeypatch.setenv("TARGET_SUPABASE_BATCH_MAX_SECONDS", "30.5")
    assert tap_config.env_config(TapIntercom)["request_timeout"] == 30.5
    assert target_config.env_config(TargetSupabase)["batch_max_seconds"] == 30.5
    for spec, value in [({"type": ["number"]}, "2"), ({"type": ["string"]}, "2")]:
        assert tap_config.as_number(spec, value) == target_config.as_number(spec, value)
