#!/usr/bin/env bash
# Every benchmark comparison in one run, then bench/RESULTS.md (see bench/README.md).
# Sets up the peers' virtualenvs under bench/.work/ from the package registry (once), then runs
# `python -m intercom_bench` with the arguments given here (`--help` lists them).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK_DIR="$REPO_ROOT/bench/.work"
PROJECT_PYTHON="$REPO_ROOT/.venv/bin/python"
TARGET_POSTGRES_SPEC="meltanolabs-target-postgres==0.8.1"
SINGERIO_TAP_SPEC="tap-intercom==2.2.5"

log() { printf '[bench] %s\n' "$*" >&2; }

# make_peer_venv NAME PIP_SPEC EXECUTABLE: a virtualenv with one package, made once.
make_peer_venv() {
  local venv="$WORK_DIR/$1" spec="$2" executable="$3"
  if [[ -x "$venv/bin/$executable" ]]; then
    local installed
    installed="$("$venv/bin/pip" freeze --disable-pip-version-check 2>/dev/null || true)"
    if grep -qix -- "$spec" <<<"$installed"; then
      return
    fi
  fi
  log "installing $spec into $venv"
  rm -rf "$venv"
  "$PROJECT_PYTHON" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$spec"
}

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
