"""Operator commands for target-supabase: `check`, `status` and `apply-schema`.

Run them as `target-supabase-ops <command> --config target.json` (or `--config ENV`), or through
Meltano as `meltano invoke target-supabase:<command>`.
"""
