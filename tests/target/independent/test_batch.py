"""BATCH messages: their records load like RECORD messages; a BATCH the target cannot read ends
the run before any later STATE is emitted."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from .kit import STREAM, bookmark, item, items_schema, last_log, ok, rejected, rows, run

AT = {"at": {"type": ["string", "null"], "format": "date-time"}}


def batch(manifest: list[str], compression: str = "gzip", fmt: str = "jsonl") -> dict[str, Any]:
    return {
        "type": "BATCH",
        "stream": STREAM,
        "encoding": {"format": fmt, "compression": compression},
        "manifest": manifest,
    }


def write_jsonl(path: Path, records: list[dict[str, Any] | str], gzipped: bool) -> str:
    text = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)
    path.write_bytes(gzip.compress(text.encode()) if gzipped else text.encode())
    return path.as_uri()


def _assert_failed_before_later_state(done: Any, url: str, *words: str) -> None:
    assert done.returncode == 1
    assert done.states == [{"bookmarks": {STREAM: 1}}], "no state after an unread BATCH"
    for word in words:
        assert word in done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert rows(url) == [(1, "before")]
    assert last_log(url)["status"] == "failed"


@pytest.mark.parametrize(
    ("compression", "gzipped"), [("gzip", True), ("none", False), ("none", True)]
)
def test_batch_files_load_like_records(
    target_config: dict[str, Any], tmp_path: Path, compression: str, gzipped: bool
) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", [{"id": 1, "name": "a"}], gzipped)
    second = write_jsonl(tmp_path / "b.jsonl", [{"id": 2, "name": "b"}, {"id": 3}], gzipped)
    messages = [items_schema(), batch([first, second], compression), bookmark(3)]
    done = ok(run(target_config, messages, tmp_path))
    assert done.states == [{"bookmarks": {STREAM: 3}}]
    assert rows(target_config["database_url"]) == [(1, "a"), (2, "b"), (3, None)]
    assert rejected(target_config["database_url"]) == []
    assert last_log(target_config["database_url"])["records_by_stream"] == {STREAM: 3}


def test_bad_records_in_a_batch_file_are_rejected_the_rest_loads(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    records: list[dict[str, Any] | str] = [
        {"id": 1, "at": "2024-01-01T00:00:00Z"},
        {"id": 2, "at": "2024-W01-1"},
        '{"id": 3, "name": NaN}',
        {"name": "no key"},
        {"id": 5, "name": "five"},
    ]
    url = write_jsonl(tmp_path / "a.jsonl.gz", records, gzipped=True)
    messages = [items_schema(**AT), batch([url]), bookmark(5)]
    for run_number in (1, 2):
        done = ok(run(target_config, messages, tmp_path))
        assert done.states == [{"bookmarks": {STREAM: 5}}]
        assert rows(target_config["database_url"]) == [(1, None), (5, "five")]
        assert len(rejected(target_config["database_url"])) == 3 * run_number


@pytest.mark.parametrize(
    ("fmt", "compression"), [("parquet", "gzip"), ("jsonl", "bz2"), ("csv", "none")]
)
def test_unknown_encoding_fails_before_later_state(
    target_config: dict[str, Any], tmp_path: Path, fmt: str, compression: str
) -> None:
    url = write_jsonl(tmp_path / "a.jsonl", [{"id": 2}], gzipped=False)
    messages = [items_schema(), item(id=1, name="before"), bookmark(1)]
    messages += [batch([url], compression, fmt), bookmark(2)]
    done = run(target_config, messages, tmp_path)
    _assert_failed_before_later_state(done, target_config["database_url"], fmt, compression)


def test_missing_file_fails_naming_it(target_config: dict[str, Any], tmp_path: Path) -> None:
    missing = (tmp_path / "gone.jsonl.gz").as_uri()
    messages = [items_schema(), item(id=1, name="before"), bookmark(1), batch([missing])]
    messages.append(bookmark(2))
    done = run(target_config, messages, tmp_path)
    _assert_failed_before_later_state(done, target_config["database_url"], "gone.jsonl.gz")


def test_truncated_gzip_loads_nothing_of_it(target_config: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    write_jsonl(path, [{"id": n} for n in range(2, 500)], gzipped=True)
    path.write_bytes(path.read_bytes()[:-30])
    messages = [items_schema(), item(id=1, name="before"), bookmark(1), batch([path.as_uri()])]
    messages.append(bookmark(2))
    done = run(target_config, messages, tmp_path)
    _assert_failed_before_later_state(done, target_config["database_url"], "cut.jsonl.gz")


def test_relative_path_manifest(target_config: dict[str, Any], tmp_path: Path) -> None:
    """A bare relative path is read relative to the target's working folder, or refused
    clearly: never a success that loaded nothing."""
    write_jsonl(tmp_path / "rel.jsonl", [{"id": 2, "name": "rel"}], gzipped=False)
    messages = [items_schema(), item(id=1, name="before"), bookmark(1)]
    messages += [batch(["does/not/exist.jsonl"], "none"), bookmark(2)]
    done = run(target_config, messages, tmp_path)
    _assert_failed_before_later_state(done, target_config["database_url"], "does/not/exist")


def test_http_manifest_fails_clearly(target_config: dict[str, Any], tmp_path: Path) -> None:
    """A URL the target cannot fetch (a refused local port: never the internet) fails clearly."""
    messages = [items_schema(), item(id=1, name="before"), bookmark(1)]
    messages += [batch(["http://127.0.0.1:9/batch.jsonl.gz"]), bookmark(2)]
    done = run(target_config, messages, tmp_path)
    _assert_failed_before_later_state(done, target_config["database_url"], "127.0.0.1:9")


def test_batch_line_that_is_not_an_object_fails(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    url = write_jsonl(tmp_path / "a.jsonl", ["[1, 2]"], gzipped=False)
    messages = [items_schema(), item(id=1, name="before"), bookmark(1), batch([url], "none")]
    messages.append(bookmark(2))
    done = run(target_config, messages, tmp_path)
    _assert_failed_before_later_state(done, target_config["database_url"], "a.jsonl", "line 1")


def test_batch_before_schema_fails_naming_the_stream(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    url = write_jsonl(tmp_path / "a.jsonl", [{"id": 1}], gzipped=False)
    done = run(target_config, [bookmark(0), batch([url], "none"), bookmark(1)], tmp_path)
    assert done.returncode == 1
    assert STREAM in done.stderr
    assert done.states == [{"bookmarks": {STREAM: 0}}]
    assert rows(target_config["database_url"]) == []


def test_manifest_not_a_list_fails(target_config: dict[str, Any], tmp_path: Path) -> None:
    message = batch([]) | {"manifest": "file:///tmp/x.jsonl"}
    messages = [items_schema(), item(id=1, name="before"), bookmark(1), message, bookmark(2)]
    done = run(target_config, messages, tmp_path)
    _assert_failed_before_later_state(done, target_config["database_url"], "manifest")
