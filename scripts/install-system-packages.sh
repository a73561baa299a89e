#!/usr/bin/env bash
# Debian packages the test suite needs: PostgreSQL (server for the storage tests) and Chromium (the
# sandbox's browser test drives Debian's Chromium through Playwright; Playwright's own download needs
# the internet).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v pg_lsclusters >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
