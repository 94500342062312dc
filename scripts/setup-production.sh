#!/usr/bin/env bash
# The production profile's parts (`npm run setup -- --profile production`),
# installed once and skipped when present:
#   - the Temporal server and its SQL tool, built from the Go module proxy
#     (about 5 minutes on a quiet 2-core machine, 17 under load);
#   - the Temporal Web UI server, built from scripts/temporal-ui (a pinned
#     module: the UI server's own go.mod names versions the proxy no longer serves);
#   - PostgreSQL 15 and Prometheus from Debian's packages.
# The server needs Go >= 1.26.10: the go command fetches the approved
# toolchain from the proxy (GOTOOLCHAIN below).
set -euo pipefail
TEMPORAL_SERVER_VERSION=v1.32.2
export GOTOOLCHAIN=go1.27.3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${CACHE:-${MOSAIC_CACHE_DIR:-$HOME/.cache/mosaic}}"
OUT="$CACHE/temporal-server/bin"
say() { printf '[setup:production] %s\n' "$*"; }
note() { [[ "${QUIET:-0}" == 1 ]] || say "$@"; }
mkdir -p "$OUT"

if [[ -x "$OUT/temporal-server" && -f "$OUT/.version" && $(cat "$OUT/.version") == "$TEMPORAL_SERVER_VERSION" ]]; then
  note "Temporal server $TEMPORAL_SERVER_VERSION: found in $OUT"
else
  say "building the Temporal server $TEMPORAL_SERVER_VERSION and its SQL tool (several minutes the first time)"
  tmp="$(mktemp -d)"
  GOBIN="$tmp" go install "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION"
  mv "$tmp/server" "$OUT/temporal-server"
  mv "$tmp/sql" "$OUT/temporal-sql-tool"
  rm -rf "$tmp"
  echo "$TEMPORAL_SERVER_VERSION" > "$OUT/.version"
fi

ui_version=$(sed -n 's/^\t*github.com\/temporalio\/ui-server\/v2 \(v[^ ]*\).*/\1/p' "$ROOT/scripts/temporal-ui/go.mod" | head -1)
if [[ -x "$OUT/temporal-ui-server" && -f "$OUT/.ui-version" && $(cat "$OUT/.ui-version") == "$ui_version" ]]; then
  note "Temporal Web UI server $ui_version: found"
else
  say "building the Temporal Web UI server $ui_version"
  (cd "$ROOT/scripts/temporal-ui" && go build -o "$OUT/temporal-ui-server" github.com/temporalio/ui-server/v2/cmd/server)
  echo "$ui_version" > "$OUT/.ui-version"
fi

missing=()
[[ -x /usr/lib/postgresql/15/bin/postgres ]] || missing+=(postgresql)
[[ -x /usr/bin/prometheus ]] || missing+=(prometheus)
if (( ${#missing[@]} > 0 )); then
  if command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
    say "installing ${missing[*]} from Debian"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    # Debian starts its own PostgreSQL and Prometheus services; the profile runs its own, in the data directory.
    for service in postgresql prometheus; do command -v systemctl >/dev/null && systemctl disable --now "$service" >/dev/null 2>&1 || true; done
  else
    say "missing ${missing[*]}: install them with your package manager (Debian: apt-get install ${missing[*]})"
    exit 1
  fi
fi
note "production profile ready: $OUT, PostgreSQL 15, $(/usr/bin/prometheus --version 2>&1 | head -1)"
