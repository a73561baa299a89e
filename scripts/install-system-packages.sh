#!/usr/bin/env bash
# Debian packages nudgebot and its tests need: PostgreSQL (server for the storage tests), Chromium (the
# sandbox's browser test drives Debian's Chromium through Playwright; Playwright's own download needs
# the internet), pango (WeasyPrint's PDF) and poppler-utils (pdftotext reads the PDF in the tests).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v pg_lsclusters >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
# WeasyPrint (the board paper as PDF) draws text with pango; the tests read the PDF with pdftotext.
ldconfig -p | grep -q libpango-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
