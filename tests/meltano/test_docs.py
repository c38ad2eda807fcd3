"""The README is a short guide whose first screen is true, and the pages of docs/ hold together:
every link between them lands on a file and a heading that exist, and no page or comment cites
evidence kept outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from intercom_sandbox.demo_database import DemoDatabase

from meltano.project import REPO_ROOT

README = REPO_ROOT / "README.md"
DOCUMENTS = [README, *sorted((REPO_ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} (.+)$", re.M)
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
SOURCE_DIRS = ["tap-intercom", "target-supabase", "sandbox", "webhooks", "tests", "docs", "scripts"]


def anchor(heading: str) -> str:
    """GitHub's id for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {anchor(h) for h in HEADING.findall(FENCE.sub("", path.read_text()))}


def local_links(path: Path) -> list[str]:
    return [
        link
        for link in LINK.findall(FENCE.sub("", path.read_text()))
        if not link.startswith(("http://", "https://", "mailto:"))
    ]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_link_lands_on_a_file_and_heading_that_exist(document: Path) -> None:
    broken = []
    for link in local_links(document):
        target, _, fragment = link.partition("#")
        path = (document.parent / target).resolve() if target else document
        if not path.exists() or (path.suffix == ".md" and fragment not in anchors(path) | {""}):
            broken.append(link)
    assert broken == []


def test_the_readme_is_a_guide_that_leads_to_your_own_setup_first() -> None:
    text = README.read_text()
    sections = re.findall(r"^## (.+)$", text, re.M)

    assert len(text.splitlines()) <= 300
    assert sections[0] == "Use it with your Intercom and Supabase"
    first_screen = text.split("\n## ", 1)[0]
    for command in ("bash scripts/demo.sh ", "bash scripts/test.sh ", "demo.sh stop", "status"):
        assert command in first_screen, command


def test_the_readme_gives_the_database_url_the_demo_prints(tmp_path: Path) -> None:
    # The demo's closing lines print `psql <describe()>` for its default folder and port.
    url = DemoDatabase(tmp_path / "postgres").describe()
    first_screen = README.read_text().split("\n## ", 1)[0]

    assert f"psql {url}\n" in first_screen


def test_no_page_or_comment_cites_evidence_outside_the_repository() -> None:
    outside = re.compile(r"fact sheet|§\s*\d|\bissue \d+'s|\bissues? \d+ item", re.I)
    files = [README, *(p for d in SOURCE_DIRS for p in (REPO_ROOT / d).rglob("*"))]
    cited = [
        f"{path.relative_to(REPO_ROOT)}:{number}"
        for path in files
        if path.suffix in {".py", ".md", ".sh", ".sql"} and path != Path(__file__)
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if outside.search(line)
    ]
    assert cited == []
