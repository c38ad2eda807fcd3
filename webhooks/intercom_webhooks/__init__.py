"""Receiver for Intercom webhooks (issue 17): see README, "Webhooks"."""
