#!/usr/bin/env bash
# The README's first command: the whole job on a built-in demo. Sets the machine up, starts a fake
# Intercom with a sample workspace and a local PostgreSQL (kept in .demo/ on port 54329), runs
# `meltano install` and `meltano --environment=demo run tap-intercom target-supabase`, then prints
# the sync status and a few loaded rows. Run it again: the second run is incremental.
#
#   bash scripts/demo.sh                 # run the demo (again)
#   bash scripts/demo.sh --skip-install  # skip `meltano install` (already done)
#   bash scripts/demo.sh status          # what runs, and where
#   bash scripts/demo.sh fake            # the fake Intercom alone, in the background (options:
#                                        #   --deny tickets, --fault-rate 0.1, --latency-ms 200)
#   bash scripts/demo.sh stop            # stop what the demo started (rm -rf .demo to reset)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
case "${1:-run}" in
  status | stop)
    [ -x "$VENV/bin/python" ] || { echo "The demo was never set up: run bash scripts/demo.sh" >&2; exit 1; } ;;
  *) bootstrap_all ;;
esac
cd "$REPO_ROOT"
export MELTANO_BIN="$MELTANO_VENV/bin/meltano"
exec "$VENV/bin/python" -m intercom_sandbox.demo "$@"
