#!/usr/bin/env bash
# The approve-page browser test drives Debian's chromium (playwright-core never
# downloads a browser of its own). Installs it when it is missing.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0
echo "chromium missing; installing Debian's chromium"
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
timeout 600 $SUDO apt-get install -y -qq chromium >/dev/null 2>&1 ||
  { timeout 300 $SUDO apt-get update -qq >/dev/null 2>&1 || true; timeout 600 $SUDO apt-get install -y -qq chromium >/dev/null; }
[ -x "$CHROMIUM" ] || { echo "chromium could not be installed at $CHROMIUM" >&2; exit 1; }
echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo installed)"
