"""The HTTP side: one POST route that answers within Intercom's deadline.

Intercom expects an answer within 5 seconds and retries a failed notification once, a minute
later (developers.intercom.com/docs/webhooks/setting-up-webhooks); a 429 throttles further
notifications from 1 minute up to 2 hours, after which they are dropped
(developers.intercom.com/docs/webhooks/webhook-notifications, "Throttling"). So the route does the
least that makes the notification safe: check the signature, store the raw body once (idempotent
on the notification id, so a retry is harmless), answer; the applier thread does the rest.
"""

from __future__ import annotations

import json
import logging

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from intercom_webhooks.applier import Applier
from intercom_webhooks.events import BadEventError, parse
from intercom_webhooks.signature import HEADER, verify
from intercom_webhooks.store import Store

logger = logging.getLogger("intercom-webhooks")
PATH = "/webhooks/intercom"
# Notifications carry one object; Intercom's largest (a conversation with 500 parts) stays well
# under a few MB. Anything bigger is refused before it is read whole.
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024


class BodyTooLargeError(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(
    store: Store, applier: Applier, client_secret: str, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
) -> Starlette:
    async def receive(request: Request) -> PlainTextResponse | JSONResponse:
        try:
            body = await _read_body(request, max_body_bytes)
        except BodyTooLargeError:
            return PlainTextResponse("body too large", status_code=413)
        if not verify(client_secret, body, request.headers.get(HEADER)):
            # Never the secret nor the expected signature in the log.
            logger.warning("Refused a notification with a missing or wrong %s", HEADER)
            return PlainTextResponse("bad signature", status_code=401)
        try:
            payload = json.loads(body)
            event = parse(payload)
        except (ValueError, BadEventError) as error:
            return PlainTextResponse(f"not a notification: {error}", status_code=400)
        if event.is_ping:
            return JSONResponse({"pong": True})
        new = await run_in_threadpool(store.insert, event, body)
        if new:
            applier.wake()
        return JSONResponse({"stored": new})

    async def health(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route(PATH, receive, methods=["POST"]), Route("/health", health, methods=["GET"])]
    )
