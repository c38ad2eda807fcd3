"""Acceptance suite for issue 12: the tap against an independent fake of the real Intercom."""
