"""Realistic text: names, HTML bodies with unicode, emoji, the odd NUL, very long bodies, files."""

from __future__ import annotations

import random
from typing import Any

FIRST_NAMES = (
    "Ada", "José", "Zoë", "Øyvind", "Siobhán", "李雷", "Ngozi", "Łukasz", "Αλέξης", "Мария",
    "Aarav", "Fatima", "Kenji", "Chloé", "Björk", "Dương", "Omar", "Inés", "Tomás", "Ana",
)  # fmt: skip
LAST_NAMES = (
    "Lovelace", "García", "Müller", "Ødegaard", "O'Brien", "韩梅梅", "Okafor", "Wałęsa",
    "Παπαδόπουλος", "Иванова", "Sharma", "Al-Sayed", "Tanaka", "Dubois", "Guðmundsdóttir",
    "Nguyễn", "Haddad", "Peña", "Fernández", "Silva",
)  # fmt: skip
WORDS = (
    "invoice", "refund", "login", "password", "export", "billing", "support", "plan", "upgrade",
    "café", "naïve", "résumé", "straße", "日本語", "données", "ошибка", "integration", "webhook",
    "latency", "dashboard", "report", "order", "shipping", "delayed", "urgent", "thanks",
)  # fmt: skip
EMOJI = ("🙂", "🎉", "🔥", "👍🏽", "🤔", "🚀", "❤️", "👨‍👩‍👧")
DOMAINS = ("example.com", "example.org", "exämple.de", "mail.example.net")
COUNTRIES = (
    ("United States", "New York", "Brooklyn"), ("Germany", "Berlin", "Berlin"),
    ("Brazil", "São Paulo", "São Paulo"), ("Japan", "Tokyo", "Shibuya"), (None, None, None),
    ("Ireland", "Leinster", "Dublin"), ("Viet Nam", "Hà Nội", "Hà Nội"),
)  # fmt: skip
ATTACHMENT_KINDS = (
    ("screenshot.png", "image/png", 1280, 800),
    ("invoice (1).pdf", "application/pdf", None, None),
    ("logs_ü.txt", "text/plain", None, None),
)  # fmt: skip


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def email_for(name: str, number: int, rng: random.Random) -> str:
    local = "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum()) or "user"
    return f"{local}.{number}@{rng.choice(DOMAINS)}"


def sentence(rng: random.Random, words: int = 8) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    if rng.random() < 0.3:
        chosen.insert(rng.randrange(len(chosen)), rng.choice(EMOJI))
    return " ".join(chosen).capitalize() + "."


def html_body(rng: random.Random) -> str:
    """An HTML message body; now and then very long, with a link, or with a NUL character."""
    paragraphs = [f"<p>{sentence(rng, rng.randint(4, 14))}</p>" for _ in range(rng.randint(1, 3))]
    roll = rng.random()
    if roll < 0.15:
        word = rng.choice(WORDS)
        paragraphs.append(
            f'<p>See <a href="https://docs.example.com/{word}">the {word} guide</a></p>'
        )
    elif roll < 0.2:
        paragraphs.append("<ul><li>first &amp; foremost</li><li>x &lt; y</li></ul>")
    elif roll < 0.23:
        # Real message bodies can carry NUL characters; PostgreSQL text columns reject them.
        paragraphs.append("<p>pasted from a terminal:\u0000 done</p>")
    elif roll < 0.25:
        paragraphs.append("<p>" + " ".join(sentence(rng, 12) for _ in range(400)) + "</p>")
    return "".join(paragraphs)


def attachments(rng: random.Random, number: int) -> list[dict[str, Any]]:
    if rng.random() >= 0.12:
        return []
    name, content_type, width, height = rng.choice(ATTACHMENT_KINDS)
    attachment: dict[str, Any] = {
        "type": "upload",
        "name": name,
        "url": f"https://downloads.intercomcdn.example/i/o/{number}/{name.replace(' ', '%20')}",
        "content_type": content_type,
        "filesize": rng.randint(1_000, 5_000_000),
    }
    if width is not None:
        attachment |= {"width": width, "height": height}
    return [attachment]


def object_id(timestamp: int, kind: int, number: int) -> str:
    """A 24-hex-digit id like the ones Intercom gives contacts, companies and segments."""
    return f"{timestamp:08x}{kind:08x}{number:08x}"
