"""Signed webhook notifications for the fake's changes, delivered as Intercom delivers them.

Envelope and `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body with the client secret>`:
developers.intercom.com/docs/references/webhooks/webhook-models and
developers.intercom.com/docs/webhooks/setting-up-webhooks. A notification not answered with a 2xx
within 5 seconds is "retried once after 1 minute" (same page); the delay is a setting here so that
tests need not wait a minute. Delivery is synchronous and in order, from the mutating thread.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

import requests

from .people import APP_ID

DEADLINE_SECONDS = 5.0
_numbers = itertools.count(1)


@dataclass
class WebhookSender:
    url: str
    client_secret: str
    retry_delay_seconds: float = 60.0
    sent: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, topic: str, item: dict[str, Any]) -> None:
        now = int(time.time())
        notification = {
            "type": "notification_event",
            "app_id": APP_ID,
            "id": f"notif_{next(_numbers):08d}",
            "topic": topic,
            "created_at": now,
            "first_sent_at": now,
            "delivery_attempts": 1,
            "data": {"type": "notification_event_data", "item": item},
        }
        self.deliver(notification)

    def deliver(self, notification: dict[str, Any]) -> bool:
        for attempt in (1, 2):
            notification["delivery_attempts"] = attempt
            if self.post(json.dumps(notification).encode()):
                self.sent.append(notification)
                return True
            if attempt == 1:
                time.sleep(self.retry_delay_seconds)
        self.failed.append(notification)  # Intercom drops it: polling must repair
        return False

    def post(self, body: bytes) -> bool:
        signature = "sha1=" + hmac.new(self.client_secret.encode(), body, hashlib.sha1).hexdigest()
        headers = {"Content-Type": "application/json", "X-Hub-Signature": signature}
        try:
            answer = requests.post(self.url, data=body, headers=headers, timeout=DEADLINE_SECONDS)
        except requests.RequestException:
            return False
        return 200 <= answer.status_code < 300
