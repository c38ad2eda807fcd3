"""The Meltano commands the README and docs/ show, as a user would type them.

Commands are read from inline code and code blocks. A command is the `meltano` word (or a path
ending in `/meltano`) with the `VAR=value` words right before it and its arguments up to a shell
operator (`>>`, `|`, `&&`, `;`).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)
INLINE = re.compile(r"`([^`\n]+)`")
ASSIGNMENT = re.compile(r"^[A-Z][A-Z0-9_]*=")
OPERATORS = {">>", ">", "|", "||", "&&", ";", "2>&1", "&"}


@dataclass(frozen=True)
class Command:
    env: tuple[tuple[str, str], ...]
    args: tuple[str, ...]

    def __str__(self) -> str:
        words = [f"{name}={shlex.quote(value)}" for name, value in self.env]
        return " ".join([*words, "meltano", *self.args])


def snippets(text: str) -> list[str]:
    """Every line of every code block, and every inline code span outside them."""
    lines = [line for block in FENCE.findall(text) for line in block.splitlines()]
    prose = FENCE.sub("", text)
    return lines + INLINE.findall(prose.replace("\\|", "|"))


def commands_in(snippet: str) -> list[Command]:
    snippet = snippet.split("=", 1)[1] if snippet.startswith("ExecStart=") else snippet
    try:
        words = shlex.split(snippet, comments=True)
    except ValueError:
        return []
    found = []
    for index, word in enumerate(words):
        if word != "meltano" and not word.endswith("/meltano"):
            continue
        start = index
        while start > 0 and ASSIGNMENT.match(words[start - 1]):
            start -= 1
        env = tuple(tuple(w.split("=", 1)) for w in words[start:index])
        args = []
        for arg in words[index + 1 :]:
            if arg in OPERATORS:
                break
            args.append(arg)
        found.append(Command(env, tuple(args)))  # type: ignore[arg-type]
    return found


def readme_commands(*paths: Path) -> list[Command]:
    """Each distinct command, in the order the files show them."""
    seen: dict[Command, None] = {}
    for path in paths:
        for snippet in snippets(path.read_text()):
            for command in commands_in(snippet):
                seen.setdefault(command, None)
    return list(seen)
