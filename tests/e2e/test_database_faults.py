"""Scenario 3: the database misbehaves. PostgreSQL restarts mid-load; a statement times out; the
connection goes through PgBouncer in transaction mode (Supabase's transaction pooler). Each run
fails cleanly or succeeds, no confirmed state covers uncommitted rows, and the next run is exact."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from typing import Any

from e2e.pipeline import PipeEvent, RunningPipe
from e2e.scenario import SMALL_WORKSPACE, Scenario
from e2e.tables import connect


def test_a_postgres_restart_mid_load_loses_nothing(
    scenario_factory: Callable[..., Scenario], pg_server: Any
) -> None:
    scenario = scenario_factory(seed=31, **SMALL_WORKSPACE)
    total = scenario.tap_output_bytes()

    def restart(pipe: RunningPipe) -> None:
        pg_server.restart()

    interrupted = scenario.run(events=[PipeEvent(total // 2, restart, "postgres restart")])

    assert interrupted.events_fired == ["postgres restart"]
    assert not scenario.checkpoint_problems(interrupted)
    assert pg_server.password not in interrupted.target_stderr
    scenario.run_ok()
    scenario.assert_exact()
    statuses = scenario.statuses()
    assert statuses[-1] == "success"
    if not interrupted.succeeded:
        assert statuses[0] in {"failed", "incomplete"}, statuses


@contextmanager
def table_locked(database_url: str, table: str) -> Iterator[None]:
    """Hold an exclusive lock on `table` from another session, as a long migration would."""
    with closing(connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute("BEGIN")
        cur.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        try:
            yield
        finally:
            cur.execute("ROLLBACK")


def test_a_statement_timeout_fails_the_run_cleanly_and_the_next_run_is_exact(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario = scenario_factory(seed=32, **SMALL_WORKSPACE)
    scenario.run_ok()
    scenario.fake.workspace.mutate(seed=1)

    with table_locked(scenario.database_url, "intercom_conversations"):
        timed_out = scenario.run(target={"statement_timeout_seconds": 1}, timeout_seconds=120)

    assert timed_out.target_returncode not in (0, None), timed_out.describe()
    assert "statement timeout" in timed_out.target_stderr
    assert not scenario.checkpoint_problems(timed_out)
    failed = scenario.sync_log()[-1]
    assert failed["status"] == "failed"
    assert "statement timeout" in (failed["error_message"] or "")
    scenario.run_ok()
    scenario.assert_exact()


def test_through_pgbouncer_in_transaction_mode_the_tables_are_exact(
    scenario_factory: Callable[..., Scenario], pgbouncer: Any
) -> None:
    scenario = scenario_factory(seed=33, **SMALL_WORKSPACE)
    pooled = {"database_url": pgbouncer.url_for(scenario.database_url)}
    scenario.run_ok(target=pooled)
    scenario.fake.workspace.mutate(seed=1)
    scenario.run_ok(target=pooled)

    scenario.assert_exact()
    assert scenario.statuses() == ["success", "success"]
