"""The run's last log line: one table of what was loaded, instead of a dict on one line."""

from __future__ import annotations

from target_supabase.sync_log import RunTotals


def summary_table(status: str, totals: RunTotals) -> str:
    """`Run finished: success`, then records loaded per stream, then what was set aside."""
    counts = sorted(totals.records_by_stream.items())
    rows = [(stream, f"{count:,}") for stream, count in counts]
    rows.append(("total", f"{sum(count for _, count in counts):,}"))
    width = max(len("stream"), *(len(stream) for stream, _ in rows))
    digits = max(len("records"), *(len(count) for _, count in rows))
    lines = [f"Run finished: {status}"]
    lines.append(f"  {'stream'.ljust(width)}  {'records'.rjust(digits)}")
    lines += [f"  {stream.ljust(width)}  {count.rjust(digits)}" for stream, count in rows]
    lines.append(
        f"  {totals.rejected_records:,} records rejected, "
        f"{totals.nul_characters_removed:,} NUL characters removed"
    )
    return "\n".join(lines)
