#!/usr/bin/env bash
# The peers' virtualenvs under bench/.work/, made once from the package registry (sourced by
# run.sh and sweep.sh; REPO_ROOT must be set).
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
