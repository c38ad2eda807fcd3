"""Deterministic randomness: every generated value derives from the seed and a stable label."""

from __future__ import annotations

import hashlib
import random


def rng_for(*labels: object) -> random.Random:
    """A generator that depends only on the labels (never on Python's hash randomisation)."""
    text = "/".join(str(label) for label in labels)
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))
