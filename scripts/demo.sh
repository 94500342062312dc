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
# The settings as the CLI resolves them (setup built dist/).
setting() { node -e "const c = require('./dist/config').loadConfig(); console.log($1)"; }
mosaic stack start
mosaic worker --detach
# The negotiation console signs in only with a token: unless you set one, the demo makes an operator
# token once and keeps it, readable by you alone, in the data directory.
TOKEN_FILE="$(setting c.dataDir)/console-operator.token"
TOKEN_NOTE="your MOSAIC_CONSOLE_OPERATOR_TOKEN"
if [[ -z "${MOSAIC_CONSOLE_OPERATOR_TOKEN:-}" ]]; then
  TOKEN_NOTE="the token in $TOKEN_FILE"
  [[ -s "$TOKEN_FILE" ]] || (umask 077 && node -e "console.log(require('crypto').randomBytes(24).toString('hex'))" > "$TOKEN_FILE")
  export MOSAIC_CONSOLE_OPERATOR_TOKEN="$(cat "$TOKEN_FILE")"
fi
mosaic console --detach
echo "[demo] stack, worker and console up in $(( $(date +%s) - started ))s"
mosaic demo
cat <<MSG

Everything is still running:
  Web UI        $(setting c.temporal.webUiUrl)
  console       $(setting c.console.url)  (sign in with $TOKEN_NOTE)
                one negotiation waits for your feedback there (demo-analytics-…)
  health        npx mosaic doctor
  stop          npx mosaic stack stop
MSG
