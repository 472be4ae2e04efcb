#!/usr/bin/env bash
# The project's test command (README.md; .ci/run calls exactly this): installs what the build
# cannot fetch through Maven, then runs the whole build and test suite.
#
# The dashboard's browser tests drive Debian's Chromium and its driver (docs/dashboard.md). When
# /usr/bin/chromium or /usr/bin/chromedriver is missing this installs the Debian packages
# chromium and chromium-driver with apt-get (as root, or through sudo), and stops with a message
# saying what to do when it cannot. Arguments are passed to Maven: scripts/test.sh -pl asyncz-core
# Without arguments it then runs scripts/readme-smoke.sh: the README's first command, built by
# ./asyncz itself, starts the service and a sample task fires.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)

if ((${#missing[@]} > 0)); then
  echo "scripts/test.sh: installing ${missing[*]} for the dashboard's browser tests" >&2
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "scripts/test.sh: ${missing[*]} missing, and this is not root and has no sudo." >&2
      echo "  Install them as root: apt-get install -y chromium chromium-driver" >&2
      exit 1
    fi
    # Without a terminal sudo must not wait for a password nobody can type.
    if [[ -t 0 ]]; then sudo=(sudo); else sudo=(sudo -n); fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "scripts/test.sh: ${missing[*]} missing and there is no apt-get here." >&2
    echo "  Install Chromium and its chromedriver with this system's package manager, then run" >&2
    echo "  ./mvnw -B verify -Dasyncz.chromium=PATH -Dasyncz.chromedriver=PATH" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo[@]}" apt-get update -q || ! "${sudo[@]}" apt-get install -y -q "${missing[@]}"; then
    echo "scripts/test.sh: could not install ${missing[*]} with apt-get." >&2
    echo "  Install them yourself: sudo apt-get install -y chromium chromium-driver" >&2
    exit 1
  fi
fi

./mvnw -B verify "$@"

# The whole suite (no arguments): then the README's first command, as a newcomer runs it.
if (($# == 0)); then
  scripts/readme-smoke.sh
fi
