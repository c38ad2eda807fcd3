"""The lines of a `check` report: what was checked, how it went, and what to do about it.

tap-intercom has the same type in tap_intercom/check_results.py: the two are separate
distributions (docs/architecture.md, "One place per fact"), and
tests/architecture/test_shared_facts.py keeps
the copies in agreement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    """One line of the report: `status` is OK, WARN or FAIL."""

    name: str
    status: str
    message: str

    def render(self) -> str:
        return f"[{self.status:^4}] {self.name}: {self.message}"


def ok(name: str, message: str) -> CheckResult:
    return CheckResult(name, "OK", message)


def warn(name: str, message: str) -> CheckResult:
    return CheckResult(name, "WARN", message)


def fail(name: str, message: str) -> CheckResult:
    return CheckResult(name, "FAIL", message)


def print_report(title: str, results: Sequence[CheckResult]) -> int:
    """Print the report; the exit code is 1 when anything failed."""
    for result in results:
        print(result.render())
    failed = any(result.status == "FAIL" for result in results)
    print(f"{title}: " + ("NOT ready, fix the FAIL lines above" if failed else "ready"))
    return 1 if failed else 0
