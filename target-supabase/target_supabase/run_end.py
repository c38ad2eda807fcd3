"""What happens once the input has ended, before the final state: staged tables published
(`overwrite`), rows of retired versions deleted or marked (ACTIVATE_VERSION)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from target_supabase.overwrite import publish
from target_supabase.sync_log import SyncMarker
from target_supabase.versions import retire_old_rows

if TYPE_CHECKING:
    from target_supabase.run import LoadRun


class RunEnd:
    def __init__(self, run: LoadRun, marker: SyncMarker, received_anything: bool) -> None:
        self.run = run
        self.marker = marker
        # The tap finished: its last STATE says so, or (a tap without the marker) the input
        # ended after at least one message.
        self.run_complete = marker.complete if marker.seen else received_anything

    def apply(self) -> None:
        self._publish_staged_tables()
        if self.run.settings.load_method != "overwrite":
            self._retire_old_versions()

    def _publish_staged_tables(self) -> None:
        run, plan = self.run, self.run.overwrites
        timeout = run.settings.statement_timeout_seconds
        for name, staged in list(plan.staged.items()):
            replace = plan.complete(staged.stream, self.marker)
            with run.db.transaction(timeout, what=f"replacing the rows of {name}") as cur:
                rows = publish(cur, staged, replace)
            del plan.staged[name]
            if replace:
                run.logger.info("Table %s replaced by this run's %d rows", name, rows)
            else:
                run.logger.warning(
                    "load_method overwrite: stream %s did not arrive complete (%s), so table %s "
                    "was not replaced; its %d rows were merged by key",
                    staged.stream,
                    self._why_incomplete(staged.stream),
                    name,
                    rows,
                )

    def _why_incomplete(self, stream: str) -> str:
        if stream in self.marker.skipped_streams:
            return "the tap skipped it"
        if not self.marker.seen:
            return "no record and no ACTIVATE_VERSION"
        if not self.marker.complete:
            return "the tap did not finish"
        return f"a {self.marker.sync_type} run reads part of the data"

    def _retire_old_versions(self) -> None:
        run = self.run
        if not self.run_complete or not run.versions.activated:
            return
        sinks = {sink.stream_name: sink for sink in run.table_sinks()}
        hard = run.settings.hard_delete
        timeout = run.settings.statement_timeout_seconds
        for stream, version in run.versions.activated.items():
            sink = sinks.get(stream)
            if sink is None or stream in self.marker.skipped_streams:
                # A stream the tap skipped may have stopped halfway: its rows stay.
                continue
            what = f"retiring old versions of {sink.spec.name}"
            with run.db.transaction(timeout, what=what) as cur:
                rows = retire_old_rows(cur, sink.spec.ident, version, hard)
            run.logger.info(
                "Stream %s: %d rows not in version %s %s",
                stream,
                rows,
                version,
                "deleted" if hard else "marked deleted (_sdc_deleted_at)",
            )
