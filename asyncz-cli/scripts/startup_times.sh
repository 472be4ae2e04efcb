#!/usr/bin/env bash
# Whole-process wall times of `asyncz list` on 1,000 SQLite tasks and of `asyncz add`, through the
# launcher (CDS archive included). Usage, from the repository root: asyncz-cli/scripts/startup_times.sh
set -euo pipefail
root="$(pwd)"
dir="$(mktemp -d)"
cd "$dir"
"$root/asyncz" version >/dev/null   # builds on first use, records the CDS archive
for i in $(seq 0 999); do echo "  - {id: t$i, function: echo, trigger: {every: $((i % 60 + 1))m}}"; done \
  | { echo "stores: {default: jdbc:sqlite:t.db}"; echo "tasks:"; cat; } > fill.yaml
# The service adds the configuration's tasks at start; stop it once it says so.
"$root/asyncz" start --config fill.yaml > fill.log 2>&1 &
pid=$!
until grep -q "Service started" fill.log; do sleep 0.2; done
kill -TERM "$pid"; wait "$pid" || true
echo -n "list (1,000 tasks):"
for i in 1 2 3 4 5 6; do /usr/bin/time -f " %e" "$root/asyncz" list --store jdbc:sqlite:t.db 2>&1 >/dev/null | tr -d '\n'; done; echo
echo -n "add:"
for i in 1 2 3 4 5 6; do /usr/bin/time -f " %e" "$root/asyncz" add echo --every 1h --store jdbc:sqlite:t.db 2>&1 >/dev/null | tr -d '\n'; done; echo
rm -rf "$dir"
