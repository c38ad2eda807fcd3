"""Deterministic fault injection: the n-th eligible request fails the same way for a given seed."""

from __future__ import annotations

import threading

from .config import FaultSpec
from .seeding import rng_for

SERVER_ERRORS = {
    "500": ("server_error", "Request failed due to an internal network error. Please try again."),
    "502": ("bad_gateway", "Bad Gateway"),
    "503": ("service_unavailable", "Sorry, the API service is temporarily unavailable"),
    "504": ("gateway_timeout", "Gateway Timeout"),
    # Intercom's code for a bad parameter (spec 2.16 L391, L485).
    "400": ("parameter_invalid", "The request was refused"),
}


class FaultInjector:
    def __init__(self, spec: FaultSpec) -> None:
        self.spec = spec
        self._eligible = 0
        self._lock = threading.Lock()

    def next_fault(self, path: str) -> str | None:
        """The fault kind for this request, or None to serve it normally."""
        if self.spec.rate <= 0 or not path.startswith(self.spec.path_prefix):
            return None
        with self._lock:
            self._eligible += 1
            number = self._eligible
        rng = rng_for(self.spec.seed, "fault", number)
        if rng.random() >= self.spec.rate:
            return None
        return rng.choice(self.spec.kinds)
