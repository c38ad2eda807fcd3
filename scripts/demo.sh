#!/usr/bin/env bash
# The README's first command: the whole job on a built-in demo. Sets the machine up, starts a fake
# Intercom with a sample workspace and a local PostgreSQL (kept in .demo/ on port 54329), runs
# `meltano install` and `meltano run tap-intercom target-supabase`, then prints the sync status and
# a few loaded rows. Run it again: the second run is incremental.
#
#   bash scripts/demo.sh                 # run the demo (again)
#   bash scripts/demo.sh --skip-install  # skip `meltano install` (already done)
#   bash scripts/demo.sh stop            # stop the demo's PostgreSQL (rm -rf .demo to reset)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
if [ "${1:-}" != "stop" ]; then
  bootstrap_all
fi
cd "$REPO_ROOT"
export MELTANO_BIN="$MELTANO_VENV/bin/meltano"
exec "$VENV/bin/python" -m intercom_sandbox.demo "$@"
