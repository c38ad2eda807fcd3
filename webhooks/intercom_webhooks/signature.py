"""Intercom's webhook signature.

"Each webhook notification is signed by Intercom via an X-Hub-Signature header. ... the value of
this header is computed by creating a signature using the body of the JSON request and your app's
client_secret value": `sha1=` and the hex HMAC-SHA1 of the raw body
(developers.intercom.com/docs/webhooks/setting-up-webhooks, "Signed notifications"; the same in
hookdeck/webhook-skills PR #46). Compared in constant time: an attacker learns nothing from how long
a wrong signature takes to refuse.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "x-hub-signature"


def sign(secret: str, body: bytes) -> str:
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    if not header or not secret:
        return False
    return hmac.compare_digest(sign(secret, body).encode(), header.strip().encode())
