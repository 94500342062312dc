#!/usr/bin/env bash
# `npm run demo`: from a fresh clone to a running Mosaic with one demo per workflow family.
# Leaves the stack and the worker running so you can look around in the Web UI;
# `npx mosaic stack stop` ends them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
started=$(date +%s)
bash scripts/setup.sh
mosaic() { node bin/mosaic.js "$@"; }
mosaic stack start
mosaic worker --detach
echo "[demo] stack and worker up in $(( $(date +%s) - started ))s"
mosaic demo
cat <<MSG

Everything is still running:
  Web UI        $(node -e "console.log(require('./src/config').loadConfig().temporal.webUiUrl)" 2>/dev/null || echo http://localhost:8233)
  health        npx mosaic doctor
  stop          npx mosaic stack stop
MSG
