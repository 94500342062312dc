#!/usr/bin/env bash
# Creates mosaic-svc, the unprivileged system user the worker runs every
# service it starts as (src/providers/service-user.ts): no login shell, no
# home directory, a group of its own. Idempotent; needs root. Where it cannot
# be made, the worker runs services as its own user and says so in
# `mosaic doctor` and each service's status.
set -euo pipefail
USER_NAME=mosaic-svc
if getent passwd "$USER_NAME" >/dev/null; then
  echo "[setup] user $USER_NAME exists (uid $(id -u "$USER_NAME"))"
  exit 0
fi
if [[ $(id -u) != 0 ]]; then
  echo "[setup] not root: cannot create the user $USER_NAME; services will run as the worker's own user" >&2
  exit 0
fi
nologin=$(command -v nologin || echo /usr/sbin/nologin)
useradd --system --user-group --no-create-home --home-dir /nonexistent --shell "$nologin" "$USER_NAME"
echo "[setup] created the system user $USER_NAME (uid $(id -u "$USER_NAME")) for the services Mosaic starts"
