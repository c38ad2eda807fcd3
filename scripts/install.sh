#!/usr/bin/env bash
# Installs everything a sync of your own Intercom into your own Supabase needs, and starts nothing:
# a virtualenv with tap-intercom and target-supabase (.venv), Meltano (.venv-meltano), and the
# plugins of meltano.yml (`meltano install`, into .meltano). Safe to run again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
ensure_plugins
cd "$REPO_ROOT"
log "Installing the plugins for Meltano (meltano install)"
MELTANO_SEND_ANONYMOUS_USAGE_STATS=false "$MELTANO_VENV/bin/meltano" install
log "Installed. Set INTERCOM_ACCESS_TOKEN and SUPABASE_DB_URL (or put them in .env), then:"
echo "  .venv-meltano/bin/meltano invoke tap-intercom:check"
echo "  .venv-meltano/bin/meltano invoke target-supabase:check"
echo "  .venv-meltano/bin/meltano run tap-intercom target-supabase"
