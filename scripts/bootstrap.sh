#!/usr/bin/env bash
# Sets up everything the demo, the tests and the benchmarks need on a fresh Debian/Ubuntu machine:
# PostgreSQL server binaries and PgBouncer (from the distribution, when missing and we can install
# them), a virtualenv with the project's packages, and a separate one for Meltano.
# Sourced by scripts/demo.sh and scripts/test.sh; safe to run again (it only adds what is missing).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"
MELTANO_VENV="$REPO_ROOT/.venv-meltano"
MELTANO_VERSION="4.4.1"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

have_postgres_binaries() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; }

ensure_system_packages() {
  local missing=()
  have_postgres_binaries || missing+=(postgresql)
  command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
  command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
  # Debian and Ubuntu ship Python's venv module (ensurepip) in a separate package.
  "$(find_python)" -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  if command -v apt-get >/dev/null 2>&1 && { [ -z "$sudo" ] || sudo -n true 2>/dev/null; }; then
    log "Installing ${missing[*]} from the distribution"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # The Debian package starts a cluster and a pooler of its own; we run throwaway ones instead.
    $sudo service postgresql stop >/dev/null 2>&1 || true
    $sudo service pgbouncer stop >/dev/null 2>&1 || true
  else
    echo "Missing ${missing[*]}: install them (e.g. apt-get install ${missing[*]}) and run again." >&2
    exit 1
  fi
}

find_python() {
  local candidate
  for candidate in python3.13 python3.12 python3.11 python3.10 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "Python 3.10 or newer is required." >&2
  exit 1
}

ensure_venv() {
  local python
  python="$(find_python)"
  local stamp="$VENV/.requirements.sha"
  local want
  want="$(cat "$REPO_ROOT/requirements-dev.txt" "$REPO_ROOT"/*/pyproject.toml | sha1sum | cut -d' ' -f1)"
  if [ ! -x "$VENV/bin/python" ]; then
    log "Creating $VENV"
    "$python" -m venv "$VENV"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "Installing the project's packages into .venv"
    "$VENV/bin/pip" install -q --upgrade pip >/dev/null
    "$VENV/bin/pip" install -q -r "$REPO_ROOT/requirements-dev.txt"
    echo "$want" >"$stamp"
  fi
}

ensure_meltano() {
  if [ ! -x "$MELTANO_VENV/bin/meltano" ]; then
    log "Installing Meltano $MELTANO_VERSION into .venv-meltano"
    "$(find_python)" -m venv "$MELTANO_VENV"
    "$MELTANO_VENV/bin/pip" install -q "meltano==$MELTANO_VERSION"
  fi
}

# For your own Intercom and Supabase (scripts/install.sh): the two plugins' commands in .venv and
# Meltano, without a PostgreSQL server or the test tools.
ensure_plugins() {
  if ! "$(find_python)" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    echo "Python's venv module is missing: install it (apt-get install python3-venv) and run again." >&2
    exit 1
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    log "Creating $VENV"
    "$(find_python)" -m venv "$VENV"
  fi
  if [ ! -x "$VENV/bin/tap-intercom" ] || [ ! -x "$VENV/bin/target-supabase" ]; then
    log "Installing tap-intercom and target-supabase into .venv"
    "$VENV/bin/pip" install -q -e "$REPO_ROOT/tap-intercom" -e "$REPO_ROOT/target-supabase"
  fi
  ensure_meltano
}

bootstrap_all() {
  ensure_system_packages
  ensure_venv
  ensure_meltano
}
