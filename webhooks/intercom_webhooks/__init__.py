"""Receiver for Intercom webhooks: see docs/webhooks.md."""
