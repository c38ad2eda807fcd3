"""The run: message order, state shapes, concurrency, timeouts, escapes, restarts, signals."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import psycopg2

from target.support import TARGET_BIN, as_lines, columns, record, schema_message, state

from .kit import STREAM, TABLE, bookmark, item, items_schema, last_log, ok, rejected, rows, run


def test_record_before_schema_fails_naming_the_stream(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    url = target_config["database_url"]
    messages = [items_schema(), item(id=1), bookmark(1), record("orphans", id=9), bookmark(2)]
    done = run(target_config, messages, tmp_path)
    assert done.returncode == 1
    assert "orphans" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.states == [{"bookmarks": {STREAM: 1}}]
    assert rows(url, "id") == [(1,)]
    log = last_log(url)
    assert log["status"] == "failed"
    assert "orphans" in log["error_message"]


def test_state_nul_characters_are_re_emitted_faithfully(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    value = {"bookmarks": {"a\x00key": "v\x00al", STREAM: {"cursor": "\x00"}}}
    line = json.dumps({"type": "STATE", "value": value})[:-2] + ', "n": 1.50}}'
    value["n"] = 1.5
    done = ok(run(target_config, [items_schema(), item(id=1), line], tmp_path))
    assert done.states == [value]
    assert '"n": 1.50' in done.stdout or '"n":1.50' in done.stdout  # digits as written
    assert rows(target_config["database_url"], "id") == [(1,)]
    assert last_log(target_config["database_url"])["status"] == "success"


def test_state_that_is_not_an_object_is_passed_through(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    values: list[Any] = [[1, 2], "text", 7, {"sync": "not-an-object"}]
    messages: list[Any] = [items_schema()]
    for n, value in enumerate(values, start=1):
        messages += [item(id=n), {"type": "STATE", "value": value}]
    done = ok(run(target_config, messages, tmp_path))
    assert done.states == values
    assert rows(target_config["database_url"], "id") == [(1,), (2,), (3,), (4,)]
    assert last_log(target_config["database_url"])["status"] == "success"


def test_a_line_that_is_not_json_stops_before_later_state(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    messages = [items_schema(), item(id=1), bookmark(1), '{"type": "RECORD", oops', bookmark(2)]
    done = run(target_config, messages, tmp_path)
    assert done.returncode == 1
    assert "oops" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.states == [{"bookmarks": {STREAM: 1}}]
    assert last_log(target_config["database_url"])["status"] == "failed"


def test_schema_change_mid_stream_keeps_every_row(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    url = target_config["database_url"]
    wider = items_schema(extra={"type": ["string", "null"]}, count={"type": ["integer", "null"]})
    as_number = items_schema(count={"type": ["number", "null"]}, extra={"type": "object"})
    messages = [
        items_schema(),
        item(id=1, name="a"),
        wider,
        item(id=2, name="b", extra="e", count=5),
        bookmark(2),
        as_number,
        item(id=3, name="c", count=5.25, extra={"k": 1}),
        bookmark(3),
    ]
    done = ok(run(target_config, messages, tmp_path))
    assert done.states == [{"bookmarks": {STREAM: 2}}, {"bookmarks": {STREAM: 3}}]
    got = rows(url, "id, name, extra, count::text")
    assert got == [(1, "a", None, None), (2, "b", "e", "5"), (3, "c", {"k": 1}, "5.25")]
    assert rejected(url) == []


def test_type_change_the_target_refuses_stops_before_later_state(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    """integer → string is refused (README "Tables and columns"): clearly, state behind."""
    url = target_config["database_url"]
    counted = items_schema(count={"type": ["integer", "null"]})
    messages = [counted, item(id=1, count=1), bookmark(1)]
    messages += [items_schema(count={"type": "string"}), item(id=2, count="two"), bookmark(2)]
    done = run(target_config, messages, tmp_path)
    assert done.returncode == 1
    for word in ("intercom_items", "'count'", "bigint", "text"):
        assert word in done.stderr
    assert "Traceback" not in done.stderr
    assert done.states == [{"bookmarks": {STREAM: 1}}]
    assert rows(url, "id, count") == [(1, 1)]
    assert last_log(url)["status"] == "failed"


def test_key_properties_change_mid_stream(target_config: dict[str, Any], tmp_path: Path) -> None:
    """New key properties: the rows load under the new key, or the run stops naming the
    stream; never a silent loss."""
    url = target_config["database_url"]
    by_pair = items_schema(keys=("id", "name"))
    messages = [items_schema(), item(id=1, name="a"), bookmark(1)]
    messages += [by_pair, item(id=1, name="b"), item(id=1, name="c"), bookmark(2)]
    done = run(target_config, messages, tmp_path)
    assert "Traceback" not in done.stderr
    if done.returncode == 0:
        assert done.states[-1] == {"bookmarks": {STREAM: 2}}
        assert {name for _, name in rows(url)} >= {"b", "c"}
    else:
        assert STREAM in done.stderr
        assert done.states == [{"bookmarks": {STREAM: 1}}]


def test_empty_input_is_logged_incomplete(target_config: dict[str, Any], tmp_path: Path) -> None:
    done = ok(run(target_config, [], tmp_path))
    assert done.states == []
    log = last_log(target_config["database_url"])
    assert log["status"] == "incomplete"
    assert "empty" in log["error_message"]


def test_statement_timeout_zero_means_none(target_config: dict[str, Any], tmp_path: Path) -> None:
    """Seen from inside the load transaction: a trigger writes down the timeout in force."""
    url = target_config["database_url"]
    config = {**target_config, "statement_timeout_seconds": 0}
    ok(run(config, [items_schema(), item(id=1)], tmp_path))
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE seen (timeout text)")
        cur.execute(
            "CREATE FUNCTION note_timeout() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "INSERT INTO seen VALUES (current_setting('statement_timeout')); RETURN NEW; END $$"
        )
        cur.execute(
            f"CREATE TRIGGER note BEFORE INSERT OR UPDATE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION note_timeout()"
        )
        cur.execute(f"ALTER DATABASE {url.rsplit('/', 1)[1]} SET statement_timeout = '2min'")
    ok(run(config, [items_schema(), item(id=2), bookmark(2)], tmp_path))
    ok(run({**config, "statement_timeout_seconds": 7}, [items_schema(), item(id=3)], tmp_path))
    assert [timeout for (timeout,) in _fetch(url, "SELECT timeout FROM seen")] == ["0", "7s"]


def _fetch(url: str, query: str) -> list[tuple[Any, ...]]:
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(query)
        return cur.fetchall()


def test_negative_statement_timeout_is_refused(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    done = run({**target_config, "statement_timeout_seconds": -1}, [items_schema()], tmp_path)
    assert done.returncode != 0
    assert "statement_timeout_seconds" in done.stderr
    assert "Traceback" not in done.stderr


ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x9b31m"


def test_terminal_escapes_never_reach_stderr_raw(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    stream = "evil" + ESCAPES
    schema = schema_message(
        stream,
        {"id": {"type": "integer"}, "when" + ESCAPES: {"type": "string", "format": "date-time"}},
        keys=["id"],
    )
    messages = [
        schema,
        record(stream, id=1, **{"when" + ESCAPES: "2024-W01-1" + ESCAPES}),
        record(stream, id=2, surprise=ESCAPES),
        state({"e": 1}),
        record("ghost" + ESCAPES, id=3),
    ]
    done = run(target_config, messages, tmp_path)
    assert done.returncode == 1
    assert "ghost" in done.stderr
    assert "pwned" in done.stderr
    for control in ("\x1b", "\x07", "\x9b"):
        assert control not in done.stderr
    assert done.states == [{"e": 1}]
    assert len(rejected(target_config["database_url"])) == 1


def test_two_first_runs_at_the_same_moment_both_succeed(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    url = target_config["database_url"]
    results: list[Any] = [None, None]

    def one(index: int) -> None:
        folder = tmp_path / f"run{index}"
        folder.mkdir()
        messages = [items_schema(), item(id=index, name=f"r{index}"), bookmark(index)]
        results[index] = run(target_config, messages, folder)

    threads = [threading.Thread(target=one, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for index, done in enumerate(results):
        assert done.returncode == 0, done.stderr[-3000:]
        assert done.states == [{"bookmarks": {STREAM: index}}]
    assert rows(url) == [(0, "r0"), (1, "r1")]
    statuses = sorted(status for (status,) in _fetch(url, "SELECT status FROM intercom_sync_logs"))
    assert statuses == ["success", "success"]


def _start(config: dict[str, Any], tmp_path: Path) -> subprocess.Popen[str]:
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    return subprocess.Popen(
        [str(TARGET_BIN), "--config", str(config_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _send(process: subprocess.Popen[str], messages: list[Any]) -> None:
    assert process.stdin is not None
    process.stdin.write(as_lines(messages))
    process.stdin.flush()


def _wait_for_state(process: subprocess.Popen[str]) -> Any:
    assert process.stdout is not None
    return json.loads(process.stdout.readline())


def test_sigterm_mid_batch_keeps_state_behind_the_data(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    url = target_config["database_url"]
    config = {**target_config, "batch_max_seconds": 3600, "checkpoint_rows": 1}
    process = _start(config, tmp_path)
    _send(process, [items_schema(), item(id=1), bookmark(1)])
    assert _wait_for_state(process) == {"bookmarks": {STREAM: 1}}
    _send(process, [item(id=n) for n in range(2, 500)])  # buffered: fewer than 1000 rows
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert out.strip() == ""  # no state for the buffered rows
    assert rows(url, "id") == [(1,)]
    assert "Traceback" not in err
    assert "terminated by signal 15" in err
    log = last_log(url)
    assert log["status"] == "failed"
    assert "signal 15" in log["error_message"]
    assert log["state"] == {"bookmarks": {STREAM: 1}}


def test_database_restart_mid_run_ends_the_row_failed(
    target_config: dict[str, Any], pg_server: Any, tmp_path: Path
) -> None:
    url = target_config["database_url"]
    process = _start(target_config, tmp_path)
    _send(process, [items_schema(), item(id=1), bookmark(1)])
    assert _wait_for_state(process) == {"bookmarks": {STREAM: 1}}
    assert last_log(url)["status"] == "running"
    pg_server.restart()
    _send(process, [item(id=2), bookmark(2)])
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "Traceback" not in err
    assert out.strip() == ""  # no state after the restart: row 2 was never committed
    assert rows(url, "id") == [(1,)]
    log = last_log(url)
    assert log["status"] == "failed", log
    assert log["error_message"]
    assert log["state"] == {"bookmarks": {STREAM: 1}}
    assert columns(url, TABLE)


def test_statement_that_times_out_fails_with_state_behind(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    """A load slower than statement_timeout_seconds (a slow trigger the user added): the run
    fails clearly, its rows are not committed and no state covers them; the next run, once the
    trigger is gone, loads them."""
    url = target_config["database_url"]
    config = {**target_config, "statement_timeout_seconds": 1}
    ok(run(config, [items_schema(), item(id=1), bookmark(1)], tmp_path))
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(
            "CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "PERFORM pg_sleep(1.5); RETURN NEW; END $$"
        )
        cur.execute(
            f"CREATE TRIGGER slow BEFORE INSERT ON {TABLE} FOR EACH ROW EXECUTE FUNCTION slow()"
        )
    messages = [items_schema(), item(id=2), bookmark(2)]
    done = run(config, messages, tmp_path)
    assert done.returncode == 1
    assert "statement timeout" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.states == []
    assert rows(url, "id") == [(1,)]
    assert rejected(url) == []
    assert last_log(url)["status"] == "failed"
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(f"DROP TRIGGER slow ON {TABLE}")
    done = ok(run(config, messages, tmp_path))
    assert done.states == [{"bookmarks": {STREAM: 2}}]
    assert rows(url, "id") == [(1,), (2,)]
