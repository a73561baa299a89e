#!/usr/bin/env bash
# Debian packages the test suite needs: PostgreSQL (server for the storage tests), Chromium (the
# sandbox's browser test drives Debian's Chromium through Playwright; Playwright's own download needs
# the internet) and a colour emoji font for the screenshot.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v pg_lsclusters >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
# The coloured dots beside each success measure's status (🟢 🟠 🔴) in the sandbox and its screenshot.
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
