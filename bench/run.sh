#!/usr/bin/env bash
# Every benchmark comparison in one run, then bench/RESULTS.md (see bench/README.md).
# Sets up the peers' virtualenvs under bench/.work/ from the package registry (once), then runs
# `python -m intercom_bench` with the arguments given here (`--help` lists them).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/peers.sh
source "$REPO_ROOT/bench/peers.sh"

if [[ ! -x "$PROJECT_PYTHON" ]]; then
  log "the project's virtualenv is missing: run scripts/bootstrap.sh first"
  exit 1
fi
mkdir -p "$WORK_DIR"
if [[ " $* " != *" --no-peers "* && " $* " != *" --help "* && " $* " != *" -h "* ]]; then
  make_peer_venv venv-target-postgres "$TARGET_POSTGRES_SPEC" target-postgres
  make_peer_venv venv-singerio-tap-intercom "$SINGERIO_TAP_SPEC" tap-intercom
fi
cd "$REPO_ROOT"
PYTHONPATH="$REPO_ROOT/bench${PYTHONPATH:+:$PYTHONPATH}" exec "$PROJECT_PYTHON" -m intercom_bench "$@"
