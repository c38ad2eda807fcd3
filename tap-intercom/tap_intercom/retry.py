"""How long to wait before trying a failed request again, and for how long to keep trying.

Intercom's incidents fail every request with 5xx for tens of seconds to minutes
(intercom/intercom-android#485: "the API service is temporarily unavailable" for every client,
status.intercom.com; intercom/python-intercom#20: 503s during planned maintenance). A retry budget
of a few seconds turns such an incident into a failed run, so a failing request is retried for a
total time (`outage_retry_minutes`), with waits that double up to a cap and are jittered so that
the workers of one run (and the runs of other users) do not come back all at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timezone
from email.utils import parsedate_to_datetime

DEFAULT_OUTAGE_RETRY_MINUTES = 10


@dataclass(frozen=True)
class RetryPolicy:
    total_seconds: float = DEFAULT_OUTAGE_RETRY_MINUTES * 60
    first_wait_seconds: float = 0.5
    max_wait_seconds: float = 30.0

    def wait(self, failures: int, rng: random.Random, retry_after: float | None = None) -> float:
        """Seconds before the next try after `failures` failed tries in a row: the capped
        exponential step, jittered within its upper half, or longer when the server said so."""
        step = min(self.max_wait_seconds, self.first_wait_seconds * 2 ** (failures - 1))
        jittered = rng.uniform(step / 2, step)
        return max(jittered, retry_after or 0.0)


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """A Retry-After header (RFC 9110 section 10.2.3: delay-seconds or an HTTP-date) as seconds
    from `now` (Unix seconds); None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(when.timestamp() - now, 0.0)
