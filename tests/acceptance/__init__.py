"""Acceptance suite: the tap against an independent fake of the real Intercom."""
