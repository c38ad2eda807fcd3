#!/usr/bin/env bash
# Issue 17's freshness benchmark: webhook → receiver → targeted fetch → row, at 10 and 100
# changes/s; replaces the "Freshness (webhooks)" section of bench/RESULTS.md (see bench/README.md).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT_PYTHON="$REPO_ROOT/.venv/bin/python"
if [[ ! -x "$PROJECT_PYTHON" ]]; then
  printf '[freshness] the project virtualenv is missing: run scripts/bootstrap.sh first\n' >&2
  exit 1
fi
cd "$REPO_ROOT"
PYTHONPATH="$REPO_ROOT/bench${PYTHONPATH:+:$PYTHONPATH}" exec "$PROJECT_PYTHON" -m intercom_bench.freshness "$@"
