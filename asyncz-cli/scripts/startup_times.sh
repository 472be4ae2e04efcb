#!/usr/bin/env bash
# Whole-process times of `asyncz list` on 1,000 SQLite tasks, `asyncz add` and `asyncz version`.
# Each repetition runs the three commands one after the other (and each launcher given, in turn),
# so that a change in the machine's load hits them alike; the script prints, per launcher and
# command, the median and the range of the wall time and the median user+sys CPU time, with the
# load average before and after.
#
# Usage, from the repository root:
#   asyncz-cli/scripts/startup_times.sh [REPETITIONS (default 9)] [LAUNCHER...]
# LAUNCHER defaults to ./asyncz; give several (for example an unpacked distribution's bin/asyncz,
# or the launcher of another checkout) to compare them on the same store.
set -euo pipefail
root="$(pwd)"
reps="${1:-9}"
shift || true
launchers=("$@")
if [[ ${#launchers[@]} -eq 0 ]]; then
  launchers=("$root/asyncz")
fi
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cd "$dir"
for l in "${launchers[@]}"; do
  "$l" version >/dev/null   # builds on first use
  "$l" version >/dev/null   # records the start-up cache after a build
done
for i in $(seq 0 999); do echo "  - {id: t$i, function: echo, trigger: {every: $((i % 60 + 1))m}}"; done \
  | { echo "stores: {default: jdbc:sqlite:t.db}"; echo "tasks:"; cat; } > fill.yaml
# The service adds the configuration's tasks at start; stop it once it says so.
"${launchers[0]}" start --config fill.yaml > fill.log 2>&1 &
pid=$!
until grep -q "Service started" fill.log; do sleep 0.2; done
kill -TERM "$pid"; wait "$pid" || true

measure() { # name, then the command; appends "wall cpu" to $dir/name
  local name="$1"
  shift
  /usr/bin/time -o "$dir/t" -f "%e %U %S" "$@" >/dev/null 2>"$dir/err" \
    || { echo "$name failed:" >&2; cat "$dir/err" >&2; exit 1; }
  awk '{printf "%.2f %.2f\n", $1, $2 + $3}' "$dir/t" >> "$dir/$name"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$reps"); do
  for k in "${!launchers[@]}"; do
    l="${launchers[$k]}"
    measure "list.$k" "$l" list --store jdbc:sqlite:t.db
    measure "add.$k" "$l" add echo --every 1h --store jdbc:sqlite:t.db
    measure "version.$k" "$l" version
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

summary() { # file: median and range of the wall time, median user+sys
  local name="$1" n wall cpu
  n="$(wc -l < "$dir/$name")"
  wall="$(cut -d' ' -f1 "$dir/$name" | sort -n | tr '\n' ' ')"
  cpu="$(cut -d' ' -f2 "$dir/$name" | sort -n | tr '\n' ' ')"
  printf "  %-8s wall median %s s (%s-%s), user+sys median %s s, %d runs\n" "${name%.*}" \
    "$(echo $wall | cut -d' ' -f$(((n + 1) / 2)))" "$(echo $wall | cut -d' ' -f1)" \
    "$(echo $wall | cut -d' ' -f"$n")" "$(echo $cpu | cut -d' ' -f$(((n + 1) / 2)))" "$n"
}
for k in "${!launchers[@]}"; do
  echo "${launchers[$k]}:"
  summary "list.$k"
  summary "add.$k"
  summary "version.$k"
done
