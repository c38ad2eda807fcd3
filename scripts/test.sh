#!/usr/bin/env bash
# The whole test suite: lint, type checks, then every test (real PostgreSQL, fake Intercom).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k target -x`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
bootstrap_all
cd "$REPO_ROOT"
export PATH="$VENV/bin:$PATH"
export MELTANO_BIN="$MELTANO_VENV/bin/meltano"
log "ruff"
ruff check .
ruff format --check .
log "mypy"
mypy tap-intercom/tap_intercom target-supabase/target_supabase sandbox/intercom_sandbox webhooks/intercom_webhooks
log "pytest"
# pytest exits 5 when it collects no test: that is a failure here too.
pytest "$@"
