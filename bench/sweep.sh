#!/usr/bin/env bash
# Issue 14's latency sweep, the fake's ceiling and the whole-workspace run, in one command; writes
# its block of bench/RESULTS.md and bench/SWEEP.json (see bench/README.md; `--help` lists the
# options). Sets up the singer-io tap's virtualenv under bench/.work/ from the package registry
# (once).
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
  make_peer_venv venv-singerio-tap-intercom "$SINGERIO_TAP_SPEC" tap-intercom
fi
cd "$REPO_ROOT"
PYTHONPATH="$REPO_ROOT/bench${PYTHONPATH:+:$PYTHONPATH}" exec "$PROJECT_PYTHON" -m intercom_bench.sweep_cli "$@"
