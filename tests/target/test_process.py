"""The target as a process: killed mid-load, or its database restarted under it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from target.intercom_messages import CONVERSATIONS, PARTS, TAGS, conversation, part, tag
from target.support import TARGET_BIN, as_lines, fetch, run_in_process, run_process, sync_logs

TABLE_QUERIES = [
    "SELECT conversation_id, updated_at, title, tags FROM intercom_conversations ORDER BY 1",
    "SELECT message_id, conversation_id, body FROM intercom_messages ORDER BY 1",
    "SELECT conversation_id, tag_id, name FROM intercom_conversation_tags ORDER BY 1, 2",
]
SCHEMAS = [CONVERSATIONS, PARTS, TAGS]


def conversation_messages(n: int, version: int = 1) -> list[dict[str, Any]]:
    """A conversation, its parts and tags, then the tap's STATE covering it."""
    cid = f"c{n:04d}"
    messages = [conversation(cid, version, tags=["t"]), tag(cid, "a"), tag(cid, f"t{n % 3}")]
    messages += [part(f"{cid}-{k}", cid, body="<p>" + "x" * 300 + "</p>") for k in range(3)]
    messages.append({"type": "STATE", "value": {"bookmarks": {"n": n}}})
    return messages


def start(config: dict[str, Any], tmp_path: Path) -> subprocess.Popen[str]:
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    return subprocess.Popen(
        [str(TARGET_BIN), "--config", str(config_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def feed(process: subprocess.Popen[str], text: str, close: bool = True) -> threading.Thread:
    def write() -> None:
        try:
            assert process.stdin is not None
            process.stdin.write(text)
            process.stdin.flush()
            if close:
                process.stdin.close()
        except (BrokenPipeError, OSError):
            pass  # the process was killed: that is the point

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def test_sigkill_then_replay_from_the_last_state_ends_exactly_right(
    pg_server, database_url, tmp_path
) -> None:
    messages = list(SCHEMAS)
    for n in range(300):
        messages += conversation_messages(n)
    config = {"database_url": database_url, "batch_max_seconds": 3600, "checkpoint_rows": 40}
    config["batch_size_rows"] = 25
    process = start(config, tmp_path)
    # The first half only, and no end of input: the run cannot finish before it is killed.
    feed(process, as_lines(messages[: len(messages) // 2]), close=False)
    assert process.stdout is not None
    states = [json.loads(process.stdout.readline()) for _ in range(8)]
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    last = states[-1]["bookmarks"]["n"]
    assert 0 < last < 149
    # Everything the last emitted state covers is committed.
    committed = {
        cid for (cid,) in fetch(database_url, "SELECT conversation_id FROM intercom_conversations")
    }
    assert {f"c{n:04d}" for n in range(last + 1)} <= committed

    resume_at = messages.index({"type": "STATE", "value": {"bookmarks": {"n": last}}}) + 1
    run_in_process(config, SCHEMAS + messages[resume_at:])
    killed_run, resumed_run = sync_logs(database_url)
    assert killed_run["status"] == "incomplete"
    assert "the target was killed" in killed_run["error_message"]
    # Its state is its last committed checkpoint: the one read above, or one written just after.
    assert killed_run["state"]["bookmarks"]["n"] >= last
    assert resumed_run["status"] == "success"

    clean = pg_server.create_database(f"clean_{Path(database_url).name}")
    run_in_process({**config, "database_url": clean}, messages)
    for query in TABLE_QUERIES:
        assert fetch(database_url, query) == fetch(clean, query)
    assert len(fetch(database_url, TABLE_QUERIES[1])) == 900


def test_a_run_overlapping_another_ends_with_its_own_true_status(
    database_url: str, tmp_path: Path
) -> None:
    # E.g. a one-off backfill started while the scheduled job runs: the later run takes the
    # earlier `running` row for a killed run, until the earlier run's next checkpoint says not.
    config = {"database_url": database_url, "checkpoint_rows": 1}
    first = start(config, tmp_path)
    feed(first, as_lines([*SCHEMAS, *conversation_messages(1)]), close=False)
    assert first.stdout is not None
    assert json.loads(first.stdout.readline())["bookmarks"]["n"] == 1

    run_in_process(config, [*SCHEMAS, *conversation_messages(2)])
    assert [log["status"] for log in sync_logs(database_url)] == ["incomplete", "success"]

    feed(first, as_lines(conversation_messages(3)))
    assert first.wait(timeout=60) == 0, first.stderr.read() if first.stderr else ""
    earlier, later = sync_logs(database_url)
    assert (earlier["status"], earlier["error_message"]) == ("success", None)
    assert earlier["state"] == {"bookmarks": {"n": 3}}
    assert (later["status"], later["error_message"]) == ("success", None)


def test_rows_are_loaded_after_batch_max_seconds_even_without_state(
    database_url: str, tmp_path: Path
) -> None:
    config = {"database_url": database_url, "batch_max_seconds": 1, "batch_size_rows": 100_000}
    target = start(config, tmp_path)
    parts = [part(f"m{n}", "c1") for n in range(2000)]
    feed(target, as_lines([PARTS, *parts[:1000]]), close=False).join()
    time.sleep(1.5)
    feed(target, as_lines(parts[1000:]), close=False).join()

    loaded, deadline = 0, time.monotonic() + 30
    while loaded < 2000 and time.monotonic() < deadline:
        loaded = int(fetch(database_url, "SELECT count(*) FROM intercom_messages")[0][0])
        time.sleep(0.1)
    assert target.poll() is None  # still reading: the rows went in by age, not at the end
    feed(target, "", close=True).join()
    assert target.wait(timeout=60) == 0
    assert loaded == 2000


def test_postgres_restarted_mid_run_fails_clearly_and_never_overstates(
    pg_server, database_url, tmp_path
) -> None:
    config = {"database_url": database_url, "batch_max_seconds": 0}
    process = start(config, tmp_path)
    assert process.stdin is not None
    assert process.stdout is not None
    first = list(SCHEMAS)
    for n in range(10):
        first += conversation_messages(n)
    process.stdin.write(as_lines(first))
    process.stdin.flush()
    emitted = [json.loads(process.stdout.readline())]
    while emitted[-1]["bookmarks"]["n"] < 9:
        emitted.append(json.loads(process.stdout.readline()))

    [running] = sync_logs(database_url)
    assert (running["status"], running["conversations_synced"]) == ("running", 10)
    pg_server.restart()
    rest: list[dict[str, Any]] = []
    for n in range(10, 15):
        rest += conversation_messages(n)
    stdout, stderr = process.communicate(as_lines(rest), timeout=60)

    assert process.returncode == 1
    assert "target-supabase failed: Database error while" in stderr
    assert pg_server.password not in stderr
    assert stdout == ""  # no state after the restart: nothing later was committed
    committed = fetch(database_url, "SELECT count(*) FROM intercom_conversations")
    assert committed == [(10,)]
    [log] = sync_logs(database_url)
    assert log["status"] == "failed"
    assert "Database error" in log["error_message"]
    assert log["state"] == {"bookmarks": {"n": 9}}


def test_state_goes_to_stdout_and_the_exit_code_is_zero(database_url, tmp_path) -> None:
    messages = [*SCHEMAS, *conversation_messages(1), *conversation_messages(2)]
    done = run_process({"database_url": database_url, "batch_max_seconds": 0}, messages, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.states == [{"bookmarks": {"n": 1}}, {"bookmarks": {"n": 2}}]


def test_sigterm_stops_the_run_as_failed_with_a_clear_reason(database_url, tmp_path) -> None:
    process = start({"database_url": database_url, "batch_max_seconds": 0}, tmp_path)
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(as_lines([*SCHEMAS, *conversation_messages(1)]))
    process.stdin.flush()
    assert json.loads(process.stdout.readline()) == {"bookmarks": {"n": 1}}
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "terminated by signal 15" in stderr
    [log] = sync_logs(database_url)
    assert (log["status"], log["error_message"]) == ("failed", "terminated by signal 15")
    assert log["state"] == {"bookmarks": {"n": 1}}


def test_a_line_that_is_not_json_fails_the_run_clearly(database_url, tmp_path) -> None:
    messages = [*SCHEMAS, *conversation_messages(1), "not json"]
    done = run_process({"database_url": database_url, "batch_max_seconds": 0}, messages, tmp_path)
    assert done.returncode == 1
    assert "target-supabase failed: Unable to parse line as JSON" in done.stderr
    assert "Traceback" not in done.stderr
    [log] = sync_logs(database_url)
    assert log["status"] == "failed"
    assert log["state"] == {"bookmarks": {"n": 1}}


def test_a_line_that_is_not_utf8_fails_the_run_clearly_and_keeps_what_came_before(
    database_url, tmp_path
) -> None:
    # Standard input is read as bytes (msgspec decodes UTF-8 itself): a byte sequence that is
    # not UTF-8 must still end with one clear error, not a traceback from a text decoder.
    good = as_lines([*SCHEMAS, *conversation_messages(1)]).encode()
    bad = b'{"type": "RECORD", "stream": "conversations", "record": {"title": "caf\xe9"}}\n'
    config_file = tmp_path / "target-config.json"
    config_file.write_text(json.dumps({"database_url": database_url, "batch_max_seconds": 0}))
    done = subprocess.run(
        [str(TARGET_BIN), "--config", str(config_file)],
        input=good + bad,
        capture_output=True,
        timeout=120,
        check=False,
    )
    stderr = done.stderr.decode()
    assert done.returncode == 1
    assert "target-supabase failed: Unable to parse line as JSON" in stderr
    assert '"title": "caf' in stderr
    assert "Traceback" not in stderr
    [log] = sync_logs(database_url)
    assert (log["status"], log["state"]) == ("failed", {"bookmarks": {"n": 1}})
    assert len(fetch(database_url, "SELECT * FROM intercom_conversations")) == 1


def test_config_env_reads_number_settings(database_url, tmp_path) -> None:
    # The SDK leaves `number` settings from the environment as strings ('10' is not a number).
    env = {
        **os.environ,
        "TARGET_SUPABASE_DATABASE_URL": database_url,
        "TARGET_SUPABASE_BATCH_MAX_SECONDS": "10",
    }
    done = subprocess.run(
        [str(TARGET_BIN), "--config", "ENV"],
        input=as_lines([*SCHEMAS, *conversation_messages(1), *conversation_messages(2)]),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(fetch(database_url, "SELECT * FROM intercom_conversations")) == 2
