"""The webhook receiver served on a free port, in this process, over a scenario's database; its
targeted fetches go to the scenario's fake Intercom."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn
from intercom_webhooks.app import PATH, create_app
from intercom_webhooks.applier import Applier
from intercom_webhooks.fetcher import Fetcher, FetchSettings
from intercom_webhooks.store import Store

from e2e.scenario import Scenario

SECRET = "client-secret-for-tests-91c2"
# Batches close after 50 ms: a test's burst still lands in a few batches.
TEST_FETCHES = FetchSettings(window_seconds=0.05, max_objects=200)


class Receiver:
    def __init__(self, scenario: Scenario, fetches: FetchSettings = TEST_FETCHES) -> None:
        self.store = Store({"database_url": scenario.database_url})
        self.store.prepare()
        target = scenario.target_config()
        self.fetcher = Fetcher.for_configs(self.store, scenario.tap_config(), target, fetches)
        self.applier = Applier(self.store, self.fetcher, idle_seconds=0.05)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        app = create_app(self.store, self.applier, SECRET, max_body_bytes=64 * 1024)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"

    def start(self) -> None:
        self.applier.start()
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        if not self.thread.is_alive():
            return
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.applier.stop()
        self.store.close()

    def settle(self) -> None:
        """Everything received is applied, its fetches loaded."""
        assert self.applier.settle(timeout=60), "targeted fetches still running after 60 s"


def with_receiver(scenario: Scenario, **kwargs: Any) -> Receiver:
    receiver = Receiver(scenario, **kwargs)
    receiver.start()
    return receiver
