#!/usr/bin/env bash
# scripts/stack.sh start|stop|status [--json] — the local stack, for shells and
# process managers. The logic lives in src/stack (shared with the test harness);
# this is the same command as `npx mosaic stack`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ -d "$ROOT/node_modules" ]] || bash "$ROOT/scripts/setup.sh"
exec node "$ROOT/bin/mosaic.js" stack "$@"
