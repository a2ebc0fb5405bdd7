#!/usr/bin/env bash
# Installs Debian's Chromium for the playground's browser test (examples/playground/test/browser.test.ts drives
# /usr/bin/chromium through playwright-core, which downloads no browser). Idempotent: does nothing when
# /usr/bin/chromium exists. Needs root (CI runs as root) and the Debian apt mirrors.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "install-chromium: $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium') already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-chromium: /usr/bin/chromium is missing and this is not root; run: sudo apt-get install -y --no-install-recommends chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "install-chromium: installed $(/usr/bin/chromium --version 2>/dev/null)"
