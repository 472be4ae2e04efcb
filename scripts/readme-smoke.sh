#!/usr/bin/env bash
# The README's first command, as a newcomer runs it on a fresh clone: ./asyncz builds itself (its
# own Maven build, not the test suite's), starts the service on the embedded default store with
# the sample configuration and the dashboard, and a sample task fires; then SIGTERM stops it
# cleanly. scripts/test.sh runs this after the test suite. The unit tests start the service from
# the test class path, so only this catches a build of ./asyncz that fails on a fresh machine.
#
# Everything goes to a temporary directory (the store, the service files, the log); the dashboard
# takes a free loopback port instead of 8420, which another service may hold.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
log="$work/service.log"
service=""
finish() {
  if [[ -n "$service" ]] && kill -0 "$service" 2>/dev/null; then
    kill -KILL "$service" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap finish EXIT

fail() {
  echo "scripts/readme-smoke.sh: $1; the service's output:" >&2
  sed 's/^/  | /' "$log" >&2
  exit 1
}

# Waits up to $2 seconds for a line of the log that contains $1.
await() {
  local deadline=$((SECONDS + $2))
  until grep -qF -- "$1" "$log" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      fail "no line with \"$1\" within $2 s"
    fi
    if ! kill -0 "$service" 2>/dev/null; then
      fail "the service ended before a line with \"$1\""
    fi
    sleep 0.5
  done
}

rm -f asyncz-cli/target/lib/.built # the stamp: ./asyncz then builds itself, as on first use
echo "scripts/readme-smoke.sh: ./asyncz start --config examples/asyncz.yaml --dashboard (build included)" >&2
ASYNCZ_HOME="$work/home" ASYNCZ_RUN_DIR="$work/run" \
  ./asyncz start --config examples/asyncz.yaml --dashboard 127.0.0.1:0 >"$log" 2>&1 &
service=$!

await "Dashboard: http://127.0.0.1:" 600 # the first use builds the command line
await "Service started with 3 tasks" 60
await "Task 'heartbeat' ran" 60
[[ -f "$work/home/asyncz.db" ]] || fail "the embedded default store $work/home/asyncz.db is missing"
url="$(grep -m1 -o 'http://127.0.0.1:[0-9]*/' "$log")"
if command -v curl >/dev/null 2>&1; then
  code="$(curl -s -o /dev/null -w '%{http_code}' "$url")"
  [[ "$code" == 200 ]] || fail "the dashboard at $url answered $code"
fi

kill -TERM "$service"
await "Stopped cleanly" 60
wait "$service" || true
echo "scripts/readme-smoke.sh: the README's first command works (dashboard at $url answered)" >&2
